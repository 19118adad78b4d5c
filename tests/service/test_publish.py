"""Publishing: a published week belongs to the instance it plans, by the instance's name.

Two instances of one week for the same people (the demo week and its overfull variant,
here two one-day weeks of ana and ben) cannot both be in one person's calendar: the
second replaces the first only when asked to, told whose week it is. Instances of
other names and other people publish side by side. The feeds serve what is published,
and a solve's history is the weeks its own instance published.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

from models import Instance
from models.roster import shift_rows
from scheduler.cli import LOOPBACK
from scheduler.service.api import Settings, create_app
from scheduler.service.jobs import JobRunner
from scheduler.service.store import Store
from tests.helpers import agent, demand, micro
from tests.service.test_api import Client, client, solved, upload, yaml_of
from tests.service.test_browser import CHROMIUM, FLAGS, _free_port
from tests.test_edits import _folder

__all__ = ["client"]  # the fixture, shared with test_api

WEEK = "2026-11-30"


def one_day(name: str, people: tuple[str, ...] = ("ana", "ben"), start: str = WEEK) -> Instance:
    """One day, one agent needed; the first person costs 1 an hour, the others 2: the
    best roster has the first person on the day shift (objective 8)."""
    staff = [agent(p, hourly_cost=1 if i == 0 else 2) for i, p in enumerate(people)]
    inst = micro(days=1, demand=[demand("general", None)], people=staff)
    day = dt.date.fromisoformat(start)
    horizon = inst.horizon.model_copy(update={"start": day})
    return inst.model_copy(update={"name": name, "horizon": horizon})


def roster_of(api: TestClient, inst: Instance) -> str:
    """A new instance solved: its result's id."""
    made = upload(api, {"week.yaml": yaml_of(inst)})
    result: str = solved(api, made["version_id"], history="none")["result_id"]
    return result


def feed_events(api: TestClient, path: str) -> int:
    answer = api.get(path)
    assert answer.status_code == 200
    events: int = answer.text.count("BEGIN:VEVENT")
    return events


