"""The service's web page: server-rendered Jinja2 templates and one small script.

Pages are GET only; every change goes through the JSON API (`scheduler.service.api`)
from `static/page.js`, so the page and the API enforce one set of rules, and a read
token can look at everything but change nothing. The roster page renders the same
section templates as report.html (`scheduler.outputs.report.context`, `interactive`
on), and the live chart of a running job is the charts module's progress chart,
fetched again on each progress event.

No network fetches: the script and the styles are served from this package; nothing
is vendored from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from models import Instance
from models.patch import OPERATIONS
from scheduler.outputs.charts import progress_chart
from scheduler.outputs.report import TEMPLATES as REPORT_TEMPLATES
from scheduler.outputs.report import context, environment
from scheduler.service.api import (
    ApiError,
    csv_rows,
    disk_full_is_507,
    not_found,
    validate_upload,
)
from scheduler.service.jobs import JobRunner
from scheduler.service.store import JobRow, Store

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
DEMO = HERE.parents[1] / "instances"
"""The shipped examples (a checkout of the project): the demo week loads in one click."""
DEMO_FILES = ("demo-week.yaml", "demo-week-people.csv")
DEMO_SCENARIOS = "demo-whatif.yml"
STATIC_FILES = {
    "page.js": "text/javascript; charset=utf-8",
    "page.css": "text/css; charset=utf-8",
}


def script_json(value: object) -> str:
    """`value` as JSON to place inside a <script> element: '<', '>' and '&' are written
    as \\u escapes, so that no text from an instance can close the element or open
    markup, and JSON.parse still reads back the same strings."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _render(template: str, **values: Any) -> HTMLResponse:
    html = environment(TEMPLATES).get_template(template).render(**values)
    return HTMLResponse(html)


def _state_tone(state: str) -> str:
    return {"done": "ok", "running": "warn", "queued": "", "failed": "bad"}.get(state, "warn")


