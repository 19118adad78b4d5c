"""`one_shift_at_a_time` and `min_rest`: shifts never overlap, and rest between days."""

from __future__ import annotations

from models import Instance, Person
from scheduler.checker.rows import Report, Worked, clock, elapsed, hours

RULES: tuple[str, ...] = ("min_rest", "one_shift_at_a_time")


def check(instance: Instance, person: Person, worked: list[Worked], report: Report) -> None:
    pid, dates = person.id, instance.dates
    for i, a in enumerate(worked):
        for b in worked[i + 1 :]:
            if b.start_abs >= a.end_abs:
                break
            if a.start_abs < b.end_abs:
                overlap = min(a.end_abs, b.end_abs) - max(a.start_abs, b.start_abs)
                report.add(
                    "one_shift_at_a_time",
                    pid,
                    dates[b.day],
                    f"{a.template.id} ({clock(a.start)} to {clock(a.end)}) and "
                    f"{b.template.id} ({clock(b.start)} to {clock(b.end)}) "
                    f"overlap by {overlap} min",
                )

    # rest between shifts on different days, and after the last shift before the horizon
    # (which may end inside it: Sunday's night shift ends on Monday morning)
    need = person.contract.min_rest_minutes
    for a in worked:
        later = [b for b in worked if b.day > a.day]
        if not later:
            continue
        nxt = min(later, key=lambda b: (b.start_abs, b.template.id))
        rest = nxt.start_abs - a.end_abs
        if rest < need:
            report.add(
                "min_rest",
                pid,
                dates[nxt.day],
                f"rests {hours(rest)} between {a.template.id} (ends {clock(a.end)}) and "
                f"{nxt.template.id} (starts {clock(nxt.start)}) "
                f"(min {hours(need)})",
            )
    last_end = person.history.last_shift_end
    if last_end is not None:
        naive_end = last_end.replace(tzinfo=None)
        for s in worked:
            rest = elapsed(instance, naive_end, s.start)
            if rest < 0:
                # the shift that began before the horizon is still going on: history
                report.add(
                    "one_shift_at_a_time",
                    pid,
                    dates[s.day],
                    f"{s.template.id} (starts {clock(s.start)}) overlaps the last shift before "
                    f"the horizon (ends {clock(naive_end)}) by "
                    f"{min(-rest, s.end_abs - s.start_abs)} min",
                )
            elif rest < need:
                report.add(
                    "min_rest",
                    pid,
                    dates[s.day],
                    f"rests {hours(rest)} between the last shift before the horizon "
                    f"(ends {clock(naive_end)}) and {s.template.id} "
                    f"(starts {clock(s.start)}) (min {hours(need)})",
                )
