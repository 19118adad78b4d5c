"""The service's API over FastAPI's test client: every endpoint, and bad input answered
with a 4xx and a message while nothing is stored.

Jobs run in real worker processes (the runner starts with the app); solves pin one
worker and the seed, on micro-instances whose best roster is derived in a comment.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from models import Instance
from scheduler.cli import main
from scheduler.service.api import Settings, create_app
from scheduler.service.jobs import JobRunner
from scheduler.service.store import Store
from tests.helpers import agent, demand, micro
from tests.service.test_jobs import DEMO_FILES, ONE_WORKER

Client = Callable[..., TestClient]


def week(start: str = "2026-11-30", away_ben: bool = False) -> Instance:
    """One day, one agent needed on the general queue; ana costs 1 an hour, ben 2: the
    best roster is ana's 8 hours (objective 8). With `away_ben`, ben may not work."""
    ben = agent("ben", hourly_cost=2)
    if away_ben:
        ben["unavailable"] = [{"from": start, "to": start}]
    inst = micro(
        days=1, demand=[demand("general", None)], people=[agent("ana", hourly_cost=1), ben]
    )
    day = dt.date.fromisoformat(start)
    return inst.model_copy(update={"horizon": inst.horizon.model_copy(update={"start": day})})


def yaml_of(inst: Instance) -> bytes:
    document = inst.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.safe_dump(document).encode()


@pytest.fixture
def client(store: Store) -> Iterator[Client]:
    opened: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        runner = JobRunner(store, slots=2, poll_seconds=0.05)
        app = create_app(store, runner, Settings(**settings))
        made = TestClient(app)
        made.__enter__()
        opened.append(made)
        return made

    yield make
    for made in opened:
        made.__exit__(None, None, None)


