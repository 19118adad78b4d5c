"""The roster as iCalendar files (RFC 5545), written with the icalendar library.

`write(data, folder)` writes into `folder`:

- `<person id>.ics` for every person with at least one shift (a person whose
  id is `team`, in any case, gets `_team.ics`: ids never start with `_`);
- `team.ics` with every shift of everyone, summaries starting with the name.

One VEVENT per person, date and shift. DTSTART and DTEND are the local clock
times of roster.csv with the instance's time zone as TZID, and the calendar
carries that zone's VTIMEZONE, so clients show the right instant across
daylight-saving changes (UTC is written as UTC times). A night shift ends on
the next date. UID `<person>-<date>-<shift>@roster` is the same in every write
and in both files, so a re-imported roster updates the events in place.
SUMMARY is "early · general" or "rating · safety-redteam, chat-quality";
DESCRIPTION names the role, the queue or the batches graded with their items
and hours, the time left over and "Hard work." when the shift holds any;
CATEGORIES are the activity, the role and "hard work".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from models import RATING, Assignment, Instance
from scheduler.outputs.exports import OutputData, one_line
from scheduler.outputs.spreadsheet import ShiftWork, shifts_of

PRODID = "-//ai-staffing-scheduler//roster//EN"
TEAM_FILE = "team.ics"
HARD_CATEGORY = "hard work"


def uid(work: ShiftWork) -> str:
    """Stable across writes: the same person, date and shift give the same UID."""
    return f"{work.person}-{work.date.isoformat()}-{work.shift}@roster"


def file_name(person: str) -> str:
    """`<person>.ics`; `_team.ics` for a person whose id would clash with team.ics."""
    return f"_{person}.ics" if f"{person}.ics".lower() == TEAM_FILE else f"{person}.ics"


def file_names(people: Sequence[str]) -> dict[str, str]:
    """Each person's calendar file, distinct even where the file system ignores case:
    of ids alike but for case (`Ana`, `ana`), the first in the instance's order keeps
    `<id>.ics` and the next get `<id>-2.ics`, `<id>-3.ics`, ..."""
    out: dict[str, str] = {}
    taken = {TEAM_FILE}
    for person in people:
        name = file_name(person)
        k = 1
        while name.lower() in taken:
            k += 1
            name = f"{person}-{k}.ics"
        taken.add(name.lower())
        out[person] = name
    return out


def summary(work: ShiftWork) -> str:
    """ "early · general", "rating · safety-redteam, chat-quality"."""
    parts: list[str] = []
    for activity in work.activities:
        if activity == RATING and work.graded:
            parts.append(", ".join(dict.fromkeys(row.batch for row in work.graded)))
        else:
            parts.append(activity)
    return f"{work.shift} · {' + '.join(parts)}"


def description(work: ShiftWork, queue_skill: dict[str, str]) -> str:
    lines = [f"{one_line(work.name)} ({work.person}), {' and '.join(work.roles)}."]
    for activity in work.activities:
        if activity != RATING:
            skill = queue_skill.get(activity)
            lines.append(f"Queue {activity}" + (f" ({skill})." if skill else "."))
    if work.graded:
        lines.append("Grading:")
        lines += [f"- {row.batch}: {row.items} items ({row.hours:.2f} h)" for row in work.graded]
    if work.has_leftover:
        lines.append(f"Time left over: {work.leftover_hours:.2f} h.")
    if work.crosses_midnight:
        lines.append(f"Ends the next day at {work.end:%H:%M}.")
    if work.hard:
        lines.append("Hard work.")
    return "\n".join(lines)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    return calendar


def _event(
    work: ShiftWork,
    zone: ZoneInfo,
    stamp: dt.datetime,
    queue_skill: dict[str, str],
    with_name: bool,
) -> Event:
    event = Event()
    event.add("uid", uid(work))
    event.add("dtstamp", stamp)
    event.add("dtstart", work.start.replace(tzinfo=zone))
    event.add("dtend", work.end.replace(tzinfo=zone))
    event.add("summary", f"{one_line(work.name)}: {summary(work)}" if with_name else summary(work))
    event.add("description", description(work, queue_skill))
    categories = [*work.activities, *work.roles]
    if work.hard:
        categories.append(HARD_CATEGORY)
    event.add("categories", list(dict.fromkeys(categories)))
    event.add("transp", "OPAQUE")
    return event


def _finish(calendar: Calendar, works: Sequence[ShiftWork], timezone: str) -> bytes:
    calendar.add("x-wr-timezone", timezone)
    if works:  # the zone's rules for a year either side of the shifts, not 1970-2038
        first = min(w.start for w in works).date() - dt.timedelta(days=366)
        last = max(w.end for w in works).date() + dt.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())


def write(data: OutputData, folder: Path) -> None:
    """Write one calendar per person with a shift and the team calendar into `folder`."""
    instance = data.instance
    timezone = instance.horizon.timezone
    zone = ZoneInfo(timezone)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    queue_skill = {queue.id: queue.skill for queue in instance.queues}
    works = shifts_of(data.roster)
    folder.mkdir(parents=True, exist_ok=True)

    files = file_names([p.id for p in instance.people])
    by_person: dict[str, list[ShiftWork]] = {}
    for work in works:
        by_person.setdefault(work.person, []).append(work)
    for person in instance.people:  # stale files of people without a shift now
        if person.id not in by_person:
            (folder / files[person.id]).unlink(missing_ok=True)
    for person_id, own in by_person.items():
        calendar = _calendar(f"{instance.name}: {own[0].name}")
        for work in own:
            calendar.add_component(_event(work, zone, stamp, queue_skill, with_name=False))
        (folder / files[person_id]).write_bytes(_finish(calendar, own, timezone))

    team = _calendar(f"{instance.name}: team")
    for work in works:
        team.add_component(_event(work, zone, stamp, queue_skill, with_name=True))
    (folder / TEAM_FILE).write_bytes(_finish(team, works, timezone))


def feed(weeks: Sequence[tuple[Instance, Sequence[Assignment]]], person: str | None) -> bytes:
    """One calendar of several published rosters (a subscribed feed): a person's shifts,
    or the whole team's with `person` None. Each shift keeps its UID, so that a calendar
    app that subscribed sees a changed roster as changed events, not new ones."""
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    all_works: list[ShiftWork] = []
    name = "team"
    timezone = weeks[-1][0].horizon.timezone if weeks else "UTC"
    events: list[Event] = []
    for instance, roster in weeks:
        zone = ZoneInfo(instance.horizon.timezone)
        queue_skill = {queue.id: queue.skill for queue in instance.queues}
        works = [w for w in shifts_of(roster) if person is None or w.person == person]
        if person is not None and person in instance.person_by_id:
            name = instance.person_by_id[person].name or person
        all_works.extend(works)
        events.extend(_event(w, zone, stamp, queue_skill, with_name=person is None) for w in works)
    calendar = _calendar(f"roster: {name}")
    for event in events:
        calendar.add_component(event)
    return _finish(calendar, all_works, timezone)