def add_page(app: FastAPI, store: Store, runner: JobRunner) -> None:
    settings = app.state.settings

    def objective_of(job: JobRow) -> Any:
        """An ended job's roster's objective (the checker's), else the search's latest."""
        if job.state not in ("queued", "running") and job.result_id:
            result = store.result(job.result_id)
            if result is not None and result.summary.get("objective") is not None:
                return result.summary["objective"]
        return job.progress.get("objective")

    def jobs_view(jobs: list[JobRow]) -> list[dict[str, Any]]:
        return [
            {
                "id": j.id,
                "kind": j.kind,
                "state": j.state,
                "tone": _state_tone(j.state),
                "created": f"{j.created:%Y-%m-%d %H:%M:%S}",
                "objective": objective_of(j),
                "result_id": j.result_id,
                "reason": j.reason,
            }
            for j in jobs
        ]

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        rows = []
        for row in store.instances():
            versions = store.versions(row.id)
            latest = versions[-1] if versions else None
            jobs = store.jobs([v.id for v in versions], limit=1) if versions else []
            document = latest.document if latest else {}
            horizon = document.get("horizon") or {}
            rows.append(
                {
                    "id": row.id,
                    "name": row.name,
                    "versions": len(versions),
                    "start": horizon.get("start", ""),
                    "days": horizon.get("days", ""),
                    "people": len(document.get("people") or []),
                    "last": jobs_view(jobs)[0] if jobs else None,
                }
            )
        published = store.published_weeks()
        return _render(
            "index.html",
            instances=rows,
            demo=all((DEMO / n).exists() for n in DEMO_FILES),
            published=published,
            limit_mb=settings.max_upload_bytes / (1024 * 1024),
        )

    @app.post("/api/demo", status_code=201, tags=["instances"], summary="Load the demo week")
    def load_demo() -> dict[str, Any]:
        if not all((DEMO / n).exists() for n in DEMO_FILES):
            raise ApiError(404, "the demo week is not here (it ships with a checkout)")
        files = {n: (DEMO / n).read_bytes() for n in DEMO_FILES}
        entry, instance = validate_upload(files, settings)
        with disk_full_is_507():
            instance_id, version_id = store.add_instance(
                instance.name, instance.model_dump(mode="json"), files, f"uploaded as {entry}"
            )
        return {"id": instance_id, "version_id": version_id}

    @app.get("/instances/{instance_id}", response_class=HTMLResponse, include_in_schema=False)
    def instance_page(instance_id: str, version: str | None = None) -> HTMLResponse:
        versions = store.versions(instance_id)
        if not versions:
            raise not_found("instance", instance_id)
        chosen = next((v for v in versions if v.id == version), versions[-1])
        inst = Instance.model_validate(chosen.document)
        jobs = store.jobs([v.id for v in versions], limit=50)
        number = {v.id: v.number for v in versions}
        published_ids = {p.result_id for p in store.published_weeks()}
        results = [
            {
                "id": r.id,
                "version": number.get(r.version_id),
                "created": f"{r.created:%Y-%m-%d %H:%M:%S}",
                "status": r.summary.get("status_text") or r.summary.get("status") or "",
                "objective": r.summary.get("objective"),
                "edited": r.summary.get("status") == "edited",
                "broken": len((r.summary.get("check") or {}).get("violations") or []),
                "published": r.id in published_ids,
            }
            for r in store.results([v.id for v in versions], limit=50)
            if r.summary.get("status")
        ]
        scenarios = (DEMO / DEMO_SCENARIOS).read_text() if (DEMO / DEMO_SCENARIOS).exists() else ""
        return _render(
            "instance.html",
            instance_id=instance_id,
            name=versions[0].document.get("name", ""),
            versions=versions,
            version=chosen,
            inst=inst,
            tables=_instance_tables(inst),
            results=results,
            jobs=[
                {**j, "version": number.get(v.version_id)}
                for j, v in zip(jobs_view(jobs), jobs, strict=True)
            ],
            scenarios=_scenario_example(inst, scenarios if inst.name == "demo-week" else ""),
            operations=OPERATIONS,
        )

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(job_id: str) -> HTMLResponse:
        job = store.job(job_id)
        if job is None:
            raise not_found("job", job_id)
        version = store.version(job.version_id)
        output = store.output(job_id) if job.state not in ("queued", "running") else ""
        whatif = None
        if job.kind == "whatif" and job.result_id:
            whatif = _whatif_view(store.files(job.result_id))
        cover = None
        if job.kind == "cover" and output:
            try:
                cover = json.loads(output)
            except ValueError:
                cover = None
        result = store.result(job.result_id) if job.result_id else None
        files = store.files(job.result_id) if job.result_id else {}
        # what the page offers once the job has a result: the roster, or the what-if's
        # table as files (a what-if's result has no roster to open)
        has_roster = "roster.csv" in files and "instance.json" in files
        downloads = [n for n in ("whatif.csv", "whatif.json") if n in files]
        # once ended, the roster's own figures (the checker's), not the search's last
        summary = result.summary if result is not None and has_roster else {}
        ended = job.state not in ("queued", "running")
        figures = dict(job.progress or {})
        if ended and summary.get("objective") is not None:
            figures.update(
                objective=summary.get("objective"),
                bound=summary.get("bound"),
                gap=summary.get("gap"),
                seconds=summary.get("solve_seconds", figures.get("seconds")),
            )
        found_by = next(
            (e.source for e in reversed(store.events(job_id)) if e.source != "bound"), None
        )
        return _render(
            "job.html",
            job=job,
            figures=figures,
            found_by=found_by,
            figures_of_roster=ended and summary.get("objective") is not None,
            has_roster=has_roster,
            downloads=downloads,
            tone=_state_tone(job.state),
            instance_id=version.instance_id if version else "",
            instance_name=str(version.document.get("name", "")) if version else "",
            kind_label=KIND_LABELS.get(job.kind, job.kind),
            version_number=version.number if version else "",
            chart=_chart(store, job_id),
            output=output,
            whatif=whatif,
            cover=cover,
        )

    @app.get("/jobs/{job_id}/chart", include_in_schema=False)
    def job_chart(job_id: str) -> Response:
        if store.job(job_id) is None:
            raise not_found("job", job_id)
        return HTMLResponse(str(_chart(store, job_id)))

    @app.get("/results/{result_id}", response_class=HTMLResponse, include_in_schema=False)
    def result_page(result_id: str) -> Response:
        from scheduler.outputs.exports import OutputData

        result = store.result(result_id)
        if result is None:
            raise not_found("result", result_id)
        version = store.version(result.version_id)
        files = store.files(result_id)
        if "roster.csv" not in files or "instance.json" not in files:
            job = store.job(result.job_id) if result.job_id else None
            if job is not None:
                return RedirectResponse(f"/jobs/{job.id}", status_code=303)
            raise not_found("roster in result", result_id)
        with tempfile.TemporaryDirectory(prefix="roster-page-") as tmp:
            folder = Path(tmp) / "result"
            store.write_result(result_id, folder, exports=False)
            data = OutputData.load(folder)
        values = context(data, interactive=True)
        values["header"]["kind"] = "roster"
        # the page's own words where the report names commands and folders
        verdict = values["verdict"]
        verdict["line"] = verdict["line"].replace("; `roster try` says which.", ".")
        edited = data.summary.get("edited")
        edited_from = None
        if isinstance(edited, dict):
            source = str(edited.get("source", ""))
            match = re.fullmatch(r"result (\w+)", source)
            if match and store.result(match.group(1)) is not None:
                edited_from = match.group(1)
            count = len(edited.get("edits") or [])
            verdict["facts"] = [
                (label, f"{count} edit{'s' if count != 1 else ''} by hand")
                if label == "edited"
                else (label, value)
                for label, value in verdict["facts"]
            ]
        inst = data.instance
        week = next((p.week for p in store.published_weeks() if p.result_id == result_id), None)
        # another roster of this instance's week published: say so, and which
        other = store.published(inst.name, inst.horizon.start)
        other_published = other if other is not None and other != result_id else None
        # weeks published by another instance for some of the same people and days:
        # publishing this one replaces them, after a confirmation naming whose they are
        replaces = [
            {
                "owner": c.owner,
                "week": c.week.isoformat(),
                "result_id": c.result_id,
                "people": len(c.people),
            }
            for c in store.clashes(result_id)
        ]
        job = store.job(result.job_id) if result.job_id else None
        options = dict(job.options) if job is not None else {}
        search = {
            k: options[k]
            for k in ("time_limit", "workers", "seed", "deterministic_time", "fix_time_limit")
            if options.get(k) is not None
        }
        replanned = None
        if job is not None and job.kind == "replan":
            names = {p.id: p.display_name for p in inst.people}
            out = []
            for away in options.get("unavailable", []):
                person, *days = str(away).split(":")
                start = days[0] if days and days[0] else options.get("from")
                until = f" to {days[1]}" if len(days) > 1 and days[1] else ""
                out.append(f"{names.get(person, person)} ({person}) out from {start}{until}")
            replanned = {"from": options.get("from"), "out": out, "before": options.get("base")}
        page_data = {
            "result": result_id,
            "instance": version.instance_id if version else "",
            "version": result.version_id,
            "people": [{"id": p.id, "name": p.display_name} for p in inst.people],
            "shifts": [s.id for s in inst.shifts],
            "activities": [*(q.id for q in inst.queues), "rating"],
            "queues": [q.id for q in inst.queues],
            "dates": [d.isoformat() for d in inst.dates],
            "batches": [b.id for b in inst.batches],
            "search": search,
            "broken": len((result.summary.get("check") or {}).get("violations") or []),
            "owner": inst.name,
            "replaces": replaces,
        }
        changes = csv_rows(files["changes.csv"]) if "changes.csv" in files else None
        return _render(
            "result.html",
            result=result,
            version=version,
            page_data=script_json(page_data),
            published_week=week,
            other_published=other_published,
            replaces=replaces,
            owner=inst.name,
            week_start=inst.horizon.start,
            replanned=replanned,
            edited_from=edited_from,
            changes=changes,
            downloads=[
                n
                for n in ("roster.csv", "roster.xlsx", "report.html")
                if n in files or n.endswith((".xlsx", ".html"))
            ],
            **values,
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response((STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml")

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login() -> HTMLResponse:
        return _render("login.html")

    @app.post("/login", include_in_schema=False)
    def sign_in(request: Request, token: Annotated[str, Form()] = "") -> Response:
        """The token as a cookie the server sets: HttpOnly (no script on the page can
        read it), SameSite=Strict, Secure over HTTPS; an unknown one is said so."""
        if not token.strip() or store.token(token.strip(), "api") is None:
            page = _render("login.html", error="That token is not a live API token.")
            page.status_code = 401
            return page
        answer = RedirectResponse("/", status_code=303)
        answer.set_cookie(
            "roster_token",
            token.strip(),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return answer

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name in ("report.css", "report.js"):  # the report's own, shared with the page
            media = "text/css" if name.endswith(".css") else "text/javascript"
            return Response((REPORT_TEMPLATES / name).read_bytes(), media_type=media)
        if name not in STATIC_FILES:
            raise not_found("file", name)
        return Response((STATIC / name).read_bytes(), media_type=STATIC_FILES[name])


def _chart(store: Store, job_id: str) -> Any:
    events = store.events(job_id)
    points = [(e.seconds, e.objective, e.bound) for e in events]
    if not points:
        return ""
    return progress_chart(points)


KIND_LABELS = {
    "solve": "Solve",
    "check": "Check",
    "replan": "Re-plan",
    "whatif": "What-if",
    "cover": "Who can cover",
}
"""A job's kind as its page names it."""

WHATIF_COLUMNS = {
    "scenario": "scenario",
    "verdict": "verdict",
    "agent_shifts_uncovered": "agent-shifts uncovered",
    "agent_intervals_uncovered": "agent-intervals uncovered",
    "gradings_late": "gradings late",
    "hard_spread_hours": "hard-load spread (h)",
    "hours_worked": "hours worked",
    "objective": "objective",
    "gap": "gap to the bound",
    "status": "search",
    "solve_seconds": "seconds",
    "error": "error",
}
"""whatif.csv's columns as the page names them, in its order."""


def _whatif_view(files: dict[str, bytes]) -> dict[str, Any] | None:
    """The comparison table of a what-if's result: labelled columns, gaps as percents,
    each scenario's shortfalls, and a warning when the searches stopped at gaps too far
    apart for the objectives to compare surely."""
    if "whatif.csv" not in files:
        return None
    rows = csv_rows(files["whatif.csv"])
    shortfalls: dict[str, list[str]] = {}
    if "whatif.json" in files:
        document = json.loads(files["whatif.json"])
        shortfalls = {
            str(s.get("scenario")): list(s.get("shortfalls") or [])
            for s in document.get("scenarios", [])
        }
    gaps = []
    shown = []
    for row in rows:
        cells = {}
        for key, label in WHATIF_COLUMNS.items():
            value = row.get(key, "")
            if key == "gap" and value not in ("", None):
                gaps.append(float(value))
                value = f"{float(value):.2%}"
            elif key == "status":
                value = str(value).replace("_", " ")
            cells[label] = value
        if not any(r.get("error") for r in rows):
            cells.pop("error")
        shown.append(cells)
    spread = max(gaps) - min(gaps) if len(gaps) > 1 else 0.0
    return {
        "columns": list(shown[0]) if shown else [],
        "rows": shown,
        "shortfalls": {k: v for k, v in shortfalls.items() if v},
        "uneven": spread > 0.01,
    }


def _scenario_example(inst: Instance, demo: str) -> str:
    """The what-if form's text: the demo's scenarios (without the file's notes on the
    command line), or, for any other week, examples built from its own people and
    batches, so that every one of them applies as written."""
    if "scenarios:" in demo:
        head = "# Each scenario: a name and changes to this week; none is the week as it is.\n"
        return head + demo[demo.index("scenarios:") :]
    scenarios: list[dict[str, Any]] = [{"name": "baseline", "description": "the week as it is"}]
    if len(inst.people) > 1:
        someone = inst.people[0]
        scenarios.append(
            {
                "name": f"without-{someone.id}",
                "description": f"{someone.display_name} is off all week",
                "remove_people": [someone.id],
            }
        )
        scenarios.append(
            {
                "name": f"{someone.id}-costs-more",
                "description": f"{someone.display_name}'s hourly cost doubled",
                "set": {f"people.{someone.id}.hourly_cost": 2 * someone.hourly_cost or 2},
            }
        )
    if inst.demand:
        scenarios.append(
            {"name": "busier-20pct", "description": "20 % more demand", "scale_demand": 1.2}
        )
    if inst.batches:
        batch = inst.batches[0]
        scenarios.append(
            {
                "name": f"{batch.id}-without-deadline",
                "description": f"{batch.id} may finish after the week",
                "deadlines": {batch.id: None},
            }
        )
    head = "# Each scenario: a name and changes to this week; none is the week as it is.\n"
    return head + yaml.safe_dump({"scenarios": scenarios}, sort_keys=False, width=100)


def _instance_tables(inst: Instance) -> list[dict[str, Any]]:
    """The instance as tables: people, shifts, queues, demand and batches."""
    people = [
        {
            "id": p.id,
            "name": p.display_name,
            "roles": ", ".join(r.value for r in p.roles),
            "skills": ", ".join(f"{k} {v}" for k, v in p.skills.items()),
            "max hours": p.contract.max_hours_per_week,
            "unavailable": len(p.unavailable),
        }
        for p in inst.people
    ]
    shifts = [
        {
            "id": s.id,
            "start": f"{s.start:%H:%M}",
            "hours": s.hours,
            "days": ", ".join(s.weekdays) or "every day",
        }
        for s in inst.shifts
    ]
    queues = [
        {"id": q.id, "skill": q.skill, "min level": q.min_level, "hard": "yes" if q.hard else ""}
        for q in inst.queues
    ]
    demand = [
        {
            "queue": r.queue,
            "shift": r.shift or "",
            "start": f"{r.start:%a %Y-%m-%d %H:%M}",
            "end": f"{r.end:%H:%M}",
            "agents": r.agents,
        }
        for r in inst.requirements
    ]
    batches = [
        {
            "id": b.id,
            "skill": b.skill,
            "difficulty": b.difficulty.value,
            "items": b.items,
            "graders": b.graders,
            "deadline": (inst.horizon.start + dt.timedelta(days=inst.deadline_day(b))).isoformat(),
            "priority": b.priority,
        }
        for b in inst.batches
    ]
    return [
        {"id": "people", "title": "People", "rows": people},
        {"id": "shifts", "title": "Shifts", "rows": shifts},
        {"id": "queues", "title": "Queues", "rows": queues},
        {"id": "demand", "title": "Demand (agents required)", "rows": demand},
        {"id": "batches", "title": "Batches", "rows": batches},
    ]