def upload(api: TestClient, files: dict[str, bytes]) -> dict[str, Any]:
    response = api.post("/api/instances", files=[("files", (n, c)) for n, c in files.items()])
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def until_ended(api: TestClient, job_id: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = api.get(f"/api/jobs/{job_id}").json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not end")


def solved(api: TestClient, version_id: str, **options: Any) -> dict[str, Any]:
    body = {"time_limit": 20, **ONE_WORKER, **options}
    response = api.post(f"/api/versions/{version_id}/solve", json=body)
    assert response.status_code == 202, response.text
    job = until_ended(api, response.json()["id"])
    assert job["state"] == "done", job["reason"]
    return job


def nothing_stored(store: Store) -> None:
    assert store.instances() == [] and store.jobs() == []


# ---- instances ---------------------------------------------------------------------


def test_upload_lists_and_reads_back_an_instance_with_its_files(
    client: Client, store: Store
) -> None:
    api = client()
    made = upload(api, DEMO_FILES)
    assert made["figures"]["people"] == 66 and made["figures"]["days"] == 7
    listed = api.get("/api/instances").json()
    assert [i["id"] for i in listed] == [made["id"]]
    assert listed[0]["latest"]["id"] == made["version_id"]
    got = api.get(f"/api/instances/{made['id']}").json()
    assert [v["number"] for v in got["versions"]] == [1]
    version = api.get(f"/api/versions/{made['version_id']}").json()
    assert version["files"] == sorted(DEMO_FILES)
    people = api.get(f"/api/versions/{made['version_id']}/files/demo-week-people.csv")
    assert people.content == DEMO_FILES["demo-week-people.csv"]
    document = api.get(f"/api/versions/{made['version_id']}/instance").json()
    assert len(document["people"]) == 66


def test_a_zip_uploads_as_its_files(client: Client) -> None:
    api = client()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, content in DEMO_FILES.items():
            archive.writestr(f"demo/{name}", content)
    made = upload(api, {"demo.zip": packed.getvalue()})
    assert api.get(f"/api/versions/{made['version_id']}").json()["files"] == sorted(DEMO_FILES)


def test_a_bad_upload_is_422_with_the_cli_message_and_nothing_stored(
    client: Client, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    api = client()
    # the instance names a people file that was not sent
    broken = DEMO_FILES["demo-week.yaml"]
    response = api.post("/api/instances", files=[("files", ("demo-week.yaml", broken))])
    assert response.status_code == 422
    monkeypatch.chdir(tmp_path)
    Path("demo-week.yaml").write_bytes(broken)
    assert main(["validate", "demo-week.yaml"]) == 2
    cli = [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()]
    assert response.json()["errors"] == cli
    nothing_stored(store)


@pytest.mark.parametrize(
    ("files", "status", "words"),
    [
        ({"week.yaml": b"people: [unclosed"}, 422, "week.yaml"),
        ({"week.yaml": b"- a list\n"}, 422, "week.yaml"),
        ({"../escape.yaml": b"name: x\n"}, 422, "not a file an instance is made of"),
        ({"notes.txt": b"hello"}, 422, "not a file an instance is made of"),
        ({"a.yaml": b"name: a\n", "b.yaml": b"name: b\n"}, 422, "send one instance file"),
        ({"people.csv": b"id\nana\n"}, 422, "found none"),
        ({"week.zip": b"not a zip"}, 422, "not a zip file"),
    ],
)
def test_malformed_uploads_are_refused(
    client: Client, store: Store, files: dict[str, bytes], status: int, words: str
) -> None:
    response = client().post("/api/instances", files=[("files", f) for f in files.items()])
    assert response.status_code == status, response.text
    assert any(words in m for m in response.json()["errors"]), response.json()
    nothing_stored(store)


def test_too_large_an_upload_or_instance_is_refused(client: Client, store: Store) -> None:
    api = client(max_upload_bytes=10_000, max_person_days=100)
    big = api.post("/api/instances", files=[("files", ("week.yaml", b"#" * 20_000))])
    assert big.status_code == 413
    assert big.json()["errors"] == ["the upload is larger than the limit of 0.00953674 MB"]
    # the demo week: 66 people over 7 days = 462 person-days, above 100
    api = client(max_upload_bytes=10**7, max_person_days=100)
    files = [("files", item) for item in DEMO_FILES.items()]
    refused = api.post("/api/instances", files=files)
    assert refused.status_code == 413
    assert "462 person-days, above this server's limit of 100" in refused.json()["errors"][0]
    nothing_stored(store)


def test_validate_answers_without_storing(client: Client, store: Store) -> None:
    api = client()
    ok = api.post("/api/validate", files=[("files", ("week.yaml", yaml_of(week())))])
    assert ok.status_code == 200 and ok.json()["figures"]["people"] == 2
    bad = api.post("/api/validate", files=[("files", ("week.yaml", b"name: [x\n"))])
    assert bad.status_code == 422
    nothing_stored(store)


def test_a_patch_makes_a_new_version_and_a_bad_one_is_refused(client: Client) -> None:
    api = client()
    made = upload(api, {"week.yaml": yaml_of(week())})
    patch = {"set": {"people.ana.hourly_cost": 5}}
    response = api.post(f"/api/instances/{made['id']}/versions", json={"patch": patch})
    assert response.status_code == 201, response.text
    second = response.json()
    assert second["number"] == 2 and second["note"] == "patched from version 1"
    people = api.get(f"/api/versions/{second['id']}/instance").json()["people"]
    assert {p["id"]: p["hourly_cost"] for p in people}["ana"] == 5
    bad = api.post(
        f"/api/instances/{made['id']}/versions", json={"patch": {"set": {"people.zed.x": 1}}}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0].startswith("patch: ")
    assert len(api.get(f"/api/instances/{made['id']}").json()["versions"]) == 2


@pytest.mark.parametrize(
    "path",
    [
        "/api/instances/0",
        "/api/versions/0",
        "/api/versions/0/instance",
        "/api/versions/0/files/x.csv",
        "/api/jobs/0",
        "/api/jobs/0/events",
        "/api/jobs/0/output",
        "/api/results/0",
        "/api/results/0/roster",
        "/api/results/0/coverage",
        "/api/results/0/check",
        "/api/results/0/files/roster.csv",
        "/api/results/0/calendars/ana.ics",
        "/feeds/0.ics",
        "/no/such/page",
    ],
)
def test_unknown_ids_are_404_with_a_message(client: Client, path: str) -> None:
    response = client().get(path)
    assert response.status_code == 404
    assert response.json()["errors"][0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"time_limit": "soon"}, "time_limit: Input should be a valid number"),
        ({"time_limit": -1}, "time_limit: Input should be greater than 0"),
        ({"workers": 1.5}, "workers: Input should be a valid integer"),
        ({"time_limit": True}, "time_limit: expected a number, not true or false"),
        ({"speed": 3}, "speed: Extra inputs are not permitted"),
        ({"history": ["0"]}, "no result '0'"),
        # not an object, and not JSON at all: the body itself is named
        ([1, 2], "the request body: Input should be a valid dictionary"),
        (b"{time_limit: 5", "the request body is not JSON (at character 1)"),
    ],
)
def test_a_bad_job_request_is_refused_and_no_job_is_queued(
    client: Client, store: Store, body: Any, message: str
) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    sent = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    response = api.post(f"/api/versions/{version}/solve", content=sent, headers=headers)
    assert 400 <= response.status_code < 500
    assert any(e.startswith(message) for e in response.json()["errors"]), response.json()
    assert store.jobs() == []


