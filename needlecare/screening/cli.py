"""`needlecare screen FILE`, without starting Django: the contract's command line.

The `needlecare` entry point hands `screen` straight to main() so the command starts in
milliseconds; the management command of the same name calls main() too.
"""

import argparse
import json
import sys
from typing import BinaryIO, NoReturn, TextIO

from needlecare.screening.policy import DEFAULT_POLICY, IntakeError, evaluate, parse_intake_json

PROG = "needlecare screen"
BAD_INPUT = 2
HELP = (
    "Screen one intake under the default policy. FILE is a JSON intake (a path, or - for"
    " standard input) with planned_regions, conditions and physician_clearances. Prints the"
    " decision as JSON; for bad input prints one line on standard error and exits 2."
)


class BadInput(Exception):
    """Anything wrong with the arguments or the intake; the message is the one line to print."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        if "required: FILE" in message:
            message = "missing FILE (a path to a JSON intake, or - for standard input)"
        raise BadInput(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=HELP)
    parser.add_argument("file", metavar="FILE", help="the intake as JSON: a path, or - for stdin")
    # Accepted for compatibility with every other needlecare command; screening prints the same.
    parser.add_argument("-v", "--verbosity", type=int, choices=[0, 1, 2, 3], default=1)
    return parser


def _read(source: str, stdin: BinaryIO) -> bytes:
    if source == "-":
        try:
            return stdin.read()
        except (AttributeError, OSError):
            raise BadInput("cannot read standard input") from None
    try:
        with open(source, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise BadInput(f"cannot read {source}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"cannot read {source}: it is a directory") from None
    except PermissionError:
        raise BadInput(f"cannot read {source}: permission denied") from None
    except OSError as exc:
        raise BadInput(f"cannot read {source}: {exc.strerror or exc}") from None


def screen(argv: list[str], stdin: BinaryIO) -> str:
    """The decision for the intake named by argv, as the contract's JSON text."""
    args = _parser().parse_args(argv)
    try:
        intake = parse_intake_json(_read(args.file, stdin))
    except IntakeError as exc:
        raise BadInput(str(exc)) from None
    return json.dumps(evaluate(intake, DEFAULT_POLICY).to_dict(), indent=2)


def main(
    argv: list[str],
    stdin: BinaryIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        output = screen(argv, stdin or sys.stdin.buffer)
    except BadInput as exc:
        stderr.write(f"{PROG}: {' '.join(str(exc).split())}\n")
        return BAD_INPUT
    stdout.write(output + "\n")
    return 0
