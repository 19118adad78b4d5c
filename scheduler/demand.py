"""Support demand as tables: what each forecast asks for, and how that moves with a parameter.

`roster staffing` answers one interval; `roster demand INSTANCE` lists every
requirement an instance's demand rows derive; `--sweep NAME=V1,V2,...` re-derives
them with a forecast parameter set to each value (several sweeps make a grid) and
compares the totals.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd

from models import InputError, Instance
from models.instance import Demand
from models.patch import PatchError, patched
from models.queueing import Staffing

SWEEPABLE = {
    "service_level": "share answered within the answer time",
    "answer_seconds": "answer time of the target",
    "deflection": "share of contacts the AI assistant closes",
    "residue_aht_factor": "handling time of the residue over the average",
    "hard_share": "share of the residue that is hard",
    "aht_seconds": "average handling time",
    "shrinkage": "share of rostered time not on contacts",
    "max_occupancy": "cap on agent occupancy",
    "patience_seconds": "mean patience (Erlang A)",
    "contacts_scale": "multiplies every forecast's contacts",
}


def staffing_lines(s: Staffing, contacts: float, minutes: float, answer: float) -> list[str]:
    """The readable answer of `roster staffing`."""
    model = "Erlang A" if s.model == "erlang_a" else "Erlang C"
    asa = (
        f"{s.average_speed_of_answer:,.1f} s"
        if s.average_speed_of_answer != float("inf")
        else "unbounded"
    )
    lines = [
        f"{contacts:,.6g} contacts in {minutes:g} min ({model}): traffic {s.traffic:,.2f} Erlangs",
        f"  agents needed            {s.agents:>8,}   (before shrinkage)",
        f"  agents to roster         {s.staffed:>8,}   (after shrinkage)",
        f"  service level            {s.service_level:>8.1%}   answered within {answer:g} s",
        f"  occupancy                {s.occupancy:>8.1%}",
        f"  probability of waiting   {s.wait_probability:>8.1%}",
        f"  average speed of answer  {asa:>8}",
    ]
    if s.model == "erlang_a":
        lines.append(f"  abandonment              {s.abandonment:>8.1%}   give up waiting")
    return lines


def requirement_table(instance: Instance) -> pd.DataFrame:
    """One row per requirement: queue, when, forecast, agents required and their figures."""
    rows = []
    for req in instance.requirements:
        figures = req.achieved(req.agents)
        rows.append(
            {
                "queue": req.queue,
                "date": instance.dates[req.day].isoformat(),
                "shift": req.shift or "",
                "start": req.start.strftime("%Y-%m-%d %H:%M"),
                "end": req.end.strftime("%Y-%m-%d %H:%M"),
                "contacts": None if req.contacts is None else round(req.contacts, 2),
                "aht_seconds": None if req.aht_seconds is None else round(req.aht_seconds, 1),
                "required": req.agents,
                "service_level": None if figures is None else round(figures.service_level, 4),
                "occupancy": None if figures is None else round(figures.occupancy, 4),
                "abandonment": None if figures is None else round(figures.abandonment, 4),
            }
        )
    columns = [
        "queue",
        "date",
        "shift",
        "start",
        "end",
        "contacts",
        "aht_seconds",
        "required",
        "service_level",
        "occupancy",
        "abandonment",
    ]
    return pd.DataFrame(rows, columns=columns)


def parse_sweeps(specs: list[str]) -> dict[str, list[float]]:
    """`name=v1,v2,...` strings as {name: values}; InputError naming the culprit."""
    grid: dict[str, list[float]] = {}
    problems = []
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name = name.strip()
        if not sep or name not in SWEEPABLE:
            known = ", ".join(sorted(SWEEPABLE))
            problems.append(f"--sweep {spec!r}: write NAME=V1,V2,... with NAME one of {known}")
            continue
        values = []
        for part in raw.split(","):
            try:
                values.append(float(part))
            except ValueError:
                problems.append(f"--sweep {name}: {part.strip()!r} is not a number")
        if not values:
            problems.append(f"--sweep {name}: no values")
        grid[name] = values
    if problems:
        raise InputError(problems)
    return grid


def sweep_operations(instance: Instance, values: dict[str, float]) -> dict[str, Any]:
    """The patch (`models.patch`) that sets every forecast's parameters to these values:
    `contacts_scale` multiplies its contacts; `deflection` and `residue_aht_factor` go
    to forecasts of contacts before the AI only, `hard_share` to rows with a hard queue.
    Rows are named by position, so two rows alike are each set."""
    assignments: dict[str, Any] = {}
    for index, row in enumerate(instance.demand):
        forecast = row.forecast
        if forecast is None:
            continue
        for name, value in values.items():
            if not _applies(name, row):
                continue
            if name == "contacts_scale":
                for key in ("contacts", "contacts_before_ai"):
                    current = getattr(forecast, key)
                    if current is not None:
                        assignments[f"demand.{index}.forecast.{key}"] = current * value
            else:
                assignments[f"demand.{index}.forecast.{name}"] = value
    return {"set": assignments}


def with_forecast_values(instance: Instance, values: dict[str, float], where: Path) -> Instance:
    """The instance with every forecast's parameters set to these values."""
    if not any(row.forecast is not None for row in instance.demand):
        raise InputError([f"{where}: demand: no row has a forecast to sweep"])
    for name in values:
        if not any(_applies(name, row) for row in instance.demand):
            raise InputError(
                [f"--sweep {name}: no forecast row of {where} uses it, so it would change nothing"]
            )
    try:
        return patched(instance, sweep_operations(instance, values), where)
    except PatchError as exc:
        label = ", ".join(f"{k}={v:g}" for k, v in values.items())
        raise InputError([f"--sweep {label}: {exc}"]) from None


def _applies(name: str, row: Demand) -> bool:
    forecast = row.forecast
    if forecast is None:
        return False
    if name in ("deflection", "residue_aht_factor"):
        return forecast.contacts_before_ai is not None
    if name == "hard_share":
        return row.hard_queue is not None
    return True


def sweep_table(instance: Instance, grid: dict[str, list[float]], where: Path) -> pd.DataFrame:
    """Per scenario of the grid and queue: agent-hours required, and per requirement count."""
    names = list(grid)
    rows: list[dict[str, Any]] = []
    for combo in itertools.product(*(grid[n] for n in names)):
        values = dict(zip(names, combo, strict=True))
        variant = with_forecast_values(instance, values, where)
        totals: dict[str, dict[str, float]] = {}
        for req in variant.requirements:
            hours = req.agent_hours
            t = totals.setdefault(req.queue, {"agent_hours": 0.0, "peak_agents": 0})
            t["agent_hours"] += hours
            t["peak_agents"] = max(t["peak_agents"], req.agents)
        for queue, t in sorted(totals.items()):
            rows.append(
                {
                    **values,
                    "queue": queue,
                    "agent_hours": round(t["agent_hours"], 2),
                    "peak_agents": int(t["peak_agents"]),
                }
            )
    return pd.DataFrame(rows, columns=[*names, "queue", "agent_hours", "peak_agents"])