# ---- jobs and results --------------------------------------------------------------


def test_a_solve_streams_its_progress_and_gives_the_result_everywhere(client: Client) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    job = solved(api, version)
    with api.stream("GET", f"/api/jobs/{job['id']}/events") as stream:
        text = "".join(stream.iter_text())
    assert "event: progress" in text and "event: end" in text
    progress = [
        json.loads(line[6:]) for line in text.splitlines() if line.startswith('data: {"sec')
    ]
    assert progress[-1]["objective"] == 8 and progress[-1]["source"]
    assert "optimal" in api.get(f"/api/jobs/{job['id']}/output").text
    result_id = job["result_id"]
    result = api.get(f"/api/results/{result_id}").json()
    assert result["summary"]["status"] == "optimal" and result["summary"]["objective"] == 8
    rows = api.get(f"/api/results/{result_id}/roster").json()["rows"]
    assert [(r["person"], r["activity"]) for r in rows] == [("ana", "general")]
    assert api.get(f"/api/results/{result_id}/roster", params={"person": "ben"}).json() == {
        "rows": [],
        "count": 0,
    }
    assert api.get(f"/api/results/{result_id}/roster?date=2026-11-30").json()["count"] == 1
    coverage = api.get(f"/api/results/{result_id}/coverage").json()["rows"]
    assert [(c["queue"], c["required"], c["assigned"]) for c in coverage] == [("general", "1", "1")]
    people = {
        p["person"]: p["hours"] for p in api.get(f"/api/results/{result_id}/people").json()["rows"]
    }
    assert people == {"ana": "8.0", "ben": "0.0"}
    assert api.get(f"/api/results/{result_id}/batches").json()["rows"] == []
    for name, kind in (
        ("roster.csv", "text/csv"),
        ("roster.xlsx", "spreadsheetml"),
        ("report.html", "text/html"),
        ("summary.json", "application/json"),
    ):
        download = api.get(f"/api/results/{result_id}/files/{name}")
        assert download.status_code == 200 and kind in download.headers["content-type"]
    assert api.get(f"/api/results/{result_id}/files/..%2Finstance.json").status_code == 404
    ics = api.get(f"/api/results/{result_id}/calendars/ana.ics").text
    assert ics.count("BEGIN:VEVENT") == 1
    assert api.get(f"/api/results/{result_id}/calendars/team.ics").text.count("BEGIN:VEVENT") == 1
    assert api.get(f"/api/results/{result_id}/check").status_code == 404
    listed = api.get("/api/jobs", params={"version": version}).json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_delete_stops_a_queued_job_and_an_ended_job_is_409(client: Client, store: Store) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    job = solved(api, version)
    assert api.delete(f"/api/jobs/{job['id']}").status_code == 409
    queued = store.add_job("solve", version, {"time_limit": 5, **ONE_WORKER})  # no wake
    app_runner = api.app.state.runner  # type: ignore[attr-defined]
    assert isinstance(app_runner, JobRunner)
    response = api.delete(f"/api/jobs/{queued}")
    state = response.json()["state"]
    # a free slot may have claimed it a moment before: stopped either way
    assert response.status_code == 202 and state in ("stopped", "running")
    assert until_ended(api, queued)["state"] == "stopped"


