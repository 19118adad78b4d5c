"""The server's size limit holds for every instance it builds, not only for uploads: a
patch, a fix from Check, a what-if scenario, a replan's changes, and the roster an edit
or a job works on. Above it: 413 naming the instance and its size, and nothing stored
or queued.

The limit here is 100 person-days; the week uploaded is 8 people over 7 days (56).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from models import Instance
from scheduler.service.store import Store
from tests.helpers import agent, demand, micro
from tests.service.test_api import Client, solved, upload, week, yaml_of
from tests.service.test_api import client as client  # the fixture: an app over the store

LIMIT = 100


def eight_for_a_week() -> Instance:
    """8 agents over 7 days: 56 person-days, within the limit."""
    return micro(
        days=7,
        demand=[demand("general", None)],
        people=[agent(f"a{i}") for i in range(8)],
    )


def forty_more() -> list[dict[str, Any]]:
    return [agent(f"new{i}") for i in range(40)]


@pytest.fixture
def api(client: Client) -> TestClient:
    return client(max_person_days=LIMIT)


@pytest.fixture
def made(api: TestClient) -> dict[str, Any]:
    return upload(api, {"week.yaml": yaml_of(eight_for_a_week())})


def refused(response: Any, words: str) -> None:
    assert response.status_code == 413, response.text
    errors = response.json()["errors"]
    assert any(words in e and f"above this server's limit of {LIMIT}" in e for e in errors), errors


def test_a_patch_cannot_take_a_week_above_the_limit(
    api: TestClient, made: dict[str, Any], store: Store
) -> None:
    # 8 + 40 people over 60 days: 2,880 person-days, as the upload of it would be refused
    patch = {"set": {"horizon.days": 60}, "add_people": forty_more()}
    response = api.post(f"/api/instances/{made['id']}/versions", json={"patch": patch})
    refused(response, "patch: 48 people over 60 days is 2,880 person-days")
    assert [v.number for v in store.versions(made["id"])] == [1]
    # within the limit, a patch still makes its version: 8 people over 12 days is 96
    fine = api.post(
        f"/api/instances/{made['id']}/versions", json={"patch": {"set": {"horizon.days": 12}}}
    )
    assert fine.status_code == 201, fine.text


def test_a_fix_from_check_cannot_take_a_week_above_the_limit(
    api: TestClient, made: dict[str, Any], store: Store
) -> None:
    # "Apply this fix" posts the fix's changes as a patch; an extra_people fix adds
    # people: 8 + 7 over 7 days is 105 person-days
    fix = {"add_people": [agent(f"hire{i}") for i in range(7)]}
    response = api.post(
        f"/api/instances/{made['id']}/versions",
        json={"patch": fix, "base": made["version_id"], "note": "fix: 7 more agents"},
    )
    refused(response, "15 people over 7 days is 105 person-days")
    assert len(store.versions(made["id"])) == 1


HIRES = ", ".join(f"{{id: n{i}, roles: [agent]}}" for i in range(7))


@pytest.mark.parametrize(
    ("scenario", "words"),
    [
        # a year: 8 people over 366 days (it ran until stopped)
        ("set: {horizon.days: 366}", "8 people over 366 days is 2,928 person-days"),
        (f"add_people: [{HIRES}]", "15 people over 7 days is 105 person-days"),
    ],
)
def test_a_what_if_scenario_above_the_limit_is_refused_and_nothing_queued(
    api: TestClient, made: dict[str, Any], store: Store, scenario: str, words: str
) -> None:
    text = f"scenarios:\n  - name: baseline\n  - name: bigger\n    {scenario}\n"
    response = api.post(
        f"/api/versions/{made['version_id']}/whatif", json={"scenarios": text, "time_limit": 5}
    )
    refused(response, f"scenarios[1] (bigger): {words}")
    assert store.jobs() == []


def test_work_on_a_roster_kept_from_before_the_limit_was_lowered_is_refused(
    client: Client, store: Store
) -> None:
    # solved under the default limit: 2 people over 1 day
    roomy = client()
    version = upload(roomy, {"week.yaml": yaml_of(week())})["version_id"]
    result_id = solved(roomy, version)["result_id"]
    # the server restarted with a limit of 1 person-day: the week is 2
    strict = client(max_person_days=1)
    jobs, results = len(store.jobs()), len(store.results([version]))
    edits = {"edits": "unassign ana 2026-11-30 day"}
    asked = {
        f"/api/results/{result_id}/try": edits,
        f"/api/results/{result_id}/apply": edits,
        f"/api/results/{result_id}/cover": {"person": "ana", "from": "2026-11-30"},
        f"/api/results/{result_id}/replan": {"from": "2026-11-30"},
        f"/api/versions/{version}/solve": {},
        f"/api/versions/{version}/check": {},
    }
    for path, body in asked.items():
        response = strict.post(path, json=body)
        assert response.status_code == 413, (path, response.text)
        assert "2 people over 1 day is 2 person-days" in response.json()["errors"][0], path
    assert len(store.jobs()) == jobs and len(store.results([version])) == results


def test_a_replans_changes_above_the_limit_are_refused(client: Client, store: Store) -> None:
    api = client(max_person_days=4)
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]  # 2 person-days
    result_id = solved(api, version)["result_id"]
    jobs = len(store.jobs())
    more = {"add_people": [agent(f"n{i}") for i in range(3)]}  # 5 people over 1 day
    response = api.post(
        f"/api/results/{result_id}/replan", json={"from": "2026-11-30", "changes": more}
    )
    assert response.status_code == 413, response.text
    assert response.json()["errors"] == [
        "changes: 5 people over 1 day is 5 person-days, above this server's limit of 4"
    ]
    # changes that do not apply are said so now, not by a job that fails
    wrong = api.post(
        f"/api/results/{result_id}/replan",
        json={"from": "2026-11-30", "changes": {"remove_people": ["zed"]}},
    )
    assert wrong.status_code == 422, wrong.text
    assert wrong.json()["errors"][0].startswith("changes: remove_people: no person 'zed'")
    assert len(store.jobs()) == jobs


def test_a_chunked_upload_over_the_limit_is_413(client: Client, store: Store) -> None:
    # no Content-Length: the body is counted as it comes, and the form parser's failure
    # to read it is not a 400
    api = client(max_upload_bytes=10_000)

    def body() -> Any:
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="w.yaml"\r\n\r\n'
        for _ in range(30):
            yield b"#" * 1_000
        yield b"\r\n--b--\r\n"

    response = api.post(
        "/api/instances",
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413, response.text
    assert response.json()["errors"] == ["the upload is larger than the limit of 0.00953674 MB"]
    assert store.instances() == []