def test_a_week_of_another_instance_is_replaced_only_when_confirmed(client: Client) -> None:
    api = client()
    # the same people and day: the demo week's roster has ana on the shift; its
    # variant (another name, ben the cheaper) has ben
    demo = roster_of(api, one_day("demo"))
    overfull = roster_of(api, one_day("demo-overfull", ("ben", "ana")))
    assert api.post(f"/api/results/{demo}/publish").json()["owner"] == "demo"
    ana = api.post("/api/feeds", json={"person": "ana"}).json()["path"]
    ben = api.post("/api/feeds", json={"person": "ben"}).json()["path"]
    assert (feed_events(api, ana), feed_events(api, ben)) == (1, 0)

    refused = api.post(f"/api/results/{overfull}/publish")
    assert refused.status_code == 409
    assert refused.json()["errors"] == [
        f"the week of {WEEK} is published by 'demo' (result {demo}) for 2 of the same people "
        "(ben, ana): publishing this roster of 'demo-overfull' replaces it in their calendar "
        "feeds; send ?replace=true to replace it"
    ]
    # nothing changed: the demo week is still the one published and in the feeds
    assert [(p["owner"], p["result_id"]) for p in api.get("/api/published").json()] == [
        ("demo", demo)
    ]
    assert (feed_events(api, ana), feed_events(api, ben)) == (1, 0)

    replaced = api.post(f"/api/results/{overfull}/publish", params={"replace": "true"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["replaced"] == [
        {"owner": "demo", "week": WEEK, "result_id": demo, "people": 2}
    ]
    assert [(p["owner"], p["result_id"]) for p in api.get("/api/published").json()] == [
        ("demo-overfull", overfull)
    ]
    assert (feed_events(api, ana), feed_events(api, ben)) == (0, 1)
    assert api.get(f"/api/results/{demo}").json()["published_week"] is None
    assert api.get(f"/api/results/{overfull}").json()["published_week"] == WEEK

    # the next week's history is its own instance's published week: the variant's next
    # week takes it, the demo's (its week no longer published) takes none
    for name, history in (("demo-overfull", [overfull]), ("demo", [])):
        made = upload(api, {"week.yaml": yaml_of(one_day(name, start="2026-12-01"))})
        job = api.post(f"/api/versions/{made['version_id']}/solve", json={"time_limit": 5})
        assert job.json()["options"]["history"] == history, name


def test_the_same_instance_publishes_its_week_again_without_asking(client: Client) -> None:
    api = client()
    made = upload(api, {"week.yaml": yaml_of(one_day("support"))})
    first = solved(api, made["version_id"])["result_id"]
    second = solved(api, made["version_id"], seed=1)["result_id"]
    assert api.post(f"/api/results/{first}/publish").status_code == 200
    again = api.post(f"/api/results/{second}/publish")
    assert again.status_code == 200 and again.json()["replaced"] == []
    assert [p["result_id"] for p in api.get("/api/published").json()] == [second]


def test_instances_of_other_names_and_people_publish_side_by_side(client: Client) -> None:
    api = client()
    support = roster_of(api, one_day("support", ("ana", "ben")))
    raters = roster_of(api, one_day("raters", ("cem", "dia")))
    for result in (support, raters):
        answer = api.post(f"/api/results/{result}/publish")
        assert answer.status_code == 200 and answer.json()["replaced"] == []
    published = api.get("/api/published").json()
    assert sorted((p["owner"], p["week"], p["days"]) for p in published) == [
        ("raters", WEEK, 1),
        ("support", WEEK, 1),
    ]
    team = api.post("/api/feeds", json={}).json()["path"]
    assert feed_events(api, team) == 2, "the team's feed has both weeks"
    cem = api.post("/api/feeds", json={"person": "cem"}).json()["path"]
    assert feed_events(api, cem) == 1
    made = upload(api, {"week.yaml": yaml_of(one_day("raters", ("cem", "dia"), "2026-12-01"))})
    job = api.post(f"/api/versions/{made['version_id']}/solve", json={"time_limit": 5}).json()
    assert job["options"]["history"] == [raters]


def test_the_roster_page_names_the_week_it_would_replace(client: Client) -> None:
    api = client()
    demo = roster_of(api, one_day("demo"))
    overfull = roster_of(api, one_day("demo-overfull", ("ben", "ana")))
    assert api.post(f"/api/results/{demo}/publish").status_code == 200
    page = api.get(f"/results/{overfull}", headers={"accept": "text/html"}).text
    assert (
        f"The week of {WEEK} is published by demo (<a href='/results/{demo}'>its roster</a>) "
        "for 2 of the same people: publishing this roster of demo-overfull replaces it in "
        "their calendar feeds, once you confirm." in page
    )
    data = json.loads(re.search(r"id='page-data'>(.*?)</script>", page).group(1))  # type: ignore[union-attr]
    assert data["replaces"] == [{"owner": "demo", "week": WEEK, "result_id": demo, "people": 2}]
    # the published roster's own page has nothing to replace
    page = api.get(f"/results/{demo}", headers={"accept": "text/html"}).text
    assert "publish-replaces" not in page and "published</span> for the week of" in page


def test_a_store_of_the_revision_before_keeps_its_published_weeks(
    store: Store, tmp_path: Path
) -> None:
    inst = one_day("demo")
    folder = _folder(tmp_path / "out", inst, shift_rows(inst, "ana", 0, "day", "general"))
    _, version = store.add_instance("demo", inst.model_dump(mode="json"), {})
    results = [store.save_result(version, folder) for _ in range(2)]
    store.downgrade("0002")  # published by week alone, as the release before kept it
    with store.engine.begin() as c:
        c.execute(
            text("INSERT INTO published (week, result_id, published) VALUES (:w, :r, :p)"),
            [
                {"w": dt.date(2026, 11, 30), "r": results[0], "p": dt.datetime(2026, 12, 1)},
                {"w": dt.date(2026, 12, 7), "r": results[1], "p": dt.datetime(2026, 12, 2)},
            ],
        )
    store.migrate()
    kept = [(p.owner, p.week, p.days, p.result_id) for p in store.published_weeks()]
    # each week is the demo's (its result's instance.json), of one day
    assert kept == [
        ("demo", dt.date(2026, 11, 30), 1, results[0]),
        ("demo", dt.date(2026, 12, 7), 1, results[1]),
    ]
    assert store.published("demo", dt.date(2026, 11, 30)) == results[0]
    # and back again: one roster a week, as before
    store.downgrade("0002")
    with store.engine.connect() as c:
        rows = c.execute(text("SELECT result_id FROM published ORDER BY week")).all()
    assert [r[0] for r in rows] == results


# ---- the page's confirmation, in a browser ---------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, TestClient]]:
    store = Store.in_folder(tmp_path / "data")
    store.migrate()
    app = create_app(
        store, JobRunner(store, slots=1, poll_seconds=0.05), Settings(allowed_hosts=LOOPBACK)
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    base = f"http://127.0.0.1:{port}"
    with TestClient(app, base_url=base) as api:  # the same app and store, for the setup
        yield base, api
    server.should_exit = True
    thread.join(timeout=60)


def test_the_page_asks_before_replacing_another_instances_week(
    site: tuple[str, TestClient],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, api = site
    demo = roster_of(api, one_day("demo"))
    overfull = roster_of(api, one_day("demo-overfull", ("ben", "ana")))
    assert api.post(f"/api/results/{demo}/publish").status_code == 200
    asked: list[str] = []

    def published() -> list[str]:
        return [p["result_id"] for p in api.get("/api/published").json()]

    assert CHROMIUM is not None, "Debian's chromium is needed (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        answer: dict[str, Callable[[Any], None]] = {"now": lambda d: d.dismiss()}

        def on_dialog(dialog: Any) -> None:
            asked.append(dialog.message)
            answer["now"](dialog)

        page.on("dialog", on_dialog)
        page.goto(f"{base}/results/{overfull}")
        expect(page.locator("#publish-replaces")).to_contain_text("published by demo")
        # declined: nothing is published
        page.get_by_role("button", name="Publish this roster").click()
        expect(page.locator("#publish")).to_be_enabled()
        deadline = time.monotonic() + 10
        while not asked and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert asked == [
            "Publishing this roster of demo-overfull replaces the week of "
            f"{WEEK} published by demo (2 of the same people) in their calendar feeds. "
            "Replace it?"
        ]
        assert published() == [demo]
        # confirmed: the variant's roster replaces the demo's
        answer["now"] = lambda d: d.accept()
        page.get_by_role("button", name="Publish this roster").click()
        expect(page.locator("#tools")).to_contain_text("published for the week of", timeout=10_000)
        assert published() == [overfull]
        browser.close()