def test_check_replan_cover_and_whatif_jobs(client: Client) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    result_id = solved(api, version)["result_id"]
    check = api.post(f"/api/versions/{version}/check", json={"time_limit": 10, **ONE_WORKER})
    assert check.status_code == 202
    checked = until_ended(api, check.json()["id"])
    verdict = api.get(f"/api/results/{checked['result_id']}/check").json()
    assert verdict["verdict"] == "fits", verdict  # one agent needed, two free
    # what the check did last is its stage, in the job's progress and in its events
    assert checked["progress"]["stage"] == "done: fits, 0 fixes"
    events = api.get(f"/api/jobs/{checked['id']}/events").text
    assert 'event: stage\ndata: {"stage": "done: fits, 0 fixes"}' in events
    # ana out on the one day: ben, the one other agent, takes her shift
    replan = api.post(
        f"/api/results/{result_id}/replan",
        json={"from": "2026-11-30", "unavailable": [{"person": "ana"}], **ONE_WORKER},
    )
    assert replan.status_code == 202, replan.text
    replanned = until_ended(api, replan.json()["id"])
    assert replanned["state"] == "done", replanned["reason"]
    changes = api.get(f"/api/results/{replanned['result_id']}/changes").json()["rows"]
    assert {(c["person"], c["before"], c["after"]) for c in changes} == {
        ("ana", "general", "off"),
        ("ben", "off", "general"),
    }
    cover = api.post(
        f"/api/results/{result_id}/cover", json={"person": "ana", "from": "2026-11-30"}
    )
    assert cover.status_code == 202, cover.text
    covered = until_ended(api, cover.json()["id"])
    answer = json.loads(api.get(f"/api/jobs/{covered['id']}/output").text)
    assert answer[0]["candidates"][0]["reason"].startswith("ben")
    scenarios = (
        "scenarios:\n  - name: baseline\n  - name: pricier\n    set: {people.ana.hourly_cost: 3}\n"
    )
    whatif = api.post(
        f"/api/versions/{version}/whatif", json={"scenarios": scenarios, "time_limit": 10}
    )
    assert whatif.status_code == 202, whatif.text
    compared = until_ended(api, whatif.json()["id"], seconds=120)
    assert compared["state"] == "done", compared["reason"]
    assert "pricier" in api.get(f"/api/jobs/{compared['id']}/output").text
    assert compared["progress"]["stage"] == "2 of 2 scenarios solved (pricier: fits)"


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("cover", {"person": "zed", "from": "2026-11-30"}, "person: no person 'zed'"),
        ("cover", {"person": "ana", "from": "2027-01-01"}, "date: 2027-01-01 is not a day"),
        ("cover", {}, "give one of shift"),
        ("cover", {"batch": "b", "items": 0}, "items: Input should be greater than 0"),
        ("replan", {"from": "2026-12-25"}, "date: 2026-12-25 is not a day"),
        ("replan", {"from": "2026-11-30", "unavailable": [{"person": "zed"}]}, "person: no"),
        ("try", {"edits": "unassign"}, "edits: "),
        ("try", {"edits": "fly ana 2026-11-30"}, "edits: 'fly' is not an edit"),
        ("apply", {"edits": "assign ana 2026-12-25 day general"}, "2026-12-25"),
    ],
)
def test_bad_edit_cover_and_replan_requests_are_refused(
    client: Client, store: Store, path: str, body: dict[str, Any], message: str
) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    result_id = solved(api, version)["result_id"]
    jobs, results = len(store.jobs()), len(store.files(result_id))
    response = api.post(f"/api/results/{result_id}/{path}", json=body)
    assert 400 <= response.status_code < 500, response.text
    assert any(message in e for e in response.json()["errors"]), response.json()
    assert len(store.jobs()) == jobs and len(store.files(result_id)) == results


