"""Seeded instances of any size with the demo week's mix (`roster generate`).

`generate(people)` scales instances/demo-week.yaml: the same shares of agents,
raters and people with both roles (26/36/4 of 66), the same skill layout, the
same shape of demand per shift and weekday asking for ~80 % of the agents'
shifts, and batches asking for ~70 % of the raters' weekly item capacity. The
same arguments always give the same data (`random.Random(seed)`).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from models.instance import WEEKDAYS

DEFAULT_START = dt.date(2026, 11, 30)  # a Monday
SUBJECTS = ["safety", "code", "multilingual"]
MAIN_LEVELS = [5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 1, 1]
"""A rater's main-skill level, by rank within the skill (as in the demo week)."""

DEMAND_SHARE = 0.8
"""Agent-shifts asked for, of the agents' 5 shifts a week."""
GRADING_SHARE = 0.7
"""Gradings required, of the raters' weekly item caps."""

# Agents wanted per (queue, shift) in the demo week: weekdays, then Saturday/Sunday.
WEEKDAY_SHAPE = {
    ("general", "early"): 6,
    ("general", "late"): 6,
    ("general", "night"): 2,
    ("escalations", "early"): 2,
    ("escalations", "late"): 2,
    ("escalations", "night"): 1,
}
WEEKEND_SHAPE = {
    ("general", "early"): 3,
    ("general", "late"): 3,
    ("general", "night"): 1,
    ("escalations", "early"): 1,
    ("escalations", "late"): 1,
    ("escalations", "night"): 1,
}
LAUNCH_LATE = 8
"""General agents on the launch day's late shift (the third day) in the demo week."""

# The demo week's twelve batches: (name, items, difficulty, skill, min_level, graders,
# release weekday index, deadline weekday index or None, priority).
BATCHES: list[tuple[str, int, str, str, int, int, int, int | None, int]] = [
    ("safety-redteam-expert", 1300, "expert", "safety", 4, 2, 0, 2, 5),
    ("safety-calibration", 300, "medium", "safety", 2, 2, 0, 0, 4),
    ("safety-refusals-hard", 1200, "hard", "safety", 3, 1, 1, 4, 4),
    ("safety-toxicity-easy", 3000, "easy", "safety", 1, 1, 0, 3, 2),
    ("code-review-expert", 950, "expert", "code", 4, 2, 3, 4, 5),
    ("code-agentic-hard", 1000, "hard", "code", 3, 1, 1, None, 2),
    ("code-completion-medium", 2000, "medium", "code", 2, 1, 0, 4, 3),
    ("code-explain-easy", 1500, "easy", "code", 1, 1, 3, 6, 1),
    ("ml-translation-medium", 1800, "medium", "multilingual", 2, 2, 0, 4, 3),
    ("ml-chat-de-easy", 2000, "easy", "multilingual", 1, 1, 1, 3, 2),
    ("ml-safety-hard", 500, "hard", "multilingual", 3, 1, 2, 4, 4),
    ("ml-summaries-medium", 1200, "medium", "multilingual", 2, 1, 3, None, 1),
]

FIRST = [
    "Amara",
    "Ben",
    "Chiara",
    "Dario",
    "Elif",
    "Farid",
    "Greta",
    "Hana",
    "Ivan",
    "Jonas",
    "Kaja",
    "Lars",
    "Mina",
    "Noah",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umut",
    "Vera",
    "Wim",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Anja",
    "Bilal",
    "Carla",
    "Deniz",
    "Emil",
    "Fatma",
    "Georg",
    "Hiro",
    "Ines",
    "Jana",
    "Karim",
    "Lea",
    "Malte",
    "Nadia",
    "Oskar",
    "Priya",
    "Rafael",
    "Sofia",
    "Timo",
    "Ula",
    "Viktor",
    "Wanda",
    "Yara",
    "Zeno",
    "Aylin",
    "Bruno",
    "Clara",
    "David",
    "Eva",
    "Felix",
    "Hugo",
    "Ida",
    "Jakob",
    "Lina",
    "Mateo",
    "Nora",
    "Omar",
    "Pia",
    "Ravi",
]
LAST = [
    "Adler",
    "Bauer",
    "Costa",
    "Demir",
    "Eriksen",
    "Fischer",
    "Gomez",
    "Hansen",
    "Ito",
    "Jovanovic",
    "Kaya",
    "Lang",
    "Meyer",
    "Novak",
    "Okafor",
    "Petrov",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ulrich",
    "Vogel",
    "Weber",
    "Yilmaz",
    "Zimmer",
    "Nowak",
    "Haddad",
    "Kowalski",
    "Richter",
    "Moreau",
]

