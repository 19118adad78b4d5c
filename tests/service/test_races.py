"""Requests that race: many clients at once on one instance, one person's feed, one week.

Each test sends 20 requests (10 for the feeds) from as many threads, released together
by a barrier, through the API on a real store (SQLite always, PostgreSQL too when
`ROSTER_TEST_POSTGRES` names a server), then reads the store back: every request the
service accepted is stored exactly once, and what the docs promise of the whole holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from scheduler.service.api import Settings, create_app
from scheduler.service.jobs import JobRunner
from scheduler.service.store import Store
from tests.service.test_api import solved, upload, week, yaml_of

CLIENTS = 20


@pytest.fixture
def api(store: Store) -> Iterator[TestClient]:
    runner = JobRunner(store, slots=1, poll_seconds=0.05)
    # a server error is an answer here (a 500 counted), not an exception in the test
    with TestClient(create_app(store, runner, Settings()), raise_server_exceptions=False) as made:
        yield made


def at_once(count: int, request: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """`request(i)` for i in 0..count-1, each in its own thread, all released together."""
    barrier = threading.Barrier(count)

    def one(index: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return request(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def statuses(answers: list[httpx.Response]) -> list[int]:
    return sorted(a.status_code for a in answers)


def test_concurrent_patches_of_one_instance_are_each_stored_as_a_version(
    api: TestClient, store: Store
) -> None:
    made = upload(api, {"week.yaml": yaml_of(week())})

    def patch(index: int) -> httpx.Response:
        body = {"patch": {"set": {"people.ben.hourly_cost": index + 3}}, "note": f"patch {index}"}
        answer: httpx.Response = api.post(f"/api/instances/{made['id']}/versions", json=body)
        return answer

    answers = at_once(CLIENTS, patch)
    assert statuses(answers) == [201] * CLIENTS, [a.text for a in answers if a.status_code != 201]
    versions = store.versions(made["id"])
    # the upload's version, then one version per patch: numbered 1 to 21 without a gap,
    # each patch's note and cost once, each answer naming its own version
    assert [v.number for v in versions] == list(range(1, CLIENTS + 2))
    patched = {v.note: v for v in versions[1:]}
    assert sorted(patched) == sorted(f"patch {i}" for i in range(CLIENTS))
    for index in range(CLIENTS):
        people = {p["id"]: p for p in patched[f"patch {index}"].document["people"]}
        assert people["ben"]["hourly_cost"] == index + 3
    by_answer = {a.json()["id"]: a.json()["number"] for a in answers}
    assert by_answer == {v.id: v.number for v in versions[1:]}


def test_concurrent_feed_renewals_leave_one_feed_live(api: TestClient, store: Store) -> None:
    upload(api, {"week.yaml": yaml_of(week())})
    renewals = 10

    def renew(_index: int) -> httpx.Response:
        answer: httpx.Response = api.post("/api/feeds", json={"person": "ana"})
        return answer

    answers = at_once(renewals, renew)
    assert statuses(answers) == [201] * renewals
    live = [t for t in store.live_tokens("feed") if t.person == "ana"]
    assert len(live) == 1, f"{len(live)} feeds of ana live; a new feed ends the one before"
    # the one live is one of the URLs handed out, and the only one that opens
    opened = [a.json()["path"] for a in answers if api.get(a.json()["path"]).status_code == 200]
    assert len(opened) == 1
    assert api.get("/api/feeds").json() == [
        {"person": "ana", "created": live[0].created.isoformat()}
    ]


def test_concurrent_publishes_of_one_week_leave_one_published(
    api: TestClient, store: Store
) -> None:
    made = upload(api, {"week.yaml": yaml_of(week())})
    results = [solved(api, made["version_id"], seed=seed)["result_id"] for seed in range(3)]

    def publish(index: int) -> httpx.Response:
        answer: httpx.Response = api.post(f"/api/results/{results[index % len(results)]}/publish")
        return answer

    answers = at_once(CLIENTS, publish)
    assert statuses(answers) == [200] * CLIENTS, [a.text for a in answers if a.status_code != 200]
    published: list[dict[str, Any]] = api.get("/api/published").json()
    assert len(published) == 1 and published[0]["week"] == "2026-11-30"
    assert published[0]["result_id"] in results