def test_try_shows_a_broken_rule_and_apply_keeps_the_edits_as_pins(
    client: Client, store: Store
) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week(away_ben=True))})["version_id"]
    result_id = solved(api, version)["result_id"]
    # ben is away on the one day: putting him on it breaks his availability
    tried = api.post(
        f"/api/results/{result_id}/try", json={"edits": ["assign ben 2026-11-30 day general"]}
    ).json()
    assert not tried["feasible"]
    assert [v["person"] for v in tried["new_violations"]] == ["ben"]
    refused = api.post(
        f"/api/results/{result_id}/apply", json={"edits": "assign ben 2026-11-30 day general"}
    )
    assert refused.status_code == 409 and "force" in refused.json()["errors"][0]
    # forced, it is a roster that breaks a rule: publishing it needs force too, and the
    # page that shows it says what it breaks and that the edit came from the roster before
    forced = api.post(
        f"/api/results/{result_id}/apply",
        json={"edits": "assign ben 2026-11-30 day general", "force": True},
    ).json()
    unpublished = api.post(f"/api/results/{forced['id']}/publish")
    assert unpublished.status_code == 409
    assert "breaks 1 hard rule" in unpublished.json()["errors"][0]
    assert api.get("/api/published").json() == []
    page = api.get(f"/results/{forced['id']}", headers={"accept": "text/html"}).text
    assert f"Edited by hand from <a href='/results/{result_id}'>the roster before</a>" in page
    assert "roster try" not in page
    published = api.post(f"/api/results/{forced['id']}/publish?force=true")
    assert published.status_code == 200, published.text
    before = len(store.jobs())
    # taking ana off the day keeps every hard rule: the agent-shift left uncovered is a
    # goal's cost, not a rule broken
    edit = "unassign ana 2026-11-30 day"
    applied = api.post(f"/api/results/{result_id}/apply", json={"edits": edit})
    assert applied.status_code == 201, applied.text
    made = applied.json()
    assert made["feasible"] and made["pins"] == 1 and len(store.jobs()) == before
    edited = api.get(f"/api/results/{made['id']}").json()
    assert edited["summary"]["status"] == "edited" and "edits.json" in edited["files"]
    assert edited["summary"]["edited"]["source"] == f"result {result_id}"  # no server path
    instance_id = api.get(f"/api/versions/{version}").json()["instance_id"]
    listed = api.get(f"/instances/{instance_id}", headers={"accept": "text/html"}).text
    assert f"/results/{made['id']}" in listed, "the edited roster is listed with its instance"
    # a solve pinned to the edited result keeps ana off the day (and ben is away)
    again = solved(api, version, pin=made["id"])
    rows = api.get(f"/api/results/{again['result_id']}/roster").json()["rows"]
    assert [r["person"] for r in rows] == []


def test_publish_feeds_and_history(client: Client) -> None:
    api = client()
    made = upload(api, {"week.yaml": yaml_of(week())})
    result_id = solved(api, made["version_id"])["result_id"]
    assert api.post(f"/api/results/{result_id}/publish").json()["week"] == "2026-11-30"
    assert api.get("/api/published").json()[0]["result_id"] == result_id
    feed = api.post("/api/feeds", json={"person": "ana"}).json()
    first = api.get(feed["path"])
    assert first.status_code == 200 and first.text.count("BEGIN:VEVENT") == 1
    assert "ana" in api.get("/api/feeds").json()[0]["person"]
    renewed = api.post("/api/feeds", json={"person": "ana"}).json()
    assert api.get(feed["path"]).status_code == 404, "the renewed feed ends the old URL"
    assert api.get(renewed["path"]).status_code == 200
    ben = api.post("/api/feeds", json={"person": "ben"}).json()
    assert api.get(ben["path"]).text.count("BEGIN:VEVENT") == 0  # ben works no shift
    team = api.post("/api/feeds", json={}).json()
    assert api.get(team["path"]).text.count("BEGIN:VEVENT") == 1
    # nobody of any stored instance: refused, and no feed is made
    nobody = api.post("/api/feeds", json={"person": "anna"})
    assert nobody.status_code == 422
    assert nobody.json()["errors"] == [
        "person: no person 'anna' in any stored instance; did you mean 'ana'?"
    ]
    assert sorted(f["person"] or "team" for f in api.get("/api/feeds").json()) == [
        "ana",
        "ben",
        "team",
    ]
    assert api.delete("/api/feeds", params={"person": "ana"}).json() == {"revoked": 1}
    assert api.get(renewed["path"]).status_code == 404
    # the next week's solve takes its history from the published week
    nxt = upload(api, {"week.yaml": yaml_of(week(start="2026-12-07"))})
    job = api.post(f"/api/versions/{nxt['version_id']}/solve", json={"time_limit": 5}).json()
    assert job["options"]["history"] == [result_id]
    assert until_ended(api, job["id"])["state"] == "done"
    # and a week before it has none
    old = upload(api, {"week.yaml": yaml_of(week(start="2026-11-23"))})
    job = api.post(f"/api/versions/{old['version_id']}/solve", json={"time_limit": 5}).json()
    assert job["options"]["history"] == []