BOTH_SKILLS: list[dict[str, int]] = [
    {"general": 4, "escalation": 4, "safety": 4},
    {"general": 3, "escalation": 3, "code": 3},
    {"general": 3, "multilingual": 3},
    {"general": 2, "safety": 2, "code": 2},
]
"""Skills of the people with both roles, in turn (as in the demo week)."""


def role_counts(people: int) -> tuple[int, int, int]:
    """(agents only, raters only, both) for `people`, in the demo week's 26/36/4 shares."""
    if people < 2:
        raise ValueError(f"people must be at least 2, not {people}")
    both = round(people * 4 / 66)
    agents = max(1, round(people * 26 / 66))
    raters = people - agents - both
    if raters < 1:
        both -= 1 - raters
        raters = 1
    return agents, raters, both


def _people(
    rng: random.Random, n: int, dates: list[dt.date], start: dt.date
) -> list[dict[str, Any]]:
    n_agents, n_raters, n_both = role_counts(n)
    width = max(2, len(str(n)))
    rows: list[dict[str, Any]] = []

    def name() -> str:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    for i in range(n_agents):
        # Of every 26 agents: 18 escalation-capable, 4 learning escalations, 4 general only.
        k = i % 26
        skills = {"general": rng.choice([2, 3, 3, 4, 4, 5])}
        if k < 18:
            skills["escalation"] = rng.choice([3, 3, 4, 4, 5])
        elif k < 22:
            skills["escalation"] = rng.choice([1, 2])
        if k % 5 == 4:
            skills["multilingual"] = rng.choice([2, 3, 4])
        rows.append({"id": f"ag{i + 1:0{width}}", "name": name(), "roles": ["agent"]})
        rows[-1]["skills"] = skills
    for i in range(n_raters):
        # Main skills in turn, the highest levels first so small teams have experts too.
        subject, rank = i % 3, (i // 3) % 12
        skills = {SUBJECTS[subject]: MAIN_LEVELS[rank]}
        if rank % 2 == 1:
            skills[SUBJECTS[(subject + 1) % 3]] = rng.choice([1, 2, 2, 3])
        rows.append({"id": f"rt{i + 1:0{width}}", "name": name(), "roles": ["rater"]})
        rows[-1]["skills"] = skills
    for i in range(n_both):
        rows.append({"id": f"ar{i + 1:0{width}}", "name": name(), "roles": ["rater", "agent"]})
        rows[-1]["skills"] = dict(BOTH_SKILLS[i % 4])

    for row in rows:
        if "rater" in row["roles"]:
            row["speed"] = round(rng.uniform(0.8, 1.3), 2)
        if 5 in row["skills"].values():
            row["hourly_cost"] = 1.3

    agents_only = [r for r in rows if r["roles"] == ["agent"]]
    raters_only = [r for r in rows if r["roles"] == ["rater"]]
    # Contracts: 2 of 26 agents and 3 of 36 raters part-time; full-time agents min 32 h.
    for row in rng.sample(agents_only, round(len(agents_only) * 2 / 26)):
        row["contract"] = {
            "max_hours_per_week": 24,
            "max_days_per_week": 3,
            "min_hours_per_week": 16,
        }
    for row in agents_only:
        row.setdefault("contract", {"min_hours_per_week": 32})
    for row in rng.sample(raters_only, round(len(raters_only) * 3 / 36)):
        row["contract"] = {
            "max_hours_per_week": 24,
            "max_days_per_week": 3,
            "max_items_per_week": 450,
        }

    # Fixed days off: weekends off or one weekday for ~6 % (4 of 66).
    # Weekday names must name a day of the horizon.
    present = [w for w in WEEKDAYS if any(WEEKDAYS[d.weekday()] == w for d in dates)]
    weekdays = [w for w in present if w not in ("sat", "sun")] or present
    for row in rng.sample(rows, round(n * 4 / 66)):
        if "agent" in row["roles"]:
            wanted = rng.choice([["sat", "sun"], ["sat", "sun"], ["mon"]])
        else:
            wanted = [rng.choice(WEEKDAYS[:5])]
        days_off = [w for w in wanted if w in present]
        if days_off and len(days_off) < len(present):
            row["days_off"] = days_off

    # Time off: a day, two days or one night for ~5 %.
    for row in rng.sample(rows, round(n * 0.05)):
        first = rng.randrange(len(dates))
        form = rng.choice(["day", "range", "shift"])
        if form == "range" and first + 1 < len(dates):
            off: dict[str, str] = {
                "from": dates[first].isoformat(),
                "to": dates[first + 1].isoformat(),
                "reason": "leave",
            }
        elif form == "shift" and row["roles"] == ["agent"]:
            off = {"day": dates[first].isoformat(), "shift": "night", "reason": "training"}
        else:
            off = {"day": dates[first].isoformat(), "reason": "appointment"}
        row["unavailable"] = [off]

    # Preferences for ~15 %.
    for row in rng.sample(rows, round(n * 0.15)):
        if "agent" in row["roles"]:
            wish = rng.choice(
                [
                    [{"kind": "avoid", "shift": "night", "weight": rng.choice([2, 3, 4, 5])}],
                    [{"kind": "want", "shift": "late"}],
                    [{"kind": "avoid", "day": rng.choice(present), "weight": rng.choice([2, 4])}],
                    [{"kind": "want", "day": present[-1], "shift": "early", "weight": 3}],
                ]
            )
        else:
            wish = [{"kind": "avoid", "day": rng.choice(weekdays), "weight": rng.choice([2, 3])}]
        row["preferences"] = wish

    # History for ~20 %: agents worked up to the evening before; raters had two days off.
    for row in rng.sample(rows, round(n * 0.2)):
        if "agent" in row["roles"]:
            worked = rng.choice([1, 2, 2, 3])
            history: dict[str, Any] = {
                "consecutive_days_worked": worked,
                "last_shift_end": f"{start - dt.timedelta(days=1)}T22:00",
            }
            if row["skills"].get("escalation", 0) >= 3:
                history["hard_hours_last_week"] = rng.choice([8, 16, 16, 24])
                history["consecutive_hard_days"] = min(rng.choice([0, 1, 2]), worked)
        else:
            history = {
                "consecutive_days_off": 2,
                "last_shift_end": f"{start - dt.timedelta(days=3)}T17:00",
                "hard_hours_last_week": rng.choice([0, 8, 16, 24]),
            }
        row["history"] = history
    return rows


def _demand(n_agents: int, dates: list[dt.date]) -> list[dict[str, Any]]:
    """Rows with the demo week's shape, scaled to ~80 % of the agents' shifts."""

    def shape(day: dt.date) -> dict[tuple[str, str], int]:
        return WEEKEND_SHAPE if day.weekday() >= 5 else WEEKDAY_SHAPE

    wanted = DEMAND_SHARE * n_agents * 5 * len(dates) / 7
    scale = wanted / sum(sum(shape(d).values()) for d in dates)
    weekend = sorted({WEEKDAYS[d.weekday()] for d in dates if d.weekday() >= 5})
    # (queue, shift, day or None, exact agents, days the row holds on)
    cells: list[tuple[str, str, str | None, float, int]] = [
        (q, s, None, v * scale, sum(d.weekday() < 5 for d in dates))
        for (q, s), v in WEEKDAY_SHAPE.items()
    ]
    for day in weekend:
        holds = sum(WEEKDAYS[d.weekday()] == day for d in dates)
        cells += [(q, s, day, v * scale, holds) for (q, s), v in WEEKEND_SHAPE.items()]
    # Largest remainders: whole agents whose total over the horizon stays near `wanted`.
    agents = [math.floor(c[3]) for c in cells]
    short = wanted - sum(a * c[4] for a, c in zip(agents, cells, strict=True))
    for i in sorted(range(len(cells)), key=lambda i: agents[i] - cells[i][3]):
        if cells[i][4] and short >= cells[i][4] / 2:
            agents[i] += 1
            short -= cells[i][4]
    rows: list[dict[str, Any]] = []
    for (q, s, weekday, _, _), count in zip(cells, agents, strict=True):
        cell: dict[str, Any] = {"queue": q, "shift": s, "agents": count}
        if weekday is not None:
            cell["day"] = weekday
        rows.append(cell)
    if len(dates) >= 3 and dates[2].weekday() < 5:  # launch day: each missing agent counts double
        rows.append(
            {
                "queue": "general",
                "shift": "late",
                "day": dates[2].isoformat(),
                "agents": round(LAUNCH_LATE * scale),
                "under_weight": 200000,
            }
        )
    return rows


def _batches(
    rng: random.Random, count: int, people: list[dict[str, Any]], dates: list[dt.date]
) -> list[dict[str, Any]]:
    """`count` batches cycling through the demo week's, ~70 % of the raters' item caps."""
    caps = sum(
        p.get("contract", {}).get("max_items_per_week", 750)
        for p in people
        if "rater" in p["roles"]
    )
    target = GRADING_SHARE * caps * len(dates) / 7
    picks = [BATCHES[i % len(BATCHES)] for i in range(count)]
    weights = [items * rng.uniform(0.8, 1.2) for _, items, *_ in picks]
    scale = target / sum(w * p[5] for w, p in zip(weights, picks, strict=True))
    last = len(dates) - 1

    def day(weekday: int) -> int:  # the demo week's day, stretched over the horizon
        return round(weekday * last / 6)

    rows = []
    for i, (pick, weight) in enumerate(zip(picks, weights, strict=True)):
        name, _, difficulty, skill, level, graders, release, deadline, priority = pick
        row: dict[str, Any] = {
            "id": name if count <= len(BATCHES) else f"{name}-{i // len(BATCHES) + 1}",
            "items": max(1, round(weight * scale)),
            "difficulty": difficulty,
            "skill": skill,
            "min_level": level,
            "graders": graders,
            "release": dates[day(release)].isoformat(),
            "priority": priority,
        }
        if deadline is not None:
            row["deadline"] = dates[max(day(release), day(deadline))].isoformat()
        rows.append(row)
    return rows


def generate(
    people: int,
    days: int = 7,
    batches: int | None = None,
    seed: int = 0,
    start: dt.date = DEFAULT_START,
) -> dict[str, Any]:
    """Instance data (plain YAML/JSON values) for `people` people over `days` days."""
    if people < 2:
        raise ValueError(f"people must be at least 2, not {people}")
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    if batches is not None and batches < 0:
        raise ValueError(f"batches must be 0 or more, not {batches}")
    rng = random.Random(seed)
    dates = [start + dt.timedelta(days=d) for d in range(days)]
    rows = _people(rng, people, dates, start)
    n_agents = sum("agent" in r["roles"] for r in rows)
    count = max(1, round(12 * people / 66)) if batches is None else batches
    return {
        "name": f"generated-{people}p-{days}d-s{seed}",
        "horizon": {"start": start.isoformat(), "days": days, "timezone": "Europe/Berlin"},
        "skills": ["general", "escalation", *SUBJECTS],
        "shifts": [
            {"id": "early", "start": "06:00", "hours": 8, "activities": ["general", "escalations"]},
            {"id": "late", "start": "14:00", "hours": 8, "activities": ["general", "escalations"]},
            {"id": "night", "start": "22:00", "hours": 8, "activities": ["general", "escalations"]},
            {
                "id": "rating_day",
                "start": "09:00",
                "hours": 8,
                "weekdays": WEEKDAYS[:5],
                "activities": ["rating"],
            },
        ],
        "queues": [
            {"id": "general", "skill": "general", "min_level": 1},
            {"id": "escalations", "skill": "escalation", "min_level": 3, "hard": True},
        ],
        "demand": _demand(n_agents, dates),
        "people": rows,
        "batches": _batches(rng, count, rows, dates),
        "rates": {"easy": 150, "medium": 100, "hard": 75, "expert": 60},
        "rules": {
            "max_hard_days_per_week": 3,
            "max_consecutive_hard_days": 2,
            "max_hard_share": 0.5,
        },
        "weights": {"preference": 8},
    }
