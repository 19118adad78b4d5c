"""Write `demo-week-people.csv`, the people of `demo-week.yaml`, and print its sizing.

    python instances/make_demo_week.py          # rewrite the CSV, then print the sizing
    python instances/make_demo_week.py --check  # only print the sizing

The team: 26 support agents (ag01-ag26), 36 raters (rt01-rt36) and 4 people
with both roles (ar01-ar04), so 30 agents and 40 raters. Skills are laid out
on purpose (who is an expert in what decides which batches are tight); names,
speeds, time off, preferences and history are drawn from a seeded generator,
so the file is the same on every run.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSV_PATH = HERE / "demo-week-people.csv"
COLUMNS = [
    "id", "name", "roles",
    "skills.general", "skills.escalation", "skills.safety", "skills.code", "skills.multilingual",
    "speed", "hourly_cost",
    "contract.max_hours_per_week", "contract.max_days_per_week", "contract.min_hours_per_week",
    "contract.max_items_per_week",
    "days_off", "unavailable", "fixed", "preferences",
    "history.consecutive_days_worked", "history.consecutive_days_off",
    "history.last_shift_end", "history.hard_hours_last_week", "history.consecutive_hard_days",
]  # fmt: skip

FIRST = """Amara Ben Chiara Dario Elif Farid Greta Hana Ivan Jonas Kaja Lars Mina Noah Olga
Pavel Quinn Rosa Sami Tara Umut Vera Wim Xenia Yusuf Zoe Anja Bilal Carla Deniz Emil Fatma
Georg Hiro Ines Jana Karim Lea Malte Nadia Oskar Priya Rafael Sofia Timo Ula Viktor Wanda
Yara Zeno Aylin Bruno Clara David Eva Felix Gül Hugo Ida Jakob Lina Mateo Nora Omar Pia
Ravi""".split()  # noqa: SIM905
LAST = """Adler Bauer Costa Demir Eriksen Fischer Gomez Hansen Ito Jovanovic Kaya Lang Meyer
Novak Okafor Petrov Quist Rossi Schmidt Tanaka Ulrich Vogel Weber Yilmaz Zimmer Nowak Haddad
Kowalski Richter Moreau""".split()  # noqa: SIM905


def person(pid: str, name: str, roles: str, **fields: object) -> dict[str, object]:
    row: dict[str, object] = {"id": pid, "name": name, "roles": roles}
    row.update({k.replace("__", "."): v for k, v in fields.items()})
    return row


def as_json(value: object) -> str:
    return json.dumps(value, separators=(", ", ": "))


def people() -> list[dict[str, object]]:
    rng = random.Random(20261130)
    names = iter(f"{f} {rng.choice(LAST)}" for f in rng.sample(FIRST, 66))
    speed = lambda: round(rng.uniform(0.8, 1.3), 2)  # noqa: E731
    rows = []

    # Agents: everyone takes general cases; ag01-ag18 are senior enough for escalations
    # (level >= 3), ag19-ag22 are learning them, ag23-ag26 do general only.
    for i in range(1, 27):
        skills = {"skills.general": rng.choice([2, 3, 3, 4, 4, 5])}
        if i <= 18:
            skills["skills.escalation"] = rng.choice([3, 3, 4, 4, 5])
        elif i <= 22:
            skills["skills.escalation"] = rng.choice([1, 2])
        if i % 5 == 0:
            skills["skills.multilingual"] = rng.choice([2, 3, 4])
        rows.append({"id": f"ag{i:02}", "name": next(names), "roles": "agent", **skills})

    # Raters: twelve each with safety, code or multilingual as their main skill, level 5 down
    # to 1; every second one has a second skill. Only three per skill reach level 4.
    main_levels = [5, 4, 4, 3, 3, 3, 3, 2, 2, 2, 1, 1]
    subjects = ["safety", "code", "multilingual"]
    for i in range(36):
        group, k = divmod(i, 12)
        skills = {f"skills.{subjects[group]}": main_levels[k]}
        if k % 2 == 1:
            skills[f"skills.{subjects[(group + 1) % 3]}"] = rng.choice([1, 2, 2, 3])
        rows.append({"id": f"rt{i + 1:02}", "name": next(names), "roles": "rater", **skills})

    # Both roles: agents who also grade (one of them a safety expert).
    both = [
        {"skills.general": 4, "skills.escalation": 4, "skills.safety": 4},
        {"skills.general": 3, "skills.escalation": 3, "skills.code": 3},
        {"skills.general": 3, "skills.multilingual": 3},
        {"skills.general": 2, "skills.safety": 2, "skills.code": 2},
    ]
    for i, skills in enumerate(both, start=1):
        rows.append({"id": f"ar{i:02}", "name": next(names), "roles": "rater;agent", **skills})

    by_id = {row["id"]: row for row in rows}
    for row in rows:
        if "rater" in str(row["roles"]):
            row["speed"] = speed()
        if 5 in [v for k, v in row.items() if k.startswith("skills.")]:
            row["hourly_cost"] = 1.3  # the most senior people cost more per hour

    # Contracts: part-timers (3 days, 24 h) and two raters with their own item caps.
    for pid in ("ag24", "ag25", "rt11", "rt23", "rt35"):
        by_id[pid].update({"contract.max_hours_per_week": 24, "contract.max_days_per_week": 3})
    for pid in ("rt11", "rt23", "rt35"):
        by_id[pid]["contract.max_items_per_week"] = 450
    by_id["rt01"]["contract.max_items_per_week"] = 900  # senior safety expert
    by_id["ag24"]["contract.min_hours_per_week"] = 16
    by_id["ag25"]["contract.min_hours_per_week"] = 16
    # Full-time agents are rostered at least 32 h (four shifts); raters are paid for
    # the items they grade and have no minimum.
    for row in rows:
        if row["roles"] == "agent" and "contract.min_hours_per_week" not in row:
            row["contract.min_hours_per_week"] = 32

    # Fixed days off (weekday names: every such day of the horizon).
    by_id["ag21"]["days_off"] = "sat;sun"
    by_id["ag22"]["days_off"] = "sat;sun"
    by_id["ag26"]["days_off"] = "mon"
    by_id["rt30"]["days_off"] = "wed"

    # Time off: whole days (ISO dates, `;`-separated), a range, one shift of a day.
    by_id["ag05"]["unavailable"] = "2026-12-03"
    by_id["ag12"]["unavailable"] = "2026-12-05;2026-12-06"
    by_id["ag19"]["unavailable"] = as_json(
        [{"from": "2026-11-30", "to": "2026-12-01", "reason": "parental leave"}]
    )
    by_id["ag08"]["unavailable"] = as_json(
        [{"day": "2026-12-02", "shift": "night", "reason": "training next morning"}]
    )
    by_id["rt04"]["unavailable"] = "2026-12-04"
    by_id["rt17"]["unavailable"] = as_json(
        [{"from": "2026-12-02", "to": "2026-12-03", "reason": "conference"}]
    )
    by_id["rt27"]["unavailable"] = "2026-11-30"
    by_id["ar03"]["unavailable"] = as_json([{"day": "2026-12-04", "reason": "doctor"}])

    # Fixed assignments: the escalation lead opens the week; a calibration session on Monday.
    by_id["ag01"]["fixed"] = as_json([{"day": "mon", "shift": "early", "activity": "escalations"}])
    by_id["ar04"]["fixed"] = as_json([{"day": "mon", "shift": "rating_day", "activity": "rating"}])

    # Preferences: avoid nights, want a day off, like lates, want a given weekend shift.
    wishes = {
        "ag03": [{"kind": "avoid", "shift": "night", "weight": 3}],
        "ag07": [{"kind": "avoid", "shift": "night", "weight": 3}],
        "ag11": [{"kind": "avoid", "shift": "night", "weight": 5}],
        "ag16": [{"kind": "avoid", "shift": "night", "weight": 2}],
        "ag23": [{"kind": "avoid", "shift": "night", "weight": 3}],
        "ag09": [{"kind": "avoid", "day": "fri", "weight": 4}],
        "ag14": [{"kind": "avoid", "day": "sat", "weight": 2},
                 {"kind": "avoid", "day": "sun", "weight": 2}],
        "ag02": [{"kind": "want", "shift": "late"}],
        "ag17": [{"kind": "want", "shift": "late"}],
        "ag20": [{"kind": "want", "shift": "late"},
                 {"kind": "avoid", "shift": "early", "weight": 2}],
        "ag10": [{"kind": "want", "day": "sat", "shift": "early", "weight": 3}],
        "rt02": [{"kind": "avoid", "day": "fri", "weight": 3}],
        "rt14": [{"kind": "avoid", "day": "mon", "weight": 2}],
        "rt26": [{"kind": "avoid", "day": "wed", "weight": 2}],
        "ar01": [{"kind": "avoid", "shift": "night", "weight": 4}],
    }  # fmt: skip
    for pid, wish in wishes.items():
        by_id[pid]["preferences"] = as_json(wish)

    # History: agents who worked the weekend before (last shift ended on Sunday evening,
    # some on escalations), and last week's hard hours of the hard-capable raters.
    for pid in rng.sample([f"ag{i:02}" for i in range(2, 24)], 12):
        row = by_id[pid]
        row["history.consecutive_days_worked"] = rng.choice([1, 2, 2, 3])
        row["history.last_shift_end"] = "2026-11-29T22:00"  # a late shift on Sunday
        if "skills.escalation" in row and int(str(row["skills.escalation"])) >= 3:
            row["history.hard_hours_last_week"] = rng.choice([8, 16, 16, 24])
            hard_days = rng.choice([0, 1, 2])  # a hard day is a worked day
            row["history.consecutive_hard_days"] = min(
                hard_days, int(str(row["history.consecutive_days_worked"]))
            )
    for pid in ("rt01", "rt02", "rt03", "rt13", "rt14", "rt15", "ar01", "ar02"):
        row = by_id[pid]
        row["history.consecutive_days_off"] = 2
        row["history.last_shift_end"] = "2026-11-27T17:00"
        row["history.hard_hours_last_week"] = rng.choice([0, 8, 16, 24])
    return rows


def write_csv(rows: list[dict[str, object]]) -> None:
    with CSV_PATH.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})


def sizing() -> None:
    """Print the figures the instance was sized by (upper bounds, not a solution)."""
    sys.path.insert(0, str(HERE.parent))
    from models.instance import Person, Role
    from scheduler.formats import read_instance

    inst = read_instance(HERE / "demo-week.yaml")
    demand = inst.demand_table()
    total = sum(row.agents for row in demand.values())
    hard = sum(row.agents for (q, _, _), row in demand.items() if inst.queue_by_id[q].hard)
    agents = [p for p in inst.people if Role.agent in p.roles]
    raters = [p for p in inst.people if Role.rater in p.roles]

    def days_free(p: Person) -> int:
        off, _ = inst.unavailable_slots(p)
        return len(inst.day_range) - len(off)

    def max_shifts(p: Person) -> int:
        return min(
            p.contract.max_days_per_week, days_free(p), int(p.contract.max_hours_per_week // 8)
        )

    capacity = sum(max_shifts(p) for p in agents)
    esc = inst.queue_by_id["escalations"]
    # Hard rotation: at most half of a week's hours hard, at most 3 hard days.
    hard_cap = sum(min(inst.rules.max_hard_days_per_week, max_shifts(p) // 2)
                   for p in agents if inst.can_work_queue(p, esc))  # fmt: skip
    print(f"agents {len(agents)}, raters {len(raters)}, people {len(inst.people)}")
    print(
        f"agent-shifts demanded {total} = {total / (len(agents) * 5):.0%} of "
        f"{len(agents)} x 5; of the agents' own maximum {capacity}: {total / capacity:.0%}"
    )
    print(f"escalation shifts demanded {hard}; hard-rotation maximum of escalation agents "
          f"{hard_cap}: {hard / hard_cap:.0%}")  # fmt: skip
    required = sum(b.required for b in inst.batches)
    caps = sum(p.contract.max_items_per_week for p in raters)
    print(
        f"gradings required {required} = {required / (len(raters) * 750):.0%} of "
        f"{len(raters)} x 750; of the raters' own caps {caps}: {required / caps:.0%}"
    )
    print("batch                     gradings  pool  pool max by deadline  share")
    for b in inst.batches:
        first, last = inst.release_day(b), min(inst.deadline_day(b), inst.horizon.days - 1)
        pool = [p for p in raters if inst.can_grade(p, b)]
        reach = 0
        for p in pool:
            off, _ = inst.unavailable_slots(p)
            shift = inst.shift_by_id["rating_day"]
            days = [d for d in range(first, last + 1) if d not in off and inst.runs_on(shift, d)]
            shifts = min(len(days), p.contract.max_days_per_week)
            if b.difficulty.is_hard:
                shifts = min(shifts, 2)  # hard share: 2 hard shifts in a week of 4-5
            per_shift = shift.hours * inst.rates.per_hour(b.difficulty) * p.speed
            reach += min(b.items, p.contract.max_items_per_week, int(shifts * per_shift))
        print(f"{b.id:<26}{b.required:>8}{len(pool):>6}{reach:>22}  {b.required / reach:>5.0%}")


if __name__ == "__main__":
    if "--check" not in sys.argv:
        write_csv(people())
        print(f"wrote {CSV_PATH.name}")
    sizing()
