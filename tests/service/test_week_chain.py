"""Week after week through the service: the demo week planned four weeks in a row,
each solve taking its history from the weeks published before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from models import Instance
from models.moved import moved
from models.roster import read_roster_csv
from scheduler.checker import evaluate
from scheduler.formats import read_instance
from scheduler.service.api import Settings, create_app
from scheduler.service.jobs import JobRunner
from scheduler.service.store import Store
from tests.service.test_api import until_ended, upload
from tests.service.test_jobs import DEMO, DEMO_FILES
from tests.test_week_after_week import WEEKS, assert_rest_holds_across_weeks, write_week

SOLVE = {"workers": 1, "seed": 0, "deterministic_time": 1.5, "time_limit": 60}


@pytest.fixture
def api(store: Store) -> Iterator[TestClient]:
    runner = JobRunner(store, slots=1, poll_seconds=0.05)
    with TestClient(create_app(store, runner, Settings())) as client:
        yield client


def test_the_demo_week_four_weeks_in_a_row_with_published_weeks_as_history(
    api: TestClient, store: Store, tmp_path: Path
) -> None:
    first = read_instance(DEMO)
    published: list[str] = []
    rows = []
    for k in range(WEEKS):
        if k == 0:
            files = DEMO_FILES
        else:
            week = write_week(moved(first, 7 * k), tmp_path / f"week{k}.yaml")
            files = {"demo-week.yaml": week.read_bytes()}
        made = upload(api, files)
        job = api.post(f"/api/versions/{made['version_id']}/solve", json=SOLVE)
        assert job.status_code == 202, job.text
        # by default a solve's history is the weeks published before it, oldest first
        assert job.json()["options"]["history"] == published
        done = until_ended(api, job.json()["id"], seconds=120)
        assert done["state"] == "done", done
        result_id = done["result_id"]
        roster = api.get(f"/api/results/{result_id}/files/roster.csv")
        assert roster.status_code == 200
        path = tmp_path / f"roster{k}.csv"
        path.write_bytes(roster.content)
        week_rows = read_roster_csv(path)
        # the kept instance (with the history the solve took) accepts the roster
        kept = store.files(result_id)["instance.json"]
        solved = read_instance_json(kept, tmp_path / f"i{k}.json")
        assert evaluate(solved, week_rows).violations == [], f"week {k} breaks a rule"
        if k:
            assert any(p.history.last_shift_end for p in solved.people), "no history taken"
        publish = api.post(f"/api/results/{result_id}/publish")
        assert publish.status_code == 200, publish.text
        published.append(result_id)
        rows += week_rows
    nights = [r for r in rows if r.shift == "night" and r.date.weekday() == 6]
    assert nights, "no Sunday night was worked: the boundary was not exercised"
    assert_rest_holds_across_weeks(first, rows)


def read_instance_json(content: bytes, path: Path) -> Instance:
    path.write_bytes(content)
    return read_instance(path)
