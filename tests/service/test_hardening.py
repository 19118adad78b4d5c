"""What the service answers to the input that broke it: a long YAML upload (quickly, with
the right message, the server answering others meanwhile), pages that another site could
frame or script, a what-if's result asked for its roster, a Last-Event-ID that is a digit
to Python but not a number, a full disk, and the token mode's /health and feed links.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import re
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from models import InputError, loader
from scheduler.cli import main
from scheduler.service.store import Store
from tests.service.test_api import Client, solved, until_ended, upload, week, yaml_of
from tests.service.test_api import client as client  # the fixture: an app over the store
from tests.service.test_jobs import DEMO_FILES

# ---- a long YAML document ----------------------------------------------------------


def long_week(people: int = 200_000) -> bytes:
    """A week of 200,000 people (6.3 MB, no aliases): more than 1,000,000 values."""
    rows = "".join(f"- {{id: p{i}, roles: [agent]}}\n" for i in range(people))
    head = (
        "name: long\nhorizon: {start: 2026-11-30, days: 7}\nskills: [general]\n"
        "shifts: [{id: day, start: '08:00', hours: 8}]\nqueues: [{id: general, skill: general}]\n"
    )
    return (head + "people:\n" + rows).encode()


def test_a_long_yaml_upload_is_refused_at_once_saying_what_is_too_large(
    client: Client, store: Store
) -> None:
    api = client()
    body = long_week()
    started = time.monotonic()
    response = api.post("/api/validate", files=[("files", ("long.yaml", body))])
    seconds = time.monotonic() - started
    assert response.status_code == 422, response.text
    [message] = response.json()["errors"]
    assert message.startswith("long.yaml: the document holds more than 1,000,000 values")
    assert "alias" not in message  # it has none
    assert seconds < 20, f"{seconds:.1f} s (it took 162 s)"
    assert store.instances() == []


def test_the_values_limit_says_aliases_only_when_there_are_some(tmp_path: Path) -> None:
    # 10 aliases of a list of 200,000 values stand for 2,000,000
    values = ", ".join("1" for _ in range(200_000))
    text = f"x: &x [{values}]\n" + "".join(f"y{i}: *x\n" for i in range(10))
    (tmp_path / "shared.yaml").write_text(text)
    with pytest.raises(InputError) as raised:
        loader.load_instance(tmp_path / "shared.yaml")
    assert "its aliases expand to more than 1,000,000 values" in raised.value.messages[0]
    (tmp_path / "long.yaml").write_bytes(long_week())
    with pytest.raises(InputError) as raised:
        loader.load_instance(tmp_path / "long.yaml")
    assert "holds more than 1,000,000 values" in raised.value.messages[0]


def test_without_libyaml_the_composer_counts_the_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_YAML_NODES", 1_000)
    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    (tmp_path / "long.yaml").write_bytes(long_week(people=500))
    with pytest.raises(InputError) as raised:
        loader.load_instance(tmp_path / "long.yaml")
    assert raised.value.messages == [
        f"{tmp_path / 'long.yaml'}: the document holds more than 1,000 values (scalars, "
        "lists and mappings), more than an instance may hold"
    ]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("sent", ["yaml", "zip"])
def test_other_requests_are_answered_while_an_upload_is_read(
    client: Client, monkeypatch: pytest.MonkeyPatch, sent: str
) -> None:
    # the upload's reading is held until /health has answered (or 5 s): on the event
    # loop, /health could not answer before
    api = client()
    reading, answered = threading.Event(), threading.Event()

    def held(original: Callable[..., Any]) -> Callable[..., Any]:
        def read(*args: Any, **kwargs: Any) -> Any:
            reading.set()
            answered.wait(5)
            return original(*args, **kwargs)

        return read

    if sent == "yaml":
        monkeypatch.setattr(loader, "read_document", held(loader.read_document))
        files = [("files", (n, c)) for n, c in DEMO_FILES.items()]
    else:
        monkeypatch.setattr(zipfile, "ZipFile", held(zipfile.ZipFile))
        files = [("files", ("demo.zip", _zip(DEMO_FILES)))]
    answers: list[Any] = []
    upload_thread = threading.Thread(
        target=lambda: answers.append(api.post("/api/validate", files=files))
    )
    upload_thread.start()
    assert reading.wait(30)
    started = time.monotonic()
    health = api.get("/health")
    seconds = time.monotonic() - started
    answered.set()
    upload_thread.join(60)
    assert health.status_code == 200 and seconds < 2.5, f"{seconds:.1f} s"
    assert answers[0].status_code == 200, answers[0].text


# ---- headers -----------------------------------------------------------------------


def _policy(response: Any) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    pairs = [[*part.strip().split(" ", 1), ""][:2] for part in policy.split(";")]
    return {name: value for name, value in pairs}


def _inline_hashes(html: str) -> set[str]:
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for attributes, body in scripts
        if "json" not in attributes
    }


def test_every_page_forbids_framing_and_runs_only_its_own_scripts(client: Client) -> None:
    api = client()
    made = upload(api, {"week.yaml": yaml_of(week())})
    result_id = solved(api, made["version_id"])["result_id"]
    html = {"accept": "text/html"}
    pages = [
        "/",
        f"/instances/{made['id']}",
        f"/results/{result_id}",
        f"/api/results/{result_id}/files/report.html",
        "/login",
        "/docs",
        "/redoc",
        "/no/such/page",
    ]
    for path in pages:
        response = api.get(path, headers=html)
        assert response.headers["content-type"].startswith("text/html"), path
        assert response.headers["x-frame-options"] == "DENY", path
        assert response.headers["referrer-policy"] == "same-origin", path
        assert response.headers["x-content-type-options"] == "nosniff", path
        policy = _policy(response)
        assert policy["frame-ancestors"] == "'none'", path
        scripts = policy["script-src"].split()
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, path
        # the page's own inline scripts (report.html's, Swagger UI's) and no other
        assert set(scripts) - {"'self'"} == _inline_hashes(response.text), path
    report = api.get(f"/api/results/{result_id}/files/report.html")
    assert _inline_hashes(report.text), "report.html runs its inline script by its hash"
    # anything else opened on its own runs nothing
    for path in ("/api/instances", f"/api/results/{result_id}/files/roster.csv", "/health"):
        response = api.get(path)
        assert _policy(response) == {"default-src": "'none'", "frame-ancestors": "'none'"}, path
        assert response.headers["x-frame-options"] == "DENY", path


# ---- a result without a roster -------------------------------------------------------


def test_a_what_if_result_asked_for_a_roster_is_a_4xx_with_a_message(
    client: Client, store: Store
) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    whatif = api.post(
        f"/api/versions/{version}/whatif",
        json={"scenarios": "scenarios:\n  - name: baseline\n", "time_limit": 10, "seed": 0},
    )
    assert whatif.status_code == 202, whatif.text
    job = until_ended(api, whatif.json()["id"], seconds=120)
    assert job["state"] == "done", job["reason"]
    result_id = job["result_id"]
    assert "roster.csv" not in store.files(result_id)
    jobs = len(store.jobs())
    asked = [
        ("GET", "roster", None),
        ("GET", "files/roster.xlsx", None),
        ("GET", "files/report.html", None),
        ("GET", "calendars/team.ics", None),
        ("POST", "try", {"edits": "unassign ana 2026-11-30 day"}),
        ("POST", "apply", {"edits": "unassign ana 2026-11-30 day"}),
        ("POST", "cover", {"person": "ana", "from": "2026-11-30"}),
        ("POST", "replan", {"from": "2026-11-30"}),
    ]
    for method, path, body in asked:
        response = api.request(method, f"/api/results/{result_id}/{path}", json=body)
        assert response.status_code == (404 if method == "GET" else 409), (path, response.text)
        assert response.json()["errors"] == [
            f"result {result_id} is a what-if comparison without a roster (no roster.csv): "
            "it has no roster to show, download or change"
        ], path
    assert len(store.jobs()) == jobs
    # its own files are still there to download
    assert api.get(f"/api/results/{result_id}/files/whatif.csv").status_code == 200


def _get_raw(api: TestClient, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, str]:
    """GET `path` from the app with these header bytes as a server hands them on (a
    test client would re-encode them): the status and the body."""
    sent: list[Message] = []

    asked: list[bool] = []

    async def receive() -> Message:
        if asked:  # the request is whole; the client stays till the answer ends
            await anyio.sleep_forever()
        asked.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def run() -> None:
        await api.app(scope, receive, send)

    assert api.portal is not None
    api.portal.call(run)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body.decode()


def test_a_last_event_id_that_is_not_a_number_is_ignored(client: Client) -> None:
    api = client()
    version = upload(api, {"week.yaml": yaml_of(week())})["version_id"]
    job = solved(api, version)
    path = f"/api/jobs/{job['id']}/events"
    # a header's bytes are Latin-1 to the server: b"\xb2" is '²', a digit to
    # str.isdigit but not to int()
    for last in (b"\xb2", b"\xb9", b"99999999999999999999999", b"-1", b"x"):
        status, text = _get_raw(api, path, [(b"last-event-id", last)])
        assert status == 200, last
        # read from the start, as with no Last-Event-ID
        assert "event: progress" in text and "event: end" in text, last


# ---- a full disk ---------------------------------------------------------------------


def _full(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["storing", "writing"])
def test_a_full_disk_on_upload_is_507_with_a_message(
    client: Client, store: Store, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    api = client()
    if where == "storing":
        monkeypatch.setattr(store, "add_instance", _full)
    else:  # the upload's files, written for the loader to read
        monkeypatch.setattr(Path, "write_bytes", _full)
    response = api.post("/api/instances", files=[("files", ("week.yaml", yaml_of(week())))])
    assert response.status_code == 507, response.text
    assert response.json()["errors"] == [
        "the server's disk is full: nothing of this request was stored; free some space "
        "on the server and send it again"
    ]
    monkeypatch.undo()
    assert store.instances() == []


# ---- token mode ----------------------------------------------------------------------


def test_health_names_running_jobs_only_to_a_live_token(client: Client, store: Store) -> None:
    api = client(tokens_required=True)
    assert api.get("/health").json() == {"ok": True}
    nope = {"Authorization": "Bearer nope"}
    assert api.get("/health", headers=nope).json() == {"ok": True}
    reader = store.create_token("api", name="viewer", scope="read")
    seen = api.get("/health", headers={"Authorization": f"Bearer {reader}"}).json()
    assert seen == {"ok": True, "running": []}


def _feed_url(api: TestClient, headers: dict[str, str]) -> str:
    made = api.post(
        "/api/instances", files=[("files", ("w.yaml", yaml_of(week())))], headers=headers
    )
    assert made.status_code == 201, made.text
    feed = api.post("/api/feeds", json={"person": "ana"}, headers=headers)
    assert feed.status_code == 201, feed.text
    url: str = feed.json()["url"]
    return url


def test_feed_links_never_take_the_requests_host(client: Client, store: Store) -> None:
    token = store.create_token("api", name="lead", scope="edit")
    evil = {"Authorization": f"Bearer {token}", "Host": "evil.example"}
    # no public address configured: the address the server was reached at (the test
    # client's server is testserver:80)
    url = _feed_url(client(tokens_required=True), evil)
    assert url.startswith("http://testserver/feeds/") and "evil" not in url
    configured = client(tokens_required=True, public_url="https://roster.example.org/")
    url = _feed_url(configured, evil)
    assert url.startswith("https://roster.example.org/feeds/") and url.endswith(".ics")


@pytest.mark.parametrize("given", ["ftp://roster.example.org", "roster.example.org", "https://"])
def test_a_public_url_that_is_not_an_http_address_is_a_usage_error(
    given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--data", str(tmp_path / "data"), "--public-url", given]) == 2
    assert f"argument --public-url: '{given}' is not an http:// or https:// address" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "data").exists()