# ---- access ------------------------------------------------------------------------


def test_tokens_when_required_read_cannot_write_and_feeds_need_only_theirs(
    client: Client, store: Store
) -> None:
    api = client(tokens_required=True)
    reader = store.create_token("api", name="viewer", scope="read")
    editor = store.create_token("api", name="lead", scope="edit")
    files = [("files", ("week.yaml", yaml_of(week())))]
    assert api.get("/api/instances").status_code == 401
    assert api.get("/api/instances", headers={"Authorization": "Bearer nope"}).status_code == 401
    read = {"Authorization": f"Bearer {reader}"}
    assert api.get("/api/instances", headers=read).status_code == 200
    refused = api.post("/api/instances", files=files, headers=read)
    assert refused.status_code == 403 and "may only read" in refused.json()["errors"][0]
    assert store.instances() == []
    edit = {"Authorization": f"Bearer {editor}"}
    made = api.post("/api/instances", files=files, headers=edit)
    assert made.status_code == 201
    feed = api.post("/api/feeds", json={"person": "ana"}, headers=edit).json()
    assert api.get(feed["path"]).status_code == 200, "a feed needs only its own token"
    store.revoke("api", name="lead")
    assert api.get("/api/instances", headers=edit).status_code == 401


def test_the_openapi_page_is_served_with_no_network(client: Client) -> None:
    api = client()
    for page in ("/docs", "/redoc"):
        html = api.get(page).text
        # Every script, style sheet and icon the page names is the server's own, and
        # served: no CDN, so the page works on a machine with no network.
        linked = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", html)
        linked += re.findall(r"""url: ?['"]([^'"]+)['"]""", html)
        assert linked, page
        for url in linked:
            assert url.startswith("/"), f"{page} fetches {url}"
            assert api.get(url).status_code == 200, url
    paths = api.get("/openapi.json").json()["paths"]
    assert "/api/versions/{version_id}/solve" in paths and "/feeds/{name}" in paths


