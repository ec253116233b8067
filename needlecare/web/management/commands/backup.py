import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from needlecare.ops.backup import backup_create
from needlecare.ops.manifest import OpsError, summary


class Command(BaseCommand):
    help = (
        "Write one archive with the database (a consistent copy, taken while the server runs), "
        "every stored file (letters, clearances, consent PDFs) and a manifest with checksums."
    )

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. needlecare-2026-11-29.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            manifest = backup_create(path=Path(options["file"]))
        except OpsError as error:
            raise CommandError(str(error), returncode=error.exit_status) from None
        about = summary(manifest)
        files = (
            f"{about['files']} stored file{'' if about['files'] == 1 else 's'} "
            f"({about['file_bytes']} bytes)"
            if about["object_store"] is None
            else f"a manifest (the stored files stay in the object store {about['object_store']})"
        )
        self.stdout.write(
            f"backed up the {about['vendor']} database ({about['database_bytes']} bytes) and "
            f"{files} to {options['file']} in {time.monotonic() - started:.1f} s"
        )
