"""Weeks of many shapes from a profile and a seed: the benchmark suite's instances.

`roster generate` scales one week, the demo week's mix. A `Profile` says instead how
a week is built, so that the search is measured on structures it was not tuned on:

- 1 to 5 queues (the last one hard when there are two or more);
- demand per shift, per interval from agent counts, or per interval from contact
  forecasts before the AI with a deflection, their hard residue sent to the hard
  queue;
- 3 to 7 shift templates (nights, a mid shift, a short evening, weekday and weekend
  patterns);
- contract mixes (full-time only, a share part-time, minimum hours and weekend
  limits);
- skill levels from flat to expert-scarce;
- demand and grading from 60 % to 110 % of what the people could give;
- 7, 14 or 28 days, any number of people.

`week(profile, seed)` returns plain instance data (as `generate` does); the same
profile and seed always give the same data. A profile's `load` is a share of the
people's capacity (agent-hours under each contract's weekly hours, items under each
rater's weekly cap), and it holds per queue too: no queue asks more than the load of
what its qualified agents could give it (on the hard queue, their hard share), what a
queue cannot ask going to the others. What a forecast asks for is measured after
Erlang staffing and scaled to it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any, Literal

from models.instance import WEEKDAYS, Instance

START = dt.date(2026, 11, 30)  # a Monday

QUEUES = ("support", "billing", "chat", "voice", "escalation")
"""Queue ids in the order a profile takes them; with two or more the last taken is
renamed `escalation` and is the hard queue."""
SUBJECTS = ("safety", "code", "multilingual", "math")

Demand = Literal["shift", "interval", "forecast"]
Contracts = Literal["full", "mixed", "part"]
Skills = Literal["flat", "mixed", "scarce"]


@dataclasses.dataclass(frozen=True)
class Profile:
    """How a week is built (module docstring)."""

    name: str
    people: int
    days: int = 7
    queues: int = 2
    demand: Demand = "shift"
    shifts: int = 4
    """Agent shift templates, 3 to 7 (a rating shift comes on top when there are raters)."""
    weekend_split: bool = False
    """Weekday templates and separate longer weekend ones."""
    contracts: Contracts = "mixed"
    skills: Skills = "mixed"
    load: float = 0.8
    """Demand and grading as a share of capacity."""
    raters: float = 0.4
    """Share of people who rate (some of them agents too); 0 for a support-only week."""
    subjects: int = 3


# (id, start, hours, weekdays or None for every day)
_AGENT_SHIFTS: list[tuple[str, str, float, tuple[str, ...] | None]] = [
    ("early", "06:00", 8, None),
    ("late", "14:00", 8, None),
    ("night", "22:00", 8, None),
    ("mid", "10:00", 8, None),
    ("evening", "17:00", 4, None),
    ("day", "08:00", 9, None),
    ("twilight", "12:00", 6, None),
]
_WEEKEND_SHIFTS: list[tuple[str, str, float, tuple[str, ...] | None]] = [
    ("we-day", "06:00", 10, ("sat", "sun")),
    ("we-late", "15:00", 10, ("sat", "sun")),
]


def week(profile: Profile, seed: int = 0) -> dict[str, Any]:
    """Instance data for the profile (module docstring)."""
    p = profile
    if not 1 <= p.queues <= len(QUEUES):
        raise ValueError(f"queues must be 1 to {len(QUEUES)}, not {p.queues}")
    if not 3 <= p.shifts <= len(_AGENT_SHIFTS):
        raise ValueError(f"shifts must be 3 to {len(_AGENT_SHIFTS)}, not {p.shifts}")
    if p.demand == "forecast" and p.queues < 2:
        raise ValueError("a forecast's hard residue needs a second queue")
    rng = random.Random(f"{p.name}/{seed}")
    dates = [START + dt.timedelta(days=d) for d in range(p.days)]
    queues = _queues(p)
    subjects = list(SUBJECTS[: max(1, min(p.subjects, len(SUBJECTS)))]) if p.raters else []
    shifts = _shifts(p, queues, bool(subjects))
    people = _people(rng, p, queues, subjects, dates)
    data: dict[str, Any] = {
        "name": f"{p.name}-s{seed}",
        "horizon": {"start": START.isoformat(), "days": p.days, "timezone": "Europe/Berlin"},
        "skills": [q["skill"] for q in queues] + subjects,
        "shifts": shifts,
        "queues": queues,
        "people": people,
        "demand": [],
        "batches": _batches(rng, p, people, subjects, dates),
        "rates": {"easy": 150, "medium": 100, "hard": 75, "expert": 60},
        "rules": {
            "max_hard_days_per_week": 3,
            "max_consecutive_hard_days": 2,
            "max_hard_share": 0.5,
        },
    }
    data["demand"] = _demand(rng, p, data, dates)
    return data


def _queues(p: Profile) -> list[dict[str, Any]]:
    ids = list(QUEUES[: p.queues])
    out = [{"id": q, "skill": q, "min_level": 1} for q in ids]
    if p.queues >= 2:
        out[-1] = {"id": "escalation", "skill": "escalation", "min_level": 3, "hard": True}
    return out


def _shifts(p: Profile, queues: list[dict[str, Any]], rating: bool) -> list[dict[str, Any]]:
    activities = [q["id"] for q in queues]
    weekdays = tuple(WEEKDAYS[:5]) if p.weekend_split else None
    out = []
    for sid, start, hours, days in _AGENT_SHIFTS[: p.shifts]:
        row: dict[str, Any] = {"id": sid, "start": start, "hours": hours}
        if weekdays is not None and sid != "night":
            row["weekdays"] = list(weekdays)
        elif days is not None:
            row["weekdays"] = list(days)
        row["activities"] = activities
        out.append(row)
    if p.weekend_split:
        for sid, start, hours, days in _WEEKEND_SHIFTS:
            out.append(
                {
                    "id": sid,
                    "start": start,
                    "hours": hours,
                    "weekdays": list(days or ()),
                    "activities": activities,
                }
            )
    if rating:
        out.append(
            {
                "id": "rating",
                "start": "09:00",
                "hours": 8,
                "weekdays": list(WEEKDAYS[:5]),
                "activities": ["rating"],
            }
        )
    return out


def _level(rng: random.Random, spread: Skills, minimum: int) -> int:
    """A skill level: flat puts nearly everyone at or above `minimum`; scarce few."""
    if spread == "flat":
        return rng.choice([minimum, minimum + 1, 4]) if minimum < 5 else 5
    if spread == "scarce":
        return rng.choice([minimum, 4]) if rng.random() < 0.2 else max(1, minimum - 1)
    return rng.choice([1, 2, 3, 3, 4, 5])


def _people(
    rng: random.Random,
    p: Profile,
    queues: list[dict[str, Any]],
    subjects: list[str],
    dates: list[dt.date],
) -> list[dict[str, Any]]:
    n = p.people
    n_raters = round(n * p.raters)
    n_both = round(n_raters * 0.15)
    width = len(str(n))
    rows: list[dict[str, Any]] = []
    for i in range(n):
        rater = i < n_raters
        agent = not rater or i < n_both
        roles = (["agent"] if agent else []) + (["rater"] if rater else [])
        skills: dict[str, int] = {}
        if agent:
            # everyone on the first queue; each other queue for about half
            for k, queue in enumerate(queues):
                if k == 0 or rng.random() < 0.5:
                    skills[queue["skill"]] = _level(rng, p.skills, queue["min_level"])
        if rater:
            main = subjects[i % len(subjects)]
            skills[main] = _level(rng, p.skills, 3)
            if len(subjects) > 1 and rng.random() < 0.4:
                skills[subjects[(i + 1) % len(subjects)]] = rng.choice([1, 2, 3])
        row: dict[str, Any] = {"id": f"p{i + 1:0{width}}", "roles": roles, "skills": skills}
        if rater:
            row["speed"] = round(rng.uniform(0.8, 1.3), 2)
        if 5 in skills.values():
            row["hourly_cost"] = 1.3
        row["contract"] = _contract(rng, p, dates)
        rows.append(row)
    _time_off_and_wishes(rng, rows, dates)
    return rows


def _contract(rng: random.Random, p: Profile, dates: list[dt.date]) -> dict[str, Any]:
    part = {"full": 0.0, "mixed": 0.2, "part": 0.5}[p.contracts]
    if rng.random() < part:
        contract: dict[str, Any] = {
            "max_hours_per_week": 24,
            "max_days_per_week": 3,
            "min_hours_per_week": 12,
            "max_items_per_week": 450,
        }
    else:
        contract = {"min_hours_per_week": 32 if p.contracts != "full" else 0}
    if p.contracts != "full" and len(dates) >= 14 and rng.random() < 0.3:
        contract["max_weekends"] = max(1, len(dates) // 14)
    return contract


def _time_off_and_wishes(
    rng: random.Random, rows: list[dict[str, Any]], dates: list[dt.date]
) -> None:
    n = len(rows)
    for row in rng.sample(rows, round(n * 0.06)):  # leave: a day or a few in a row
        first = rng.randrange(len(dates))
        last = min(len(dates) - 1, first + rng.choice([0, 1, 2, 4]))
        row["unavailable"] = [
            {"from": dates[first].isoformat(), "to": dates[last].isoformat(), "reason": "leave"}
        ]
    for row in rng.sample(rows, round(n * 0.15)):
        if "agent" in row["roles"]:
            row["preferences"] = [
                rng.choice(
                    [
                        {"kind": "avoid", "shift": "night", "weight": rng.choice([2, 4])},
                        {"kind": "want", "shift": "early"},
                        {"kind": "avoid", "day": rng.choice(WEEKDAYS), "weight": 3},
                    ]
                )
            ]
        else:
            row["preferences"] = [{"kind": "avoid", "day": rng.choice(WEEKDAYS[:5])}]
    start = dates[0]
    for row in rng.sample(rows, round(n * 0.2)):
        worked = rng.choice([1, 2, 3])
        history: dict[str, Any] = {
            "consecutive_days_worked": worked,
            "last_shift_end": f"{start - dt.timedelta(days=1)}T22:00",
        }
        if row["skills"].get("escalation", 0) >= 3:
            history["hard_hours_last_week"] = rng.choice([8, 16, 24])
            history["consecutive_hard_days"] = min(rng.choice([0, 1, 2]), worked)
        row["history"] = history


def _agent_hours(people: list[dict[str, Any]], days: int) -> float:
    """Agent-hours the agents could give over the horizon (half for people who also rate)."""
    total = 0.0
    for row in people:
        if "agent" not in row["roles"]:
            continue
        weekly = row["contract"].get("max_hours_per_week", 40)
        total += weekly * days / 7 * (0.5 if "rater" in row["roles"] else 1.0)
    return total


def _demand(
    rng: random.Random, p: Profile, data: dict[str, Any], dates: list[dt.date]
) -> list[dict[str, Any]]:
    queues = data["queues"]
    if not queues or not any("agent" in r["roles"] for r in data["people"]):
        return []
    # the share of the agents' hours each queue asks for: the first queue most
    share = [3.0] + [1.0 + rng.random() for _ in queues[1:]]
    share = [s / sum(share) for s in share]
    target = p.load * _agent_hours(data["people"], p.days)
    share = _within_reach(share, target, [p.load * c for c in _queue_hours(data, p.days)])
    if p.demand == "shift":
        return _per_shift(p, data, queues, share, target)
    rows = _per_interval(p, queues, share, target)
    if p.demand == "forecast":
        rows = _as_forecasts(rng, p, data, queues, rows, target * sum(share), share, target)
    return rows


def _queue_hours(data: dict[str, Any], days: int) -> list[float]:
    """Per queue, the agent-hours its qualified agents could give it: their hours (half
    for people who also rate), and of those at most the hard share on the hard queue."""
    max_share = data["rules"]["max_hard_share"]
    out = []
    for queue in data["queues"]:
        hours = 0.0
        for row in data["people"]:
            if "agent" in row["roles"] and row["skills"].get(queue["skill"], 0) >= queue.get(
                "min_level", 1
            ):
                weekly = row["contract"].get("max_hours_per_week", 40)
                own = weekly * days / 7 * (0.5 if "rater" in row["roles"] else 1.0)
                hours += own * (max_share if queue.get("hard") else 1.0)
        out.append(hours)
    return out


def _within_reach(share: list[float], target: float, reach: list[float]) -> list[float]:
    """The shares with no queue asking more than `reach` of it (its qualified agents'
    hours times the load): what a capped queue cannot ask goes to the others in
    proportion to their shares, so a week's load is its load on every queue, not only
    on the whole. The shares sum to less than 1 when every queue is capped."""
    want = [s * target for s in share]
    capped = [False] * len(share)
    for _ in share:
        over = sum(max(0.0, w - r) for w, r in zip(want, reach, strict=True))
        if over < 1e-9:
            break
        for k, (w, r) in enumerate(zip(want, reach, strict=True)):
            if w >= r:
                want[k], capped[k] = r, True
        free = sum(w for w, c in zip(want, capped, strict=True) if not c)
        if free <= 0:
            break
        want = [w if c else w + over * w / free for w, c in zip(want, capped, strict=True)]
    return [w / target for w in want] if target > 0 else share


_CURVE = [0.5, 0.7, 1.0, 1.2, 1.2, 1.0, 0.9, 1.0, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
"""Relative demand of the hours 06:00 to 22:00, a day of support traffic."""


def _per_shift(
    p: Profile,
    data: dict[str, Any],
    queues: list[dict[str, Any]],
    share: list[float],
    target: float,
) -> list[dict[str, Any]]:
    shifts = [s for s in data["shifts"] if s["id"] != "rating"]
    weight = {"night": 0.3, "evening": 0.6}
    slots = []  # (queue index, shift, weekday, hours, relative weight)
    for d in WEEKDAYS[: min(7, p.days)]:
        weekend = d in ("sat", "sun")
        for s in shifts:
            if "weekdays" in s and d not in s["weekdays"]:
                continue
            w = weight.get(s["id"], 1.0) * (0.6 if weekend else 1.0)
            for k in range(len(queues)):
                slots.append((k, s, d, s["hours"], w * share[k]))
    repeats = p.days / 7
    scale = target / sum(h * w * repeats for _, _, _, h, w in slots)
    rows = []
    for k, s, d, _, w in slots:
        agents = round(w * scale)
        if agents > 0:
            rows.append({"queue": queues[k]["id"], "shift": s["id"], "day": d, "agents": agents})
    return rows


def _per_interval(
    p: Profile, queues: list[dict[str, Any]], share: list[float], target: float
) -> list[dict[str, Any]]:
    days = list(WEEKDAYS[: min(7, p.days)])
    repeats = p.days / 7
    weekend = {"sat": 0.6, "sun": 0.5}
    total = sum(_CURVE) * sum(weekend.get(d, 1.0) for d in days) * repeats
    rows = []
    for k, queue in enumerate(queues):
        per_hour = target * share[k] / total
        for d in days:
            for h, c in enumerate(_CURVE):
                agents = round(per_hour * c * weekend.get(d, 1.0))
                if agents > 0:
                    rows.append(
                        {
                            "queue": queue["id"],
                            "day": d,
                            "start": f"{6 + h:02d}:00",
                            "minutes": 60,
                            "agents": agents,
                        }
                    )
    return rows


def _as_forecasts(
    rng: random.Random,
    p: Profile,
    data: dict[str, Any],
    queues: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    target: float,
    share: list[float],
    whole: float,
) -> list[dict[str, Any]]:
    """Interval rows of the first queue as forecasts of contacts before the AI (60 %
    deflection, a share of the residue hard, sent to the hard queue); the other
    non-hard queues keep agent counts. Contacts are scaled until the requirement's
    agent-hours meet `target`, and the hard share until the hard queue asks its share
    of the `whole`."""
    hard = queues[-1]["id"]
    hard_hours = share[-1] * whole
    hard_share = _clip(share[-1] / (share[0] + share[-1]))
    first = queues[0]["id"]
    aht = rng.choice([240, 300, 360])
    forecasts = []
    for row in rows:
        if row["queue"] == hard:
            continue  # the hard queue's demand is the forecasts' residue
        if row["queue"] != first:
            forecasts.append(row)
            continue
        contacts = row["agents"] * 3600 / aht / 0.4 * 0.85  # agents ~ traffic / occupancy
        forecasts.append(
            {
                "queue": first,
                "hard_queue": hard,
                "day": row["day"],
                "start": row["start"],
                "minutes": 60,
                "forecast": {
                    "contacts_before_ai": round(contacts, 1),
                    "deflection": 0.6,
                    "aht_seconds": aht,
                    "hard_share": round(hard_share, 3),
                },
            }
        )
    given = sum(r["agents"] for r in forecasts if "forecast" not in r)  # 60-minute rows
    for _ in range(4):  # Erlang staffing is not linear in the contacts: correct, 4 times
        trial = Instance.model_validate({**data, "demand": forecasts})
        factor = (target - given) / max(1.0, _asked_hours(trial) - given)
        on_hard = sum(r.agent_hours for r in trial.requirements if r.queue == hard)
        hard_factor = hard_hours / max(1.0, on_hard)
        if abs(factor - 1) < 0.02 and abs(hard_factor - 1) < 0.05:
            break
        hard_share = _clip(hard_share * hard_factor)
        for r in forecasts:
            if "forecast" in r:
                r["forecast"]["contacts_before_ai"] = round(
                    r["forecast"]["contacts_before_ai"] * max(0.2, min(5.0, factor)), 1
                )
                r["forecast"]["hard_share"] = round(hard_share, 3)
    return forecasts


def _clip(hard_share: float) -> float:
    return min(0.5, max(0.02, hard_share))


def capacity_ratio(data: dict[str, Any]) -> float:
    """Agent-hours the demand asks for over what the agents could give (for tests and
    the suite's table)."""
    instance = Instance.model_validate(data)
    return _asked_hours(instance) / max(1.0, _agent_hours(data["people"], instance.horizon.days))


def _asked_hours(instance: Instance) -> float:
    """Agent-hours the instance's demand rows in force require."""
    return sum(r.agent_hours for r in instance.requirements)


def _batches(
    rng: random.Random,
    p: Profile,
    people: list[dict[str, Any]],
    subjects: list[str],
    dates: list[dt.date],
) -> list[dict[str, Any]]:
    """Batches over the subjects, single and double graded, asking `load` of the raters'
    item caps over the horizon."""
    raters = [r for r in people if "rater" in r["roles"]]
    if not raters or not subjects:
        return []
    caps = sum(r["contract"].get("max_items_per_week", 750) for r in raters)
    target = p.load * caps * p.days / 7 * 0.8  # grading time, not items, binds the rest
    count = max(len(subjects), min(40, round(len(raters) / 3)))
    kinds = [("easy", 1, 1), ("medium", 2, 1), ("hard", 3, 1), ("expert", 4, 2), ("medium", 2, 2)]
    weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
    picks = [kinds[i % len(kinds)] for i in range(count)]
    scale = target / sum(w * g for w, (_, _, g) in zip(weights, picks, strict=True))
    out = []
    last = len(dates) - 1
    for i, (w, (difficulty, level, graders)) in enumerate(zip(weights, picks, strict=True)):
        release = rng.randrange(0, max(1, last // 2 + 1))
        row: dict[str, Any] = {
            "id": f"{subjects[i % len(subjects)]}-{difficulty}-{i + 1}",
            "items": max(1, round(w * scale)),
            "difficulty": difficulty,
            "skill": subjects[i % len(subjects)],
            "min_level": level,
            "graders": graders,
            "release": dates[release].isoformat(),
            "priority": rng.choice([1, 2, 3, 4, 5]),
        }
        if rng.random() < 0.8:
            row["deadline"] = dates[
                min(last, release + rng.randrange(2, max(3, last + 1)))
            ].isoformat()
        out.append(row)
    return out
