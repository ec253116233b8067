import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from needlecare.ops.manifest import OpsError, summary
from needlecare.ops.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `needlecare backup` into an empty database and an empty "
        "NEEDLECARE_DATA_DIR; a damaged or mismatched archive is refused (exit status 2)."
    )

    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive `needlecare backup` wrote")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            manifest = backup_restore(path=Path(options["file"]))
        except OpsError as error:
            raise CommandError(str(error), returncode=error.exit_status) from None
        about = summary(manifest)
        files = (
            f"and {about['files']} stored file{'' if about['files'] == 1 else 's'}"
            if about["object_store"] is None
            else f"(its stored files are in the object store {about['object_store']})"
        )
        self.stdout.write(
            f"restored the {about['vendor']} database {files} from "
            f"{options['file']} (made {about['created_at']} by needlecare "
            f"{about['needlecare_version']}) in {time.monotonic() - started:.1f} s"
        )
