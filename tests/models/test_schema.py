"""`roster schema`: the JSON Schema printed describes what the loader really accepts.

Every shipped instance, read as the loader reads YAML, validates against it, and so
does every instance in its plain list form. Documents the loader refuses for a
reason a schema can express (an unknown field, a wrong type, a bad clock time) fail
it; forms only the loader knows (lists in CSV files, an `unavailable` entry that is
a plain day) pass it, and the loader accepts them too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator

from models import InputError, Instance
from models.loader import instance_json_schema, read_document
from scheduler.cli import main
from scheduler.formats import read_instance
from tests.helpers import ROOT
from tests.models.test_loader import instances

INSTANCES = sorted((ROOT / "instances").glob("*.yaml"))
BASE = ROOT / "instances" / "tiny-annotated.yaml"


@pytest.fixture
def printed_schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    schema: dict[str, Any] = json.loads(out)
    return schema


@pytest.fixture
def validator(printed_schema: dict[str, Any]) -> Validator:
    # Formats checked too: an editor that checks them must not flag a valid file.
    cls = jsonschema.validators.validator_for(printed_schema)
    return cls(printed_schema, format_checker=FormatChecker())


def _errors(validator: Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_the_printed_schema_is_a_valid_draft_2020_12_schema(
    printed_schema: dict[str, Any],
) -> None:
    assert printed_schema == instance_json_schema()
    assert printed_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(printed_schema)


def test_there_are_shipped_instances() -> None:
    assert len(INSTANCES) >= 3
    assert BASE in INSTANCES


@pytest.mark.parametrize("path", INSTANCES, ids=[p.name for p in INSTANCES])
def test_every_shipped_instance_validates(path: Path, validator: Validator) -> None:
    document = read_document(path)
    assert _errors(validator, document) == []
    read_instance(path)  # and the loader agrees


@pytest.mark.parametrize("path", INSTANCES, ids=[p.name for p in INSTANCES])
def test_every_shipped_instance_in_list_form_validates(path: Path, validator: Validator) -> None:
    # CSV lists read into plain lists, times and dates as pydantic writes them.
    document = read_instance(path).model_dump(mode="json", by_alias=True)
    assert _errors(validator, document) == []


_SCHEMA = instance_json_schema()
_VALIDATOR = jsonschema.validators.validator_for(_SCHEMA)(_SCHEMA, format_checker=FormatChecker())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances())
def test_any_valid_instance_validates(instance: Instance) -> None:
    document = instance.model_dump(mode="json", by_alias=True)
    assert _errors(_VALIDATOR, document) == []


# ---- documents both refuse, and forms both accept -----------------------------

Change = Callable[[dict[str, Any]], None]


def _set(*where: str | int, value: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value

    return change


def _delete(key: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        del data[key]

    return change


INVALID: dict[str, Change] = {
    "unknown top-level field": _set("deadline", value="fri"),
    "unknown field on a person": _set("people", 0, "max_hour_per_week", value=30),
    "unknown field in a contract": _set("people", 0, "contract", "max_hour_per_week", value=30),
    "missing horizon": _delete("horizon"),
    "days as a word": _set("horizon", "days", value="seven"),
    "days as a fraction": _set("horizon", "days", value=6.5),
    "people as a mapping": _set("people", value={"ann": {"roles": ["agent"]}}),
    "people as a word, not a CSV file": _set("people", value="ann"),
    "shifts as a number": _set("shifts", value=3),
    "roles as a word": _set("people", 0, "roles", value="agent"),
    "unknown role": _set("people", 0, "roles", value=["manager"]),
    "unavailable entry as a number": _set("people", 0, "unavailable", value=[3]),
    "unavailable entry with an unknown field": _set(
        "people", 0, "unavailable", value=[{"date": "2026-12-01"}]
    ),
    "skill level 7": _set("people", 0, "skills", "general", value=7),
    "clock time with a UTC offset": _set("shifts", 0, "start", value="07:00+01:00"),
    "clock time without minutes": _set("shifts", 0, "start", value="7"),
    "shift of 25 hours": _set("shifts", 0, "hours", value=25),
    "start date not a date": _set("horizon", "start", value="30.11.2026"),
    "queue hard as a number": _set("queues", 0, "hard", value=[1]),
    "number past the largest accepted": _set("batches", 0, "items", value=10**12),
    "agents above 10 000": _set("demand", 0, "agents", value=20_000),
    "weight above a million": _set("weights", value={"uncovered": 2_000_000}),
}

VALID_FORMS: dict[str, Change] = {
    "unavailable as plain days": _set("people", 0, "unavailable", value=["2026-12-01", "sat"]),
    "clock time with seconds": _set("shifts", 0, "start", value="07:00:30"),
    "last shift end with a space": _set(
        "people", 0, "history", value={"last_shift_end": "2026-11-29 16:00"}
    ),
    "last shift end with a T and seconds": _set(
        "people", 0, "history", value={"last_shift_end": "2026-11-29T16:00:00"}
    ),
}


def _base() -> dict[str, Any]:
    document = read_document(BASE)
    assert isinstance(document, dict)
    return document


def _write(document: dict[str, Any], folder: Path) -> Path:
    path = folder / "instance.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_documents_fail_the_schema_and_the_loader(
    name: str, validator: Validator, tmp_path: Path
) -> None:
    document = copy.deepcopy(_base())
    INVALID[name](document)
    assert _errors(validator, document), f"the schema accepts: {name}"
    with pytest.raises(InputError):
        read_instance(_write(document, tmp_path))


@pytest.mark.parametrize("name", list(VALID_FORMS))
def test_loader_forms_pass_the_schema_and_the_loader(
    name: str, validator: Validator, tmp_path: Path
) -> None:
    document = copy.deepcopy(_base())
    VALID_FORMS[name](document)
    assert _errors(validator, document) == []
    read_instance(_write(document, tmp_path))


@pytest.mark.parametrize("key", ["shifts", "queues", "demand", "people", "batches"])
def test_each_list_may_name_a_csv_file(key: str, validator: Validator) -> None:
    document = copy.deepcopy(_base())
    document[key] = f"{key}.CSV"
    assert _errors(validator, document) == []
    document[key] = f"{key}.txt"
    assert _errors(validator, document)


def test_a_shipped_instance_with_its_people_in_csv(validator: Validator) -> None:
    csv_instances = [p for p in INSTANCES if isinstance(read_document(p).get("people"), str)]
    assert csv_instances, "some shipped instance keeps its people in a CSV file"
    for path in csv_instances:
        assert _errors(validator, read_document(path)) == []