def test_a_browser_without_a_token_is_sent_to_sign_in_and_a_cookie_lets_it_in(
    client: Client, store: Store
) -> None:
    api = client(tokens_required=True)
    page = {"accept": "text/html"}
    first = api.get("/", headers=page, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/login"
    assert api.get("/login", headers=page).status_code == 200
    # an unknown token is said so on the sign-in page, and no cookie is set
    wrong = api.post("/login", data={"token": "not-a-token"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not a live API token" in wrong.text
    assert "set-cookie" not in wrong.headers
    # a live one becomes a cookie the server sets, which no script on the page can read
    reader = store.create_token("api", name="viewer", scope="read")
    signed = api.post("/login", data={"token": reader}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"roster_token={reader};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert api.get("/", headers=page).status_code == 200
    refused = api.post("/api/demo")
    assert refused.status_code == 403, "a read token's cookie changes nothing either"
    assert store.instances() == []


def test_the_pages_render_and_unknown_ones_are_404_pages(client: Client) -> None:
    api = client()
    page = {"accept": "text/html"}
    made = api.post("/api/demo").json()
    assert "Load the demo week" in api.get("/", headers=page).text
    instance = api.get(f"/instances/{made['id']}", headers=page)
    assert instance.status_code == 200 and instance.text.count("<tr>") > 66  # people and more
    result_id = solved(api, made["version_id"], time_limit=30, deterministic_time=0.5)["result_id"]
    roster = api.get(f"/results/{result_id}", headers=page).text
    assert roster.count("data-name=") == 66 and "id='cell-panel'" in roster
    missing = api.get("/results/0", headers=page)
    assert missing.status_code == 404 and "no result &#x27;0&#x27;" in missing.text
    assert "text/html" in missing.headers["content-type"]


def test_delete_of_a_running_solve_keeps_its_best_roster(client: Client, store: Store) -> None:
    api = client()
    assert api.get("/health").json()["ok"] is True
    version = upload(api, DEMO_FILES)["version_id"]
    job = api.post(f"/api/versions/{version}/solve", json={"time_limit": 300, **ONE_WORKER}).json()
    deadline = time.monotonic() + 60
    while api.get(f"/api/jobs/{job['id']}").json()["result_id"] is None:
        assert time.monotonic() < deadline, "no best roster saved within 60 s"
        time.sleep(0.05)
    stopping = api.delete(f"/api/jobs/{job['id']}")
    assert stopping.status_code == 202
    ended = until_ended(api, job["id"], seconds=120)
    assert ended["state"] == "stopped" and "best roster" in ended["reason"]
    result = api.get(f"/api/results/{ended['result_id']}").json()
    assert result["summary"]["stopped_early"] is True
    assert api.get(f"/api/results/{ended['result_id']}/roster").json()["count"] > 0


def test_job_and_result_pages_say_what_they_hold(client: Client) -> None:
    api = client()
    page = {"accept": "text/html"}
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    first = solved(api, version)
    # a solve's page, once done, shows the roster's own figures: ana's 8 hours at 1 an
    # hour, objective 8, as the result's summary has it
    summary = api.get(f"/api/results/{first['result_id']}").json()["summary"]
    assert summary["objective"] == 8
    html = api.get(f"/jobs/{first['id']}", headers=page).text
    assert "The roster's figures, from the checker." in html
    assert "<dd id='fig-objective'>8</dd>" in html
    assert f"href='/results/{first['result_id']}'>Open the roster" in html
    assert api.post(f"/api/results/{first['result_id']}/publish").status_code == 200

    # ana out: ben takes her shift. The new roster restates who was out from when,
    # links to the roster before, and says that the week's published roster is another
    replan = api.post(
        f"/api/results/{first['result_id']}/replan",
        json={"from": "2026-11-30", "unavailable": [{"person": "ana"}], **ONE_WORKER},
    )
    replanned = until_ended(api, replan.json()["id"])
    roster = api.get(f"/results/{replanned['result_id']}", headers=page).text
    assert "Re-planned from 2026-11-30: ana (ana) out from 2026-11-30." in roster
    assert f"<a href='/results/{first['result_id']}'>The roster before</a>" in roster
    assert "The week of 2026-11-30 has another roster published:" in roster
    assert f"<a href='/results/{first['result_id']}'>open the published roster</a>" in roster
    # the search options the roster was made with, for "Apply this fix" to check again
    data = json.loads(re.search(r"id='page-data'>(.*?)</script>", roster).group(1))  # type: ignore[union-attr]
    assert data["search"] == {"time_limit": 30.0, **ONE_WORKER}

    # a what-if has no roster to open: its table is offered as files instead
    scenarios = "scenarios:\n  - name: baseline\n"
    whatif = api.post(
        f"/api/versions/{version}/whatif", json={"scenarios": scenarios, "time_limit": 10}
    )
    compared = until_ended(api, whatif.json()["id"], seconds=120)
    html = api.get(f"/jobs/{compared['id']}", headers=page).text
    assert "<a id='job-result' href='#' hidden>" in html
    for name in ("whatif.csv", "whatif.json"):
        link = f"/api/results/{compared['result_id']}/files/{name}"
        assert f"href='{link}' download>Download {name}</a>" in html
        assert api.get(link).status_code == 200


def test_text_from_the_instance_is_shown_as_text_on_every_page(client: Client) -> None:
    # a name that would run as script, or close the page's JSON <script> block, if any
    # page wrote it unescaped; the pages must show it as text and never as markup
    evil = "</script><img src=x onerror=alert(1)>"
    api = client()
    page = {"accept": "text/html"}
    inst = week()
    people = [p.model_copy(update={"name": evil}) for p in inst.people]
    inst = inst.model_copy(update={"name": evil, "people": people})
    made = upload(api, {"week.yaml": yaml_of(inst)})
    job = solved(api, made["version_id"])
    pages = [
        "/",
        f"/instances/{made['id']}",
        f"/jobs/{job['id']}",
        f"/results/{job['result_id']}",
        f"/api/results/{job['result_id']}/files/report.html",
    ]
    for path in pages:
        html = api.get(path, headers=page).text
        assert "<img src=x" not in html, path
    # the page's data still reads back as the name itself
    roster = api.get(f"/results/{job['result_id']}", headers=page).text
    data = json.loads(re.search(r"id='page-data'>(.*?)</script>", roster).group(1))  # type: ignore[union-attr]
    assert [p["name"] for p in data["people"]] == [evil, evil]


def test_events_after_an_id_no_database_holds_are_refused_or_ignored(client: Client) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    job = solved(api, version)
    events = f"/api/jobs/{job['id']}/events"
    # `after` past the largest database integer is bad input, not a broken stream
    refused = api.get(f"{events}?after={10**23}")
    assert refused.status_code == 422
    assert refused.json()["errors"][0].startswith("query.after: Input should be less than")
    # a Last-Event-ID header past it is ignored: the stream starts from the first event
    # and ends with the job's end, as with no header
    plain = api.get(events).text
    assert api.get(events, headers={"last-event-id": str(10**23)}).text == plain
    assert plain.startswith("id: ") and "event: end" in plain


# ---- requests from elsewhere, and the limits of one request ---------------------------


def test_without_login_only_this_machines_names_are_answered(client: Client) -> None:
    # `roster serve` with no login allows only the loopback names: a page of another
    # site that renames itself to 127.0.0.1 (DNS rebinding) sends its own Host
    api = client(allowed_hosts=("127.0.0.1", "localhost", "::1"))
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert api.get("/api/instances", headers={"host": host}).status_code == 200, host
    refused = api.get("/api/instances", headers={"host": "attacker.example"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        "this server answers to 127.0.0.1, localhost, ::1 only, not to Host 'attacker.example'"
    ]
    assert refused.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a file opened in the browser
        {"sec-fetch-site": "cross-site"},
    ],
)
def test_a_page_of_another_site_cannot_change_anything(
    client: Client, store: Store, headers: dict[str, str]
) -> None:
    # a form on another site can POST here with no custom header (and, signed in, the
    # cookie); the browser's Origin or Sec-Fetch-Site says where it comes from
    api = client()
    refused = api.post("/api/demo", headers=headers)
    assert refused.status_code == 403
    assert "may not change anything here" in refused.json()["errors"][0]
    nothing_stored(store)
    # reading is not changing, and the page's own requests name its own origin
    assert api.get("/api/instances", headers=headers).status_code == 200
    assert api.post("/api/demo", headers={"origin": "http://testserver"}).status_code == 201


def test_one_request_cannot_ask_for_unbounded_work(client: Client, store: Store) -> None:
    api = client()
    made = upload(api, {"week.yaml": yaml_of(week())})
    version = made["version_id"]
    first = solved(api, version)["result_id"]
    # history: at most 8 past weeks (as many as 'published' takes), none twice
    many = api.post(f"/api/versions/{version}/solve", json={"history": [first] * 9})
    assert many.status_code == 422
    assert many.json()["errors"] == [
        "history: Value should have at most 8 items after validation, not 9"
    ]
    twice = api.post(f"/api/versions/{version}/solve", json={"history": [first, first]})
    assert twice.json()["errors"] == ["history: a result named twice"]
    # a zip of more than 1,000 files
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for i in range(1_001):
            archive.writestr(f"f{i}.csv", "id\n")
    big = api.post("/api/instances", files=[("files", ("many.zip", packed.getvalue()))])
    assert big.status_code == 413
    assert big.json()["errors"] == ["many.zip: holds more than 1,000 files"]
    # a what-if of more than 200 scenarios
    scenarios = "scenarios:\n" + "".join(f"  - name: s{i}\n" for i in range(201))
    whatif = api.post(f"/api/versions/{version}/whatif", json={"scenarios": scenarios})
    assert whatif.json()["errors"] == ["scenarios: 201 scenarios, more than 200 in one job"]
    assert len(store.jobs()) == 1 and len(store.instances()) == 1  # the solve, the upload
