"""The `roster` command line: validate, solve, replan, export, check, try, cover, token,
serve, verify, staffing, demand, whatif, generate, schema."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from models import InputError, Instance, SolveResult, SolveStatus, read_roster_csv
from models.cells import safe_row
from models.edits import USAGE
from models.instance import MAX_DAYS, MAX_PEOPLE
from models.loader import instance_json_schema
from scheduler.formats import read_instance

if TYPE_CHECKING:
    from scheduler.cpsat.solve import SolveOptions

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_NO_ROSTER = 3
EXIT_INTERRUPTED = 130


def _fail(messages: Sequence[str]) -> int:
    for line in messages:
        print(f"error: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_validate(args: argparse.Namespace) -> int:
    instance = read_instance(args.instance)
    print(
        f"{args.instance}: valid: {len(instance.people)} people, {len(instance.shifts)} shifts, "
        f"{len(instance.queues)} queues, {len(instance.batches)} batches, "
        f"{instance.horizon.days} days from {instance.horizon.start}"
    )
    return EXIT_OK


def cmd_solve(args: argparse.Namespace) -> int:
    from scheduler.checker import evaluate
    from scheduler.cpsat.solve import ModelTooLargeError, solve
    from scheduler.outputs.folder import check_out_dir, format_summary, write_outputs

    instance = read_instance(args.instance)
    out_dir: Path = args.out or Path("out") / args.instance.stem
    check_out_dir(out_dir)
    summary_extra: dict[str, Any] = {}
    if args.history is not None:
        from models.history import merged_rosters, with_history

        start = instance.horizon.start
        rosters = []
        for path in _history_paths(args.history):
            rows = read_roster_csv(path)
            if rows and not any(row.date < start for row in rows):
                first = min(row.date for row in rows)
                raise InputError(
                    [
                        f"--history {path}: its roster starts {first:%a %Y-%m-%d}, not "
                        f"before the horizon ({start:%a %Y-%m-%d}): give the rosters of the "
                        "weeks before"
                    ]
                )
            rosters.append(rows)
        last_week = merged_rosters(rosters)
        shown = " ".join(str(p) for p in args.history)
        instance, sources = with_history(instance, last_week, shown)
        summary_extra["history"] = {"roster": sources.roster, "people": sources.people}
        counts = Counter(sources.people.values())
        print(
            f"History: from {shown} for {counts['roster']} people, "
            f"as given in the instance for {counts['instance']}",
            file=sys.stderr,
        )
    if args.pin is not None:
        from scheduler.replan import pin_rows

        until = _date_arg("--pin-until", args.pin_until) if args.pin_until else None
        from scheduler.edits import folder_pins, pinned

        instance = pin_rows(instance, read_roster_csv(args.pin), until, args.pin)
        instance = pinned(instance, folder_pins(args.pin), args.pin)
    options = _solve_options(args, instance)
    try:
        result = solve(instance, options)
    except ModelTooLargeError as exc:
        return _fail(
            [f"{args.instance}: the numbers are too large for the solver to add up ({exc})"]
        )
    evaluation = evaluate(instance, result.roster) if result.has_roster else None
    conflict = _conflicts(instance, result)
    if conflict:  # kept in the summary: the report and the service's page name them
        summary_extra["conflicts"] = conflict
    wrote = _write_folder(
        out_dir,
        result.has_roster,
        f"roster.csv: {len(result.roster)} rows",
        lambda: write_outputs(
            out_dir,
            instance,
            result,
            evaluation,
            exports=not args.no_exports,
            summary_extra=summary_extra,
        ),
    )
    print(format_summary(instance, result, evaluation))
    _print_conflicts(conflict)
    print(wrote)
    if not result.has_roster:
        return EXIT_NO_ROSTER
    return EXIT_OK if evaluation is None or evaluation.feasible else EXIT_VIOLATIONS


def cmd_check(args: argparse.Namespace) -> int:
    from scheduler.diagnosis.check import check, fix_scenarios, report_document, report_text
    from scheduler.diagnosis.verdict import EXIT_CODES
    from scheduler.outputs.folder import check_out_dir, write_outputs

    instance = read_instance(args.instance)
    out_dir: Path = args.out or Path("out") / f"{args.instance.stem}-check"
    check_out_dir(out_dir)
    options = _solve_options(args, instance)
    report = check(instance, options, fix_budget=args.fix_time_limit, on_stage=_stage_teller(args))
    document = report_document(report)
    wrote = _write_folder(
        out_dir,
        report.result.has_roster,
        "check.json, fixes.yaml",
        lambda: write_outputs(
            out_dir,
            instance,
            report.result,
            report.evaluation,
            extra={
                "check.json": json.dumps(document, indent=2, default=str) + "\n",
                "fixes.yaml": yaml.safe_dump(fix_scenarios(report), sort_keys=False, width=100),
            },
            exports=not args.no_exports,
        ),
    )
    print(report_text(instance, report))
    print(wrote)
    if report.fixes and wrote.startswith("Wrote"):
        print(
            f"Each fix is a scenario of {out_dir}/fixes.yaml: try them side by side with "
            f"`roster whatif {args.instance} {out_dir}/fixes.yaml`"
        )
    return EXIT_CODES[report.verdict]


def _history_paths(given: list[Path]) -> list[Path]:
    """The past rosters of `--history`, oldest first: as given, a folder of output
    folders taken in the order of their first day."""
    out: list[Path] = []
    for path in given:
        if path.is_dir() and not (path / "roster.csv").exists():
            inner = [p for p in path.iterdir() if (p / "roster.csv").is_file()]
            if not inner:
                raise InputError([f"--history {path}: no roster.csv in it nor in its folders"])

            def first_day(folder: Path) -> str:
                rows = read_roster_csv(folder)
                return min((r.date.isoformat() for r in rows), default="")

            out += sorted(inner, key=lambda p: (first_day(p), p.name))
        else:
            out.append(path)
    return out


def _write_folder(out_dir: Path, has_roster: bool, what: str, write: Callable[[], None]) -> str:
    """Write the output folder, and say so; without a roster, a folder that holds one
    from an earlier run is left as it was. An unwritable folder is bad input."""
    from scheduler.outputs.folder import holds_a_roster, recover

    recover(out_dir)
    if not has_roster and holds_a_roster(out_dir):
        return f"No roster: {out_dir}/ is left as it was (it holds the roster of an earlier run)"
    try:
        write()
    except OSError as exc:
        raise InputError([f"--out {out_dir}: cannot write the output folder: {exc}"]) from None
    return f"Wrote {out_dir}/ ({what})"


def _conflicts(instance: Instance, result: SolveResult) -> list[str]:
    """When the rules contradict, a minimal set of them (as `roster check` finds)."""
    if result.status is not SolveStatus.infeasible:
        return []
    from scheduler.diagnosis.conflicts import find_conflict

    found = find_conflict(instance)
    if found is None:  # the named rules can all hold: the search stopped short
        return [NO_CONFLICT_FOUND]
    return [item.text for item in found] or [OUTSIDE_THE_RULES]


NO_CONFLICT_FOUND = (
    "no contradiction among the rules was found on a second look: solve again with more time"
)
OUTSIDE_THE_RULES = "the contradiction lies outside the rules that can be named one by one"


def _print_conflicts(conflict: list[str]) -> None:
    if conflict in ([NO_CONFLICT_FOUND], [OUTSIDE_THE_RULES]):
        print(f"Why: {conflict[0]}.")
    elif conflict:
        print("These rules contradict each other (relax any one of them):")
        for text in conflict:
            print(f"  - {text}")


def _date_arg(flag: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError([f"{flag}: {text!r} is not a date (write YYYY-MM-DD)"]) from None


def cmd_replan(args: argparse.Namespace) -> int:
    from models.loader import read_document
    from models.patch import PatchError, patched
    from scheduler.checker import evaluate
    from scheduler.edits import out_entry, released_fixed
    from scheduler.outputs.folder import check_out_dir, format_summary, write_outputs
    from scheduler.replan import kept_past, replan

    instance = read_instance(args.instance)
    since = _date_arg("--from", args.from_date)
    if not instance.horizon.start <= since <= instance.dates[-1]:
        return _fail([f"--from: {since} is not a day of the horizon of {args.instance}"])
    previous = read_roster_csv(args.previous)
    away: dict[str, list[dict[str, Any]]] = {}
    for spec in args.unavailable or []:
        person, _, rest = spec.partition(":")
        first, _, last = rest.partition(":")
        start = _date_arg("--unavailable", first) if first else since
        end = _date_arg("--unavailable", last) if last else instance.dates[-1]
        if person not in instance.person_by_id:
            return _fail([f"--unavailable {spec!r}: no person {person!r} in {args.instance}"])
        # out from the published roster: each day credits the hours it gave them
        away.setdefault(f"people.{person}.unavailable", []).extend(
            out_entry(instance, previous, person, date, "out (re-plan)")
            for date in instance.dates
            if start <= date <= end
        )
        instance, released = released_fixed(instance, person, start, end, args.instance)
        for line in released:
            print(f"note: {line}: {person} is out", file=sys.stderr)
    try:
        if away:
            instance = patched(instance, {"append": away}, args.instance)
    except PatchError as exc:
        return _fail([f"--unavailable: {exc}"])
    if args.changes is not None:
        operations = read_document(args.changes)
        if not isinstance(operations, dict):
            return _fail([f"{args.changes}: expected a mapping of changes (docs/whatif.md)"])
        try:
            instance = patched(instance, operations, args.instance)
        except PatchError as exc:
            return _fail([f"{args.changes}: {exc}"])
    from scheduler.edits import folder_pins, pinned

    instance = pinned(instance, folder_pins(args.previous), args.previous)
    out_dir: Path = args.out or Path("out") / f"{args.instance.stem}-replan"
    check_out_dir(out_dir)
    options = _solve_options(args, instance)
    result, changes = replan(
        instance, previous, since, options, args.previous, on_stage=_stage_teller(args)
    )
    evaluation = evaluate(instance, result.roster) if result.has_roster else None
    # a contradiction is named in the week the re-plan solved: the past kept as it was
    infeasible = result.status is SolveStatus.infeasible
    conflict = (
        _conflicts(kept_past(instance, previous, since, args.previous), result)
        if infeasible
        else []
    )
    table = io.StringIO()
    writer = csv.DictWriter(table, ["person", "date", "shift", "before", "after"])
    writer.writeheader()
    writer.writerows(safe_row(c.as_row()) for c in changes)
    wrote = _write_folder(
        out_dir,
        result.has_roster,
        f"changes.csv: {len(changes)} rows" if result.has_roster else "no roster, no changes",
        lambda: write_outputs(
            out_dir,
            instance,
            result,
            evaluation,
            # no roster, no changes to list: an empty changes.csv would say none changed
            extra={"changes.csv": table.getvalue()} if result.has_roster else {},
            exports=not args.no_exports,
            summary_extra={
                "replan": {
                    "from": since.isoformat(),
                    "assignments_changed": len(changes) if result.has_roster else None,
                },
                **({"conflicts": conflict} if conflict else {}),
            },
        ),
    )
    print(format_summary(instance, result, evaluation))
    _print_conflicts(conflict)
    if not result.has_roster:
        print(f"Not re-planned from {since:%a %Y-%m-%d}: no roster keeps the rules (see above)")
        print(wrote)
        return EXIT_NO_ROSTER
    print(f"Re-planned from {since:%a %Y-%m-%d}: assignments changed: {len(changes)}")
    for change in changes[:20]:
        print(
            f"  {change.person} {change.date:%a %Y-%m-%d} {change.shift}: "
            f"{change.before} -> {change.after}"
        )
    if len(changes) > 20:
        print(f"  ... {len(changes) - 20} more in changes.csv")
    print(wrote)
    return EXIT_OK if evaluation is None or evaluation.feasible else EXIT_VIOLATIONS


def cmd_export(args: argparse.Namespace) -> int:
    import shutil

    from scheduler.outputs.exports import OutputData, write_exports
    from scheduler.outputs.folder import MARKER, staged_folder

    folder: Path = args.out_dir
    if not folder.is_dir():
        return _fail([f"{folder}: not a folder"])
    if not (folder / MARKER).exists():
        return _fail([f"{folder}: not an output folder of roster (no {MARKER} file in it)"])
    OutputData.load(folder)  # what is wrong with its files is said of this folder
    try:
        with staged_folder(folder) as staging:  # the folder anew, exports and all, or as it was
            for path in folder.iterdir():
                if path.is_file() and not path.name.startswith("."):
                    shutil.copy2(path, staging / path.name)
            written = write_exports(staging)
    except OSError as exc:
        return _fail([f"{folder}: cannot write the exports: {exc}"])
    print(f"Wrote {', '.join(written)} in {folder}/")
    return EXIT_OK


def _flag_from(words: list[str], flag: str, value: bool = True) -> str | bool | None:
    """Take `flag` (with its value) out of words given after the edits."""
    if flag not in words:
        return None
    i = words.index(flag)
    if not value:
        del words[i]
        return True
    if i + 1 >= len(words):
        raise InputError([f"{flag}: expected a value after it"])
    taken = words[i + 1]
    del words[i : i + 2]
    return taken


def cmd_try(args: argparse.Namespace) -> int:
    from models.edits import parse_edits
    from scheduler.edits import format_try, read_folder, try_edits, write_edited
    from scheduler.outputs.folder import check_out_dir

    words = list(args.edits)
    write = _flag_from(words, "--write")
    new_dir: Path | None = Path(str(write)) if write is not None else args.write
    as_json = bool(_flag_from(words, "--json", value=False)) or args.json
    no_exports = bool(_flag_from(words, "--no-exports", value=False)) or args.no_exports
    edits = parse_edits(words)
    folder = read_folder(args.out_dir)
    if new_dir is not None:
        if new_dir.resolve() == args.out_dir.resolve():
            raise InputError(
                [
                    f"--write {new_dir}: is the folder being edited; name a new folder (the "
                    "solve's roster stays as it was)"
                ]
            )
        check_out_dir(new_dir, "--write")
    result, rows, evaluation, touched = try_edits(
        folder.instance, folder.roster, edits, str(folder.path)
    )
    wrote = None
    if new_dir is not None:
        written: list[Any] = []
        wrote = _write_folder(
            new_dir,
            True,
            "the edited roster",
            lambda: written.append(
                write_edited(
                    new_dir, folder, edits, rows, evaluation, touched, exports=not no_exports
                )
            ),
        )
        if written:
            wrote += f"; {len(written[0].pins)} pins in edits.json"
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        print(format_try(result))
    if wrote is not None:
        print(wrote, file=sys.stderr if as_json else sys.stdout)
    return EXIT_OK if result.feasible else EXIT_VIOLATIONS


def cmd_cover(args: argparse.Namespace) -> int:
    from scheduler.cover import cover_person, cover_shift, format_cover
    from scheduler.edits import read_folder

    asked = [flag for flag in ("shift", "person", "batch") if getattr(args, flag) is not None]
    if len(asked) != 1:
        return _fail(
            [
                "give one of --shift DATE SHIFT QUEUE, --person PERSON --from DATE, "
                "--batch BATCH --items N"
            ]
        )
    folder = read_folder(args.out_dir)
    inst, roster = folder.instance, folder.roster
    if args.shift is not None:
        date, shift, queue = args.shift
        results = [cover_shift(inst, roster, _date_arg("--shift", date), shift, queue, args.top)]
    elif args.person is not None:
        if args.from_date is None:
            return _fail(["--person: give --from DATE (and --to DATE for more than a day)"])
        first = _date_arg("--from", args.from_date)
        last = _date_arg("--to", args.to_date) if args.to_date else None
        results = cover_person(inst, roster, args.person, first, last, args.top)
        if not results:
            if args.json:  # JSON still: no shift to cover, an empty list
                print("[]")
            else:
                span = f"from {first} to {last or first}"
                print(f"{args.person} works no shift {span}: nothing to cover")
            return EXIT_OK
    else:
        from scheduler.cover import cover_batch

        if args.items is None:
            return _fail(["--batch: give --items N, the gradings to place"])
        results = [cover_batch(inst, roster, args.batch, args.items, args.top)]
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
    else:
        print(format_cover(results, str(args.out_dir)))
    return EXIT_OK if all(r.candidates or not r.open for r in results) else EXIT_VIOLATIONS


def _store(args: argparse.Namespace, serving: bool = False) -> Any:
    """The service's store of `--db URL` or `--data DIR` (default ./roster-data/),
    checked whole (a damaged SQLite file is refused) and brought to the newest schema.
    `serving`: taken for this server first, or refused when another server has it."""
    from sqlalchemy.exc import SQLAlchemyError

    from scheduler.service.store import Store, StoreRefusedError

    where = f"--db {args.db}" if args.db else f"--data {args.data}"
    try:
        store = Store(args.db) if args.db else Store.in_folder(args.data)
        if serving:
            store.hold_for_server()
        store.check()
        store.migrate()
    except StoreRefusedError as exc:
        raise InputError([f"{where}: {exc}"]) from None
    except (SQLAlchemyError, OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([f"{where}: cannot open the store: {first}"]) from None
    return store


def cmd_token(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.action == "create":
        if not args.name.strip():
            return _fail(["--name: give the token a name (who or what uses it)"])
        token = store.create_token("api", name=args.name.strip(), scope=args.scope)
        print(token)
        print(
            f"API token {args.name.strip()!r} ({args.scope}): shown once, keep it; "
            f"`roster token revoke --name {args.name.strip()}` ends it",
            file=sys.stderr,
        )
        return EXIT_OK
    count = store.revoke("api", name=args.name.strip())
    if not count:
        return _fail([f"--name: no live API token named {args.name.strip()!r}"])
    print(f"Revoked {count} API token{'s' if count != 1 else ''} named {args.name.strip()!r}")
    return EXIT_OK


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on `host:port` (an unknown host, a port in use or
    not allowed), tried with a socket bound as uvicorn binds its own; None if it can."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        return f"--host {host}: not an address of this machine ({exc})"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"--host {host}: not an address of this machine ({reason})"
            return f"--port {port}: cannot listen on {host}:{port}: {reason}"
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from scheduler.service.api import MB, Settings, create_app
    from scheduler.service.jobs import JobRunner

    if args.address is not None and args.backend != "ray":
        return _fail([f"--address {args.address}: a cluster address needs --backend ray"])
    if args.backend == "ray":
        from scheduler.whatif import ray_module

        ray_module()  # before anything starts: say how to install it
    cannot = _cannot_listen(args.host, args.port)
    if cannot:  # before the store is made: nothing is left behind
        return _fail([cannot])
    store = _store(args, serving=True)
    tokens = args.tokens or args.host not in LOOPBACK
    if tokens and not store.live_tokens("api"):
        print(
            f"warning: --host {args.host} needs an API token on every request and none "
            "exists yet: make one with `roster token create --name NAME --scope edit`",
            file=sys.stderr,
        )
    settings = Settings(
        max_upload_bytes=int(args.max_upload_mb * MB),
        max_person_days=args.max_person_days,
        tokens_required=tokens,
        # no login: this machine's names only, so that no page of another site reaches
        # it by renaming itself (DNS rebinding)
        allowed_hosts=() if tokens else tuple(dict.fromkeys([*LOOPBACK, args.host])),
        public_url=args.public_url,
    )
    runner = JobRunner(store, slots=args.jobs or 1, backend=args.backend, address=args.address)
    app = create_app(store, runner, settings)
    where = args.db or f"{args.data}/roster.db"
    access = "API tokens required" if tokens else "no login (this machine only)"
    print(
        f"roster serve: http://{args.host}:{args.port}/ ({access}); store {where}; "
        f"{runner.slots} job{'s' if runner.slots != 1 else ''} at once ({args.backend})",
        file=sys.stderr,
    )

    class Server(uvicorn.Server):
        """uvicorn's server, whose stop (Ctrl-C, SIGTERM) first stops the jobs: uvicorn
        waits for the open responses before the app's own shutdown, and a job's event
        stream lasts as long as its job."""

        def handle_exit(self, sig: int, frame: Any) -> None:
            runner.begin_close()
            super().handle_exit(sig, frame)

    server = Server(uvicorn.Config(app, host=args.host, port=args.port, log_level="warning"))
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn raises the stop signal again once it has stopped
        pass
    finally:
        store.release()
    print("roster serve: stopped; queued jobs run at the next start", file=sys.stderr)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from scheduler.checker import evaluate, format_report

    instance = read_instance(args.instance)
    roster = read_roster_csv(args.roster)
    evaluation = evaluate(instance, roster)
    print(format_report(evaluation))
    return EXIT_OK if evaluation.feasible else EXIT_VIOLATIONS


def cmd_staffing(args: argparse.Namespace) -> int:
    from models.queueing import check_inputs, required_agents
    from scheduler.demand import staffing_lines

    inputs = {
        "contacts": args.contacts,
        "interval_seconds": args.interval_minutes * 60,
        "aht_seconds": args.aht_seconds,
        "service_level": args.service_level,
        "answer_seconds": args.answer_seconds,
        "shrinkage": args.shrinkage,
        "max_occupancy": args.max_occupancy,
        "patience_seconds": args.patience_seconds,
    }
    problems = check_inputs(**inputs)
    if problems:
        flags = {"interval_seconds": "interval-minutes"}
        return _fail(
            [
                "--"
                + flags.get(p.split(":")[0], p.split(":")[0]).replace("_", "-")
                + ":"
                + p.split(":", 1)[1]
                for p in problems
            ]
        )
    result = required_agents(**inputs)
    if args.json:
        print(json.dumps(result.as_dict()))
    else:
        lines = staffing_lines(result, args.contacts, args.interval_minutes, args.answer_seconds)
        print("\n".join(lines))
    return EXIT_OK


def cmd_demand(args: argparse.Namespace) -> int:
    from scheduler.demand import parse_sweeps, requirement_table, sweep_table

    instance = read_instance(args.instance)
    if args.sweep:
        grid = parse_sweeps(args.sweep)
        table = sweep_table(instance, grid, args.instance)
    else:
        table = requirement_table(instance)
    if args.csv:
        from scheduler.outputs.cells import safe_frame

        print(safe_frame(table).to_csv(index=False), end="")
    else:
        print(table.to_string(index=False, na_rep="-") if len(table) else "no demand rows")
    return EXIT_OK


def cmd_whatif(args: argparse.Namespace) -> int:
    from scheduler.whatif import whatif

    return whatif(
        args.instance,
        args.scenarios,
        jobs=args.jobs,
        backend=args.backend,
        address=args.address,
        time_limit=args.time_limit,
        seed=args.seed,
        deterministic_time=args.deterministic_time,
        out_dir=args.out,
        on_stage=_stage_teller(args),
    )


def cmd_generate(args: argparse.Namespace) -> int:
    from scheduler.generate import generate

    problems = []
    if args.people < 2:
        problems.append(f"--people: {args.people} must be 2 or more")
    if args.days < 1:
        problems.append(f"--days: {args.days} must be 1 or more")
    if args.batches is not None and args.batches < 0:
        problems.append(f"--batches: {args.batches} must be 0 or more")
    if args.days > MAX_DAYS:
        problems.append(f"--days: {args.days} is above the {MAX_DAYS} days a horizon may have")
    if args.people > MAX_PEOPLE:
        problems.append(
            f"--people: {args.people:,} is above the {MAX_PEOPLE:,} an instance may have"
        )
    if args.out is not None and args.out.is_dir():
        problems.append(f"--out {args.out}: is a folder; name the file to write")
    elif args.out is not None and not args.out.parent.is_dir():
        problems.append(f"--out {args.out}: the folder {args.out.parent} does not exist")
    if problems:
        return _fail(problems)
    data = generate(args.people, days=args.days, batches=args.batches, seed=args.seed)
    return _yaml_out(data, args.out, f"{args.people} people, {args.days} days")


def _yaml_out(data: Any, out: Path | None, said: str) -> int:
    """Data as YAML on stdout, or written to `out` with a line saying what it holds."""
    import yaml

    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if out is None:
        print(text, end="")
        return EXIT_OK
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail([f"--out {out}: cannot write: {exc.strerror or exc}"])
    print(f"Wrote {out}: {said}", file=sys.stderr)
    return EXIT_OK


def cmd_move(args: argparse.Namespace) -> int:
    """The instance with every date moved: next week's file from this week's."""
    from models.moved import moved

    instance = read_instance(args.instance)
    days = args.days if args.days is not None else instance.horizon.days
    if args.out is not None and (args.out.is_dir() or not args.out.parent.is_dir()):
        return _fail([f"--out {args.out}: name a file in a folder that exists"])
    if days % 7:
        print(
            f"note: {days} days is not a whole number of weeks: weekdays named in the "
            "instance (mon ... sun) stay those weekdays",
            file=sys.stderr,
        )
    later = moved(instance, days, keep_history=args.keep_history, path=args.instance)
    document = later.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return _yaml_out(document, args.out, f"{later.name} from {later.horizon.start:%a %Y-%m-%d}")


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(instance_json_schema(), indent=2))
    return EXIT_OK


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1 to 65535)")
    return value


def _public_url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http:// or https:// address (https://roster.example.org)"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give the scheme, host, port and path only (no user, query or fragment)"
        )
    return text.strip().rstrip("/")


def _solve_options(args: argparse.Namespace, instance: Instance | None = None) -> SolveOptions:
    """The options `_solver_flags` collected.

    A job of the service sets `args.hooks` (`scheduler.service.worker.Hooks`): its
    `watch` sees each better objective and bound, and, given the instance the rosters
    are of, its `roster` each better roster."""
    from scheduler.cpsat.solve import SolveOptions

    hooks = getattr(args, "hooks", None)
    on_roster = None
    if hooks is not None and instance is not None:

        def on_roster(seconds: float, rows: list[Any], source: str) -> None:
            hooks.roster(instance, seconds, rows, source)

    return SolveOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        log=None if args.quiet else sys.stderr,
        deterministic_time=args.deterministic_time,
        decomposition_bound=getattr(args, "decomposition_bound", False),
        watch=None if hooks is None else hooks.watch,
        on_roster=on_roster,
    )


def _stage_teller(args: argparse.Namespace) -> Callable[[str], None] | None:
    """What a long command is doing, for the user: a line on stderr (unless --quiet) and,
    in a job of the service, its stage (`Hooks.stage`)."""
    hooks = getattr(args, "hooks", None)
    if args.quiet and hooks is None:
        return None

    said = [""]

    def tell(text: str) -> None:
        step = text.split(" (", 1)[0]  # on the terminal, a line a step, not a solve
        if not args.quiet and step != said[0]:
            print(f"  {step}", file=sys.stderr, flush=True)
            said[0] = step
        if hooks is not None:
            hooks.stage(text)

    return tell


def _solver_flags(parser: argparse.ArgumentParser, time_help: str) -> None:
    """The search flags every solving command takes."""
    parser.add_argument("--time-limit", type=_positive_float, default=30.0, help=time_help)
    parser.add_argument(
        "--workers",
        type=_non_negative_int,
        default=0,
        help="search workers (0: chosen by the machine)",
    )
    parser.add_argument("--seed", type=_non_negative_int, default=0, help="random seed")
    parser.add_argument(
        "--deterministic-time",
        type=_positive_float,
        help="also a work limit in CP-SAT's deterministic units: with --workers 1, the same "
        "roster on any machine and under any load",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument(
        "--decomposition-bound",
        action="store_true",
        help="also bound the objective over whole per-person schedules, in a process beside "
        "the search; the better bound is kept and named (docs/search.md)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roster",
        description="Plan rosters of eval raters and support agents with OR-Tools CP-SAT.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check an instance file and report problems")
    validate.add_argument("instance", type=Path)
    validate.set_defaults(run=cmd_validate)

    solve = sub.add_parser("solve", help="plan a roster and write the output folder")
    solve.add_argument("instance", type=Path)
    solve.add_argument("--out", type=Path, help="output folder (default: out/<instance name>)")
    _solver_flags(solve, "seconds (default 30)")
    solve.add_argument(
        "--pin", type=Path, help="a roster (folder or roster.csv) whose shifts are kept as they are"
    )
    solve.add_argument("--pin-until", help="pin only the rows up to this date (YYYY-MM-DD)")
    solve.add_argument(
        "--history",
        type=Path,
        nargs="+",
        metavar="PAST",
        help="past output folders or roster.csv files, newest last (or a folder of them): "
        "each person's history is taken from them, last week's and the hard hours, nights "
        "and weekends of the weeks before (history given in the instance wins)",
    )
    solve.add_argument(
        "--no-exports",
        action="store_true",
        help="write only the CSV and JSON files (no roster.xlsx, calendars/, report.html)",
    )
    solve.set_defaults(run=cmd_solve)

    replan = sub.add_parser(
        "replan", help="re-plan a published roster from a date with the fewest changes"
    )
    replan.add_argument("instance", type=Path)
    replan.add_argument("previous", type=Path, help="the published output folder or roster.csv")
    replan.add_argument("--from", dest="from_date", required=True, help="first day to re-plan")
    replan.add_argument(
        "--unavailable",
        action="append",
        metavar="PERSON[:FROM[:TO]]",
        help="a person away from FROM (default --from) to TO (default the last day)",
    )
    replan.add_argument(
        "--changes", type=Path, help="a YAML mapping of what-if operations (docs/whatif.md)"
    )
    replan.add_argument("--out", type=Path, help="output folder (default out/<name>-replan)")
    _solver_flags(replan, "seconds per solve (default 30)")
    replan.add_argument("--no-exports", action="store_true")
    replan.set_defaults(run=cmd_replan)

    export = sub.add_parser(
        "export", help="rebuild roster.xlsx, calendars/ and report.html of an output folder"
    )
    export.add_argument("out_dir", type=Path, help="a folder written by roster solve or check")
    export.set_defaults(run=cmd_export)

    check = sub.add_parser(
        "check", help="can this week be staffed? a verdict with reasons and fixes"
    )
    check.add_argument("instance", type=Path)
    check.add_argument("--out", type=Path, help="output folder (default: out/<name>-check)")
    _solver_flags(check, "seconds for the week's solve (default 30)")
    check.add_argument(
        "--fix-time-limit",
        type=_positive_float,
        help="seconds the search for the contradiction and the fixes may take in all, "
        "after the solve (default 300)",
    )
    check.add_argument("--no-exports", action="store_true", help="only the CSV and JSON files")
    check.set_defaults(run=cmd_check)

    trying = sub.add_parser(
        "try",
        help="make edits to a written roster and see what they break and change",
        description="Edits, one after another: " + "; ".join(USAGE.values()) + ". Dates are "
        "YYYY-MM-DD. Exit 0 when every hard rule holds after them, 1 otherwise.",
    )
    trying.add_argument("out_dir", type=Path, help="an output folder of roster solve")
    trying.add_argument("edits", nargs=argparse.REMAINDER, metavar="EDIT", help="the edits")
    trying.add_argument(
        "--write",
        type=Path,
        metavar="NEW_DIR",
        help="write the edited roster as an output folder, its edits kept as pins",
    )
    trying.add_argument("--json", action="store_true", help="print the result as JSON")
    trying.add_argument("--no-exports", action="store_true", help="with --write: CSV and JSON only")
    trying.set_defaults(run=cmd_try)

    cover = sub.add_parser(
        "cover",
        help="who could cover a shift, someone who is out, or gradings to place",
        description="A ranked list of changes that keep every hard rule, each with its goal "
        "changes and the `roster try` line that makes it. Exit 0 when every gap asked about "
        "has a candidate, 1 otherwise.",
    )
    cover.add_argument("out_dir", type=Path, help="an output folder of roster solve")
    cover.add_argument("--shift", nargs=3, metavar=("DATE", "SHIFT", "QUEUE"))
    cover.add_argument("--person", help="someone who is out (with --from and --to)")
    cover.add_argument("--from", dest="from_date", metavar="DATE")
    cover.add_argument("--to", dest="to_date", metavar="DATE")
    cover.add_argument("--batch", help="a batch with gradings to place (with --items)")
    cover.add_argument("--items", type=_positive_int, help="gradings to place")
    cover.add_argument("--top", type=_positive_int, default=5, help="candidates (5)")
    cover.add_argument("--json", action="store_true", help="print the result as JSON")
    cover.set_defaults(run=cmd_cover)

    token = sub.add_parser(
        "token", help="create or revoke an API token of the service (docs/service.md)"
    )
    token.add_argument("action", choices=["create", "revoke"])
    token.add_argument("--name", required=True, help="who or what uses it")
    token.add_argument("--scope", choices=["read", "edit"], default="read", help="(read)")
    token.add_argument(
        "--data", type=Path, default=Path("roster-data"), help="the store's folder (./roster-data)"
    )
    token.add_argument("--db", help="a database URL instead (postgresql+psycopg://...)")
    token.set_defaults(run=cmd_token)

    serve = sub.add_parser(
        "serve",
        help="the service and its web page (docs/service.md)",
        description="The API (OpenAPI at /docs) and the page at /, jobs in worker processes. "
        "On 127.0.0.1 no login is needed; on any other address every request needs an API "
        "token (`roster token create`).",
    )
    serve.add_argument(
        "--data", type=Path, default=Path("roster-data"), help="the store's folder (./roster-data)"
    )
    serve.add_argument("--db", help="a database URL instead (postgresql+psycopg://...)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (8000)")
    serve.add_argument(
        "--jobs", type=_positive_int, default=1, help="jobs run at once, the rest queued (1)"
    )
    serve.add_argument("--backend", choices=["process", "ray"], default="process")
    serve.add_argument("--address", help="a Ray cluster to run jobs on (with --backend ray)")
    serve.add_argument("--tokens", action="store_true", help="require API tokens even on 127.0.0.1")
    serve.add_argument(
        "--max-upload-mb", type=_positive_float, default=20.0, help="largest upload (20 MB)"
    )
    serve.add_argument(
        "--max-person-days",
        type=_positive_int,
        default=30_000,
        help="largest instance: people times days (30,000)",
    )
    serve.add_argument(
        "--public-url",
        type=_public_url,
        help="the address people reach the server at, behind a proxy, for the feed links "
        "it hands out (https://roster.example.org); default: the address it listens on",
    )
    serve.set_defaults(run=cmd_serve)

    verify = sub.add_parser(
        "verify", help="check a written roster against every rule, without the solver"
    )
    verify.add_argument("instance", type=Path)
    verify.add_argument("roster", type=Path, help="an output folder or a roster.csv")
    verify.set_defaults(run=cmd_verify)

    staffing = sub.add_parser(
        "staffing", help="agents needed for one interval of contacts (Erlang C, or A)"
    )
    staffing.add_argument("--contacts", type=float, required=True, help="contacts expected")
    staffing.add_argument("--interval-minutes", type=float, default=30.0, help="default 30")
    staffing.add_argument("--aht-seconds", type=float, required=True, help="handling time")
    staffing.add_argument(
        "--service-level", type=float, default=0.8, help="share answered in time (0.8)"
    )
    staffing.add_argument(
        "--answer-seconds", type=float, default=20.0, help="answer time of the target (20)"
    )
    staffing.add_argument("--shrinkage", type=float, default=0.3, help="default 0.3")
    staffing.add_argument("--max-occupancy", type=float, default=1.0, help="default 1 (none)")
    staffing.add_argument(
        "--patience-seconds", type=float, default=None, help="mean patience: Erlang A"
    )
    staffing.add_argument("--json", action="store_true", help="one JSON object")
    staffing.set_defaults(run=cmd_staffing)

    demand = sub.add_parser(
        "demand", help="the agents an instance's demand rows and forecasts require"
    )
    demand.add_argument("instance", type=Path)
    demand.add_argument(
        "--sweep",
        action="append",
        metavar="NAME=V1,V2,...",
        help="re-derive with a forecast parameter at each value (repeat for a grid); "
        "NAME: service_level, answer_seconds, deflection, residue_aht_factor, hard_share, "
        "aht_seconds, shrinkage, max_occupancy, patience_seconds, contacts_scale",
    )
    demand.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    demand.set_defaults(run=cmd_demand)

    whatif = sub.add_parser(
        "whatif", help="solve named variants of an instance in parallel and compare them"
    )
    whatif.add_argument("instance", type=Path)
    whatif.add_argument("scenarios", type=Path, help="scenarios file (docs/whatif.md)")
    whatif.add_argument(
        "--jobs", type=_non_negative_int, default=0, help="scenarios at a time (0: one per core)"
    )
    whatif.add_argument("--backend", choices=["process", "ray"], default="process")
    whatif.add_argument("--address", help="a Ray cluster to run on (with --backend ray)")
    whatif.add_argument(
        "--time-limit", type=_positive_float, default=30.0, help="seconds a scenario (30)"
    )
    whatif.add_argument(
        "--deterministic-time",
        type=_positive_float,
        help="also a work limit a scenario, in CP-SAT's deterministic units: "
        "the same table whatever the machine's load",
    )
    whatif.add_argument("--seed", type=_non_negative_int, default=0, help="random seed")
    whatif.add_argument(
        "--out", type=Path, help="output folder (default: out/<instance name>-whatif)"
    )
    whatif.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    whatif.set_defaults(run=cmd_whatif)

    generate = sub.add_parser(
        "generate", help="write a seeded instance of any size with the demo week's mix"
    )
    generate.add_argument("--people", type=int, required=True, help="people (2 or more)")
    generate.add_argument("--days", type=int, default=7, help="days from 2026-11-30 (7)")
    generate.add_argument("--batches", type=int, help="batches (default ~12 per 66 people)")
    generate.add_argument("--seed", type=int, default=0, help="random seed (0)")
    generate.add_argument("--out", type=Path, help="YAML file to write (default: stdout)")
    generate.set_defaults(run=cmd_generate)

    move = sub.add_parser(
        "move",
        help="the same instance with every date moved (next week's file from this one)",
        description="Every date moves by the same days (default: the horizon's length); "
        "weekdays and clock times stay. History is left out, so that `roster solve "
        "--history` takes it from the week before (--keep-history keeps it). The result "
        "is one YAML file, CSV lists included.",
    )
    move.add_argument("instance", type=Path)
    move.add_argument("--days", type=int, help="days to move (default: the horizon's days)")
    move.add_argument("--keep-history", action="store_true", help="keep people's history")
    move.add_argument("--out", type=Path, help="YAML file to write (default: stdout)")
    move.set_defaults(run=cmd_move)

    schema = sub.add_parser("schema", help="print the JSON Schema of the instance format")
    schema.set_defaults(run=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    run: Callable[[argparse.Namespace], int] = args.run
    from scheduler.cpsat.signals import stop_signals_keep_the_roster

    try:
        # argv None: the command is the program (`roster`, `python -m scheduler.cli`)
        with stop_signals_keep_the_roster(whole_process=argv is None):
            return run(args)
    except InputError as exc:
        return _fail(exc.messages)
    except KeyboardInterrupt:
        print("\ninterrupted: nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
