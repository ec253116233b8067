"""`screen` as a management command, for call_command and django-admin; see screening.cli."""

import sys
from typing import Any

from django.core.management.base import BaseCommand

from needlecare.screening.cli import HELP, main


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def run_from_argv(self, argv: list[str]) -> None:
        # The contract's own argument handling: one line on stderr and status 2 for bad input.
        sys.exit(main(argv[2:]))

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        code = main([options["file"]], stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
        if code:
            sys.exit(code)
