"""The page in a real headless browser: Debian's chromium, driven by Playwright for
Python through `executable_path` (no browser download), against `roster serve`'s app
on a local port.

One walk through what a user does, as the service issue lists it: load the demo week,
solve it with its progress live, open the roster, try an edit that breaks a rule and
see the verdict, apply one that keeps the rules, find cover for a sick call, apply a
fix from Check, download roster.csv and compare it with the CLI's, publish and read a
person's calendar feed back. Each page is saved as a screenshot in the test's folder
(or in `ROSTER_SCREENSHOTS`, a folder, when set).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from scheduler.cli import LOOPBACK, main
from scheduler.service.api import Settings, create_app
from scheduler.service.jobs import JobRunner
from scheduler.service.store import Store

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORK = "1.5"
"""The solve's work limit in CP-SAT's deterministic units, with one worker: the same
roster from the page and from the CLI."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    store = Store.in_folder(tmp_path_factory.mktemp("data"))
    store.migrate()
    # as `roster serve` without login: this machine's names only, and the browser's
    # own Origin and Sec-Fetch-Site on every change the page makes
    local = Settings(allowed_hosts=LOOPBACK)
    app = create_app(store, JobRunner(store, slots=2, poll_seconds=0.05), local)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield f"http://127.0.0.1:{port}", store
    running.should_exit = True
    thread.join(timeout=60)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM is not None, "Debian's chromium is needed (apt-get install chromium)"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ROSTER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_user_plans_the_demo_week_in_the_browser(
    server: tuple[str, Store], browser: Any, shots: Path, tmp_path: Path
) -> None:
    base, store = server
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # offline: nothing is fetched from anywhere but the server
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if r.url.startswith("http") and not r.url.startswith(base)
            else None
        ),
    )

    # the instances page: load the demo week in one click
    page.goto(base + "/")
    page.screenshot(path=str(shots / "instances.png"), full_page=True)
    page.get_by_role("button", name="Load the demo week").click()
    page.wait_for_url(re.compile(r"/instances/\w+$"))
    expect(page.locator("h1")).to_contain_text("demo-week")
    expect(page.locator("#table-people tbody tr")).to_have_count(66)
    page.screenshot(path=str(shots / "instance.png"))

    # solve with one worker and a work limit, watching the progress live
    page.get_by_label("Time limit (seconds)").fill("120")
    page.locator("details.more summary").click()
    page.get_by_label("Search workers").fill("1")
    page.get_by_label("Work limit", exact=True).fill(WORK)
    page.get_by_role("button", name="Solve", exact=True).click()
    page.wait_for_url(re.compile(r"/jobs/\w+$"))
    job_id = page.url.rsplit("/", 1)[1]
    # a better roster's figures reach the page while the job runs, and the chart is drawn
    expect(page.locator("#fig-objective")).not_to_have_text("–", timeout=60_000)
    expect(page.locator("#job-chart svg[data-chart='progress']")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(shots / "job.png"))
    expect(page.locator("#job-state")).to_have_text("done", timeout=120_000)
    job = store.job(job_id)
    assert job is not None and job.result_id is not None
    page.get_by_role("link", name="Open the roster").click()
    page.wait_for_url(re.compile(r"/results/\w+$"))
    result_id = job.result_id
    expect(page.locator("#grid tbody tr")).to_have_count(66)
    page.screenshot(path=str(shots / "roster.png"))
    # sorted by hours, most first; filtered to one person
    page.get_by_label("Sort").select_option("hours")
    hours = [float(t.split()[0]) for t in page.locator("#grid tbody tr td.num").all_inner_texts()]
    assert hours == sorted(hours, reverse=True) and hours[0] > hours[-1]
    page.get_by_label("Sort").select_option("instance")
    page.get_by_label("Filter people").fill("ag01")
    expect(page.locator("#grid tbody tr:visible")).to_have_count(1)
    # the filter takes a space as text: the grid's keys belong to its cells alone
    page.get_by_label("Filter people").press(" ")
    assert page.get_by_label("Filter people").input_value() == "ag01 "
    page.get_by_label("Filter people").fill("")

    # by keyboard: the grid is one tab stop; Down goes to the same day of the next
    # person, Enter opens that cell, Escape closes it and focus is back on the cell
    stop = page.locator("#grid tbody [tabindex='0']")
    assert stop.count() == 1
    stop.focus()
    where = (
        "(() => { const a = document.activeElement;"
        " return [a.closest('tr').dataset.person, a.closest('td').dataset.date]; })()"
    )
    person, date = page.evaluate(where)
    assert person == page.locator("#grid tbody tr").first.get_attribute("data-person")
    page.keyboard.press("ArrowDown")
    second = page.locator("#grid tbody tr").nth(1).get_attribute("data-person")
    assert page.evaluate(where) == [second, date]
    assert page.locator("#grid tbody [tabindex='0']").count() == 1
    page.keyboard.press("Enter")
    expect(page.locator("#cell-panel")).to_be_visible()
    expect(page.locator("#cell-title")).to_contain_text(date)
    page.keyboard.press("Escape")
    expect(page.locator("#cell-panel")).to_be_hidden()
    assert page.evaluate(where) == [second, date]

    # roster.csv as downloaded is the CLI's for the same solve
    with page.expect_download() as download:
        page.get_by_role("link", name="roster.csv").click()
    downloaded = tmp_path / "downloaded.csv"
    download.value.save_as(downloaded)
    out = tmp_path / "cli"
    flags = ["--workers", "1", "--seed", "0", "--time-limit", "120", "--deterministic-time", WORK]
    demo = str(ROOT / "instances" / "demo-week.yaml")
    assert main(["solve", demo, "--out", str(out), *flags, "--quiet", "--no-exports"]) == 0
    assert downloaded.read_bytes() == (out / "roster.csv").read_bytes()

    # an edit that breaks a rule: ag01 is fixed to the early shift on Monday
    cell = page.locator("tr[data-person='ag01'] td[data-date='2026-11-30'] .slot").first
    cell.click()
    panel = page.locator("#cell-panel")
    expect(panel).to_be_visible()
    panel.get_by_role("button", name="Unassign").click()
    expect(page.locator("#cell-verdict")).to_contain_text("Breaks", timeout=10_000)
    expect(page.locator("#cell-verdict")).to_contain_text("fixed_assignment")
    page.screenshot(path=str(shots / "edit-breaks.png"))
    # out that day instead (a sick call): the fixed shift is released, no rule breaks
    panel.get_by_role("button", name="out on 2026-11-30").click()
    expect(page.locator("#cell-verdict")).to_contain_text("Every hard rule holds", timeout=10_000)
    expect(page.locator("#cell-verdict")).not_to_contain_text("fixed_assignment")

    # a sick call: who can cover the first shift of an agent other than ag01
    rows = list(csv.DictReader(io.StringIO(downloaded.read_text())))
    sick = next(r for r in rows if r["person"] != "ag01" and r["role"] == "agent")
    page.locator(
        f"tr[data-person='{sick['person']}'] td[data-date='{sick['date']}'] .slot"
    ).first.click()
    panel.get_by_role("button", name="Who can cover").click()
    expect(page.locator("#cell-cover ol.candidates li").first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(shots / "cover.png"))
    # each way to cover marks the sick person out first: a replacement, not an extra
    cover_job = next(j for j in store.jobs() if j.kind == "cover")  # the newest
    answers = json.loads(store.output(cover_job.id))
    off = {"kind": "out", "person": sick["person"], "date": sick["date"]}
    for answer in answers:
        for candidate in answer["candidates"]:
            assert {k: candidate["edits"][0].get(k) for k in off} == off, candidate
    page.locator("#cell-cover ol.candidates li").first.get_by_role("button").click()
    expect(page.locator("#cell-verdict")).to_contain_text("Every hard rule holds", timeout=10_000)

    # an edit that keeps the rules (the checker, through the API, picks one): applied,
    # it becomes a new roster marked edited, its edit kept as a pin
    keeps = _a_rule_keeping_unassign(page, base, result_id, rows)
    person, date, shift = keeps
    page.locator(
        f"tr[data-person='{person}'] td[data-date='{date}'] .slot[data-shift='{shift}']"
    ).click()
    panel.get_by_role("button", name="Unassign").click()
    expect(page.locator("#cell-verdict")).to_contain_text("Every hard rule holds", timeout=10_000)
    page.locator("#cell-verdict").get_by_role("button", name="Apply").click()
    page.wait_for_url(
        lambda url: url.endswith("/results/" + result_id) is False and "/results/" in url
    )
    expect(page.locator("#verdict")).to_contain_text("edited")
    edited_id = page.url.rsplit("/", 1)[1]
    assert "edits.json" in store.files(edited_id)

    # publish the edited roster, make a feed for the person edited, and read it back
    page.get_by_role("button", name="Publish this roster").click()
    # the page reloads once published ("Not published." said before it does)
    expect(page.locator("#tools")).to_contain_text("published for the week of", timeout=10_000)
    page.get_by_label("Feed for").select_option(person)
    page.get_by_role("button", name="Make a feed link").click()
    link = page.locator("#feed-link a")
    expect(link).to_be_visible()
    feed = page.request.get(link.get_attribute("href"))
    assert feed.ok
    shifts = {(r["date"], r["shift"]) for r in rows if r["person"] == person} - {(date, shift)}
    assert feed.text().count("BEGIN:VEVENT") == len(shifts)

    # Check the overfull week, and apply a fix: a new version, checked again
    page.goto(base + "/")
    page.locator("#upload-files").set_input_files(
        [str(ROOT / "instances" / n) for n in ("demo-week-overfull.yaml", "demo-week-people.csv")]
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(r"/instances/\w+$"))
    page.get_by_label("Time limit (seconds)").fill("10")
    page.locator("details.more summary").click()
    page.get_by_label("Search workers").fill("1")
    # a minute for the fixes: the first ones are found within it (the rest are cut, and
    # the check says so)
    page.get_by_label("Time for Check's fixes (seconds)").fill("60")
    page.get_by_role("button", name="Check").click()
    page.wait_for_url(re.compile(r"/jobs/\w+$"))
    # while it looks for fixes, the page says what it is doing
    expect(page.locator("#job-stage")).to_contain_text("looking for fixes", timeout=120_000)
    page.screenshot(path=str(shots / "check-job.png"))
    expect(page.locator("#job-state")).to_have_text("done", timeout=180_000)
    page.get_by_role("link", name="Open the roster").click()
    page.screenshot(path=str(shots / "check.png"))
    fix = page.locator(".apply-fix").first
    expect(fix).to_be_visible()
    fix.click()
    page.wait_for_url(re.compile(r"/jobs/\w+$"))
    new_job = store.job(page.url.rsplit("/", 1)[1])
    assert new_job is not None and new_job.kind == "check"
    version = store.version(new_job.version_id)
    assert version is not None and version.number == 2 and version.note.startswith("fix: ")
    expect(page.locator("#job-state")).to_have_text("done", timeout=180_000)
    # the page reloads at the end, with what the command printed and its last stage
    expect(page.locator("#output")).to_be_visible()
    expect(page.locator("#job-stage")).to_contain_text("done: ")

    assert problems == [], problems
    # bad input is shown at the upload, nothing stored (the browser logs the 422 itself)
    before = len(store.instances())
    page.goto(base + "/")
    page.locator("#upload-files").set_input_files(str(ROOT / "instances" / "demo-week.yaml"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-errors")).to_contain_text("demo-week-people.csv")
    assert len(store.instances()) == before
    page.screenshot(path=str(shots / "upload-error.png"))
    assert all("422" in p for p in problems), problems

    # the API's own page, drawn from the server's copy of Swagger UI
    page.goto(base + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("roster")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.screenshot(path=str(shots / "docs.png"))
    assert outside == [], outside


def _a_rule_keeping_unassign(
    page: Any, base: str, result_id: str, rows: list[dict[str, str]]
) -> tuple[str, str, str]:
    """A shift whose unassigning keeps every hard rule, as the checker says."""
    for row in rows:
        edit = f"unassign {row['person']} {row['date']} {row['shift']}"
        answer = page.request.post(
            f"{base}/api/results/{result_id}/try", data={"edits": edit}
        ).json()
        if answer["feasible"]:
            return row["person"], row["date"], row["shift"]
    raise AssertionError("no shift can be left without breaking a hard rule")
