"""The `roster` command line: solve, validate, verify, schema."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from models import InputError, load_instance, read_roster_csv
from models.loader import instance_json_schema

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
    instance = load_instance(args.instance)
    print(
        f"{args.instance}: valid: {len(instance.people)} people, {len(instance.shifts)} shifts, "
        f"{len(instance.queues)} queues, {len(instance.batches)} batches, "
        f"{instance.horizon.days} days from {instance.horizon.start}"
    )
    return EXIT_OK


def cmd_solve(args: argparse.Namespace) -> int:
    from scheduler.checker import evaluate
    from scheduler.output import check_out_dir, format_summary, write_outputs
    from scheduler.solve import ModelTooLargeError, SolveOptions, solve

    instance = load_instance(args.instance)
    out_dir: Path = args.out or Path("out") / args.instance.stem
    check_out_dir(out_dir)
    options = SolveOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        log=None if args.quiet else sys.stderr,
    )
    try:
        result = solve(instance, options)
    except ModelTooLargeError as exc:
        return _fail(
            [f"{args.instance}: the numbers are too large for the solver to add up ({exc})"]
        )
    evaluation = evaluate(instance, result.roster) if result.has_roster else None
    try:
        write_outputs(out_dir, instance, result, evaluation)
    except OSError as exc:
        return _fail([f"--out {out_dir}: cannot write the output folder: {exc}"])
    print(format_summary(instance, result, evaluation))
    print(f"Wrote {out_dir}/ (roster.csv: {len(result.roster)} rows)")
    if not result.has_roster:
        return EXIT_NO_ROSTER
    return EXIT_OK if evaluation is None or evaluation.feasible else EXIT_VIOLATIONS


def cmd_check(args: argparse.Namespace) -> int:
    from scheduler.check import check, report_document, report_text
    from scheduler.output import check_out_dir, write_outputs
    from scheduler.solve import SolveOptions
    from scheduler.verdict import EXIT_CODES

    instance = load_instance(args.instance)
    out_dir: Path = args.out or Path("out") / f"{args.instance.stem}-check"
    check_out_dir(out_dir)
    options = SolveOptions(
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        log=None if args.quiet else sys.stderr,
    )
    report = check(instance, options)
    document = report_document(report)
    write_outputs(
        out_dir,
        instance,
        report.result,
        report.evaluation,
        extra={"check.json": json.dumps(document, indent=2, default=str) + "\n"},
    )
    print(report_text(instance, report))
    print(f"Wrote {out_dir}/check.json")
    return EXIT_CODES[report.verdict]


def cmd_verify(args: argparse.Namespace) -> int:
    from scheduler.checker import evaluate, format_report

    instance = load_instance(args.instance)
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

    instance = load_instance(args.instance)
    if args.sweep:
        grid = parse_sweeps(args.sweep)
        table = sweep_table(instance, grid, args.instance)
    else:
        table = requirement_table(instance)
    if args.csv:
        print(table.to_csv(index=False), end="")
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
    )


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
    solve.add_argument(
        "--time-limit", type=_positive_float, default=30.0, help="seconds (default 30)"
    )
    solve.add_argument(
        "--workers",
        type=_non_negative_int,
        default=0,
        help="search workers (0: by the machine)",
    )
    solve.add_argument("--seed", type=_non_negative_int, default=0, help="random seed")
    solve.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    solve.set_defaults(run=cmd_solve)

    check = sub.add_parser(
        "check", help="can this week be staffed? a verdict with reasons and fixes"
    )
    check.add_argument("instance", type=Path)
    check.add_argument("--out", type=Path, help="output folder (default: out/<name>-check)")
    check.add_argument(
        "--time-limit", type=_positive_float, default=30.0, help="seconds per solve (30)"
    )
    check.add_argument("--workers", type=_non_negative_int, default=0, help="search workers")
    check.add_argument("--seed", type=_non_negative_int, default=0, help="random seed")
    check.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    check.set_defaults(run=cmd_check)

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
    whatif.set_defaults(run=cmd_whatif)

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
    try:
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
