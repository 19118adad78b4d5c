"""report.html: one self-contained page, checked as HTML and rendered in headless Chromium."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
from markupsafe import escape

from models.instance import FixedAssignment
from scheduler.cli import main
from scheduler.outputs.exports import OutputData
from scheduler.outputs.folder import CARRIED_OVER
from scheduler.outputs.report import render, write
from tests.helpers import ROOT

INSTANCES = ROOT / "instances"
SMALL = INSTANCES / "small-week.yaml"
SOLVE = ["--workers", "1", "--seed", "0", "--time-limit", "30", "--quiet"]
SECTIONS = ("verdict", "grid", "coverage", "batches", "people", "fixes")
CHARTED = ("coverage", "batches")
"""Sections that draw an `svg[data-chart]` for the small week."""

CHROMIUM = next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary on PATH (Debian: apt-get install chromium); "
    "the report is rendered in a real browser only where one is installed",
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "small"
    assert main(["solve", str(SMALL), "--out", str(out), *SOLVE]) == 0
    if not (out / "report.html").exists():  # until `roster solve` writes the exports itself
        write(OutputData.load(out), out / "report.html")
    return out


@pytest.fixture(scope="module")
def data(folder: Path) -> OutputData:
    return OutputData.load(folder)


class Dom(HTMLParser):
    """Elements with their attributes and the id of the section they are in, and text."""

    VOID: ClassVar[frozenset[str]] = frozenset(
        {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.elements: list[tuple[str, dict[str, str | None], str | None]] = []
        self.text: dict[str | None, list[str]] = {}
        self.feed(html)

    def section(self) -> str | None:
        return next((s for _, s in reversed(self.stack) if s), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        ident = attributes.get("id") if tag == "section" else None
        self.elements.append((tag, attributes, ident or self.section()))
        if tag not in self.VOID:
            self.stack.append((tag, ident))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), self.section()))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        self.text.setdefault(self.section(), []).append(data)

    def section_text(self, ident: str) -> str:
        return " ".join(" ".join(self.text.get(ident, [])).split())

    def charts(self, ident: str) -> list[dict[str, str | None]]:
        return [
            a for tag, a, s in self.elements if tag == "svg" and s == ident and "data-chart" in a
        ]


def check_page(dom: Dom, data: OutputData) -> None:
    """What a reader must see: the verdict, every person in the grid, the charts."""
    sections = {a.get("id") for tag, a, _ in dom.elements if tag == "section"}
    assert sections >= set(SECTIONS)
    assert "fits with shortfalls" in dom.section_text("verdict")  # 300 chat-quality items late
    assert "gradings late" in dom.section_text("verdict")
    grid = dom.section_text("grid")
    for person in data.instance.people:
        assert person.display_name in grid
    rows = [a for tag, a, s in dom.elements if tag == "tr" and s == "grid" and "data-name" in a]
    assert len(rows) == len(data.instance.people)
    for ident in CHARTED:
        assert dom.charts(ident), f"no svg[data-chart] in #{ident}"
    queues = {a.get("data-queue") for a in dom.charts("coverage")}
    assert queues == set(data.coverage["queue"])
    batches = {a.get("data-batch") for a in dom.charts("batches")}
    assert batches == {b.id for b in data.instance.batches}


def test_report_has_every_section_and_chart(data: OutputData) -> None:
    check_page(Dom(render(data)), data)


def test_written_report_is_the_rendered_page(folder: Path, data: OutputData) -> None:
    assert (folder / "report.html").read_text(encoding="utf-8") == render(data)


def test_report_opens_offline(data: OutputData) -> None:
    html = render(data)
    assert "http://" not in html and "https://" not in html
    for reference in ("<link", " src=", "@import", "url(", "//fonts", "<iframe"):
        assert reference not in html, f"{reference!r}: the page must need nothing else"


def test_report_escapes_names(data: OutputData) -> None:
    evil = '<script>alert("x")</script> & <b>Bo</b>'
    first = data.instance.people[0]
    people = [
        p.model_copy(update={"name": evil}) if p is first else p for p in data.instance.people
    ]
    names = [
        evil if p == first.id else n
        for p, n in zip(data.people["person"], data.people["name"], strict=True)
    ]
    bad = dataclasses.replace(
        data,
        instance=data.instance.model_copy(update={"people": people}),
        roster=[
            r.model_copy(update={"name": evil}) if r.person == first.id else r for r in data.roster
        ],
        people=data.people.assign(name=names),
    )
    html = render(bad)
    assert evil not in html and "<script>alert" not in html
    assert escape(evil) in html
    dom = Dom(html)
    assert evil in dom.section_text("grid")  # shown as text, not as markup
    assert evil in dom.section_text("people")
    assert [tag for tag, _, _ in dom.elements].count("script") == 1  # the page's own


def test_people_riskiest_first_and_flagged(data: OutputData) -> None:
    dom = Dom(render(data))
    rows = [a for tag, a, s in dom.elements if tag == "tr" and s == "people" and "data-person" in a]
    assert {a["data-person"] for a in rows} == {p.id for p in data.instance.people}
    flagged = ["near" in (a.get("class") or "") for a in rows]
    assert any(flagged)
    assert flagged == sorted(flagged, reverse=True), "flagged people come first"
    near = {a["data-person"] for a in rows if "near" in (a.get("class") or "")}
    for person in data.instance.people:
        row = data.people[data.people["person"] == person.id].iloc[0]
        at_hours = row["hours"] >= 0.9 * person.contract.max_hours_per_week
        at_days = row["hard_days"] >= 0.9 * data.instance.rules.max_hard_days_per_week
        at_share = row["hard_share"] >= 0.9 * data.instance.rules.max_hard_share
        if at_hours or at_days or at_share:
            assert person.id in near, f"{person.id} is at or within 10 % of a limit"
    assert f"{len(near)} of {len(rows)} flagged" in dom.section_text("people")


def test_fixes_and_reasons_from_check(data: OutputData) -> None:
    check = {
        "verdict": "fits with shortfalls",
        "shortfalls": [
            {
                "kind": "batch",
                "subject": "chat-quality",
                "when": "Sun 2026-12-06",
                "binding": "weekly item caps",
                "figures": {},
                "sentence": "chat-quality needs 1,200 gradings; 900 are planned, 300 late.",
            }
        ],
        "conflicts": [],
        "fixes": [
            {
                "kind": "fewer_graders",
                "target": "chat-quality",
                "sentence": "Grade chat-quality by 1 instead of 2 people per item.",
                "changes": {"set": {"batches.chat-quality.graders": 1}},
                "figures": {},
                "verified": True,
            }
        ],
        "notes": ["No later deadline within the horizon lets chat-quality finish in time."],
    }
    dom = Dom(render(dataclasses.replace(data, check=check)))
    text = dom.section_text("fixes")
    assert "900 are planned, 300 late" in text
    assert "weekly item caps" in text
    assert "Grade chat-quality by 1 instead of 2 people per item." in text
    assert "set batches.chat-quality.graders = 1" in text  # the path names the batch
    assert "No later deadline" in text
    assert "fits with shortfalls" in dom.section_text("verdict")


def test_verdict_without_check_json(data: OutputData) -> None:
    """From summary.json alone: the status, the shortfalls and the checker decide."""
    summary = data.summary
    goals = {k: {**g, "value": 0} for k, g in summary["goals"].items()}
    fits = {**summary, "goals": goals, "shortfalls": []}
    text = Dom(render(dataclasses.replace(data, summary=fits))).section_text("verdict")
    assert "fits" in text and "fits with shortfalls" not in text
    broken = {**fits, "check": {"hard_rules_hold": False, "violations": ["ana: too many days"]}}
    text = Dom(render(dataclasses.replace(data, summary=broken))).section_text("verdict")
    assert "hard rules broken" in text and "ana: too many days" in text


def test_report_without_a_roster(data: OutputData) -> None:
    empty = dataclasses.replace(
        data,
        roster=[],
        coverage=pd.DataFrame(),
        batches=pd.DataFrame(),
        people=pd.DataFrame(),
        summary={"status": "infeasible", "status_text": "not staffable", "goals": {}},
        check={
            "verdict": "cannot be staffed",
            "conflicts": [{"text": "Ana: at most 5 days in a row"}],
            "fixes": [
                {
                    "kind": "relax_rule",
                    "target": "Ana: at most 5 days in a row",
                    "sentence": "Set Ana's max consecutive days to 6 (now 5).",
                    "changes": {"set": {"people.ana.contract.max_consecutive_days": 6}},
                    "verified": True,
                }
            ],
        },
    )
    dom = Dom(render(empty))
    assert "cannot be staffed" in dom.section_text("verdict")
    assert "Set Ana's max consecutive days to 6" in dom.section_text("fixes")
    assert "set people.ana.contract.max_consecutive_days = 6" in dom.section_text("fixes")
    assert not dom.charts("coverage")


# ---- in a real browser ----------------------------------------------------------------


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on a local file, offline: every host name fails to resolve."""
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def console_problems(stderr: str) -> list[str]:
    """Console messages and uncaught errors of the page (Chromium logs them as CONSOLE)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


@needs_chromium
def test_console_errors_would_be_seen(tmp_path: Path) -> None:
    """The check below can fail: a page with an error shows up in the log."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('boom'); nope();</script>")
    run = chromium(tmp_path, page, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    problems = console_problems(run.stderr)
    assert any("Uncaught" in line for line in problems), run.stderr[-2000:]


@needs_chromium
def test_report_renders_in_chromium(tmp_path: Path, folder: Path, data: OutputData) -> None:
    run = chromium(tmp_path, folder / "report.html", "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_problems(run.stderr) == []
    assert "<svg" in run.stdout, "the dump is the rendered DOM"
    check_page(Dom(run.stdout), data)


def test_a_fixed_shift_is_marked_in_the_grid(data: OutputData) -> None:
    # fix the first roster row's person to that very shift: the grid marks that slot,
    # and no other, as fixed (a rule the roster keeps; an unassign of it would break it)
    row = data.roster[0]
    person = data.instance.person_by_id[row.person]
    fixed = person.model_copy(
        update={"fixed": [FixedAssignment(day=row.date.isoformat(), shift=row.shift)]}
    )
    people = [fixed if p.id == person.id else p for p in data.instance.people]
    changed = dataclasses.replace(
        data, instance=data.instance.model_copy(update={"people": people})
    )
    html = render(changed)
    marked = re.findall(r"<div class='slot [^']*\bfixed\b[^']*' title='([^']*)'", html)
    assert len(marked) == 1 and "fixed by the instance" in marked[0]
    assert marked[0].startswith(f"{row.name or row.person}: {row.shift}")
    assert "fixed by the instance</span>" in html  # the legend names it
    assert "<i class='fixed-key'>" not in render(data)  # a week with none has no key


def test_gradings_left_for_after_the_horizon_are_not_shortfalls(data: OutputData) -> None:
    # a batch due after the horizon with gradings left: not late, so the verdict is
    # "fits" (as `roster check` says), and the report lists it apart
    goals = {k: {**g, "value": 0} for k, g in data.summary["goals"].items()}
    carried = f"batch b: 276 of 1,200 gradings {CARRIED_OVER}"
    summary = {**data.summary, "goals": goals, "shortfalls": [carried]}
    text = Dom(render(dataclasses.replace(data, summary=summary))).section_text("verdict")
    assert "fits with shortfalls" not in text and "fits" in text
    assert "Left for after the horizon" in text and carried in text
    assert "Shortfalls" not in text
