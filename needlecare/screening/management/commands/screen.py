"""`needlecare screen FILE`: screen one intake (JSON) under the default policy.

Per the screening contract: the decision as JSON on stdout and exit 0; for any bad input (or
bad arguments) one line on stderr, nothing on stdout, exit 2.
"""

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    handle_default_options,
)

from needlecare.screening.policy import DEFAULT_POLICY, IntakeError, evaluate, parse_intake_json

PROG = "needlecare screen"
BAD_INPUT = 2


def _fail(problem: str) -> NoReturn:
    # One line, whatever the problem held.
    line = " ".join(problem.split())
    sys.stderr.write(f"{PROG}: {line}\n")
    sys.stderr.flush()
    raise SystemExit(BAD_INPUT)


def _read(source: str) -> bytes:
    if source == "-":
        try:
            return sys.stdin.buffer.read()
        except (AttributeError, OSError):  # stdin closed (None) or unreadable
            raise CommandError("cannot read standard input", returncode=BAD_INPUT) from None
    try:
        with open(source, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CommandError(f"cannot read {source}: no such file", returncode=BAD_INPUT) from None
    except IsADirectoryError:
        raise CommandError(
            f"cannot read {source}: it is a directory", returncode=BAD_INPUT
        ) from None
    except PermissionError:
        raise CommandError(
            f"cannot read {source}: permission denied", returncode=BAD_INPUT
        ) from None
    except OSError as exc:
        raise CommandError(
            f"cannot read {source}: {exc.strerror or exc}", returncode=BAD_INPUT
        ) from None


class _OneLineParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            _fail(message)
        raise CommandError(f"Error: {message}", returncode=BAD_INPUT)


class Command(BaseCommand):
    help = (
        "Screen one intake under the default policy. FILE is a JSON intake (a path, or - for"
        " standard input): planned_regions, conditions, physician_clearances. Prints the"
        " decision as JSON; exits 2 with one line on stderr if the input is bad."
    )
    missing_args_message = "missing FILE (a path to a JSON intake, or - for standard input)"
    # Pure computation: no database, no system checks, so it starts fast and runs anywhere.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Same parser, one-line errors (argparse would print the usage block first).
        parser.__class__ = _OneLineParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", metavar="FILE", help="the intake as JSON: a path, or - for standard input"
        )

    def run_from_argv(self, argv: list[str]) -> None:
        # Django's own version prints "CommandError: ..." and honours --traceback; screening
        # input errors are the user's, so they always get the contract's one line and exit 2.
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        namespace = parser.parse_args(argv[2:])
        handle_default_options(namespace)
        options = vars(namespace)
        args = options.pop("args", ())
        try:
            self.execute(*args, **options)
        except CommandError as exc:
            _fail(str(exc))

    def handle(self, *args: Any, **options: Any) -> None:
        raw = _read(options["file"])
        try:
            intake = parse_intake_json(raw)
        except IntakeError as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from None
        decision = evaluate(intake, DEFAULT_POLICY)
        self.stdout.write(json.dumps(decision.to_dict(), indent=2))
