"""The `roster` command line: solve, validate, verify, schema."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from models import InputError, Instance, load_instance

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2


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


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Instance.model_json_schema(), indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roster",
        description="Plan rosters of eval raters and support agents with OR-Tools CP-SAT.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check an instance file and report problems")
    validate.add_argument("instance", type=Path)
    validate.set_defaults(run=cmd_validate)

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


if __name__ == "__main__":
    sys.exit(main())
