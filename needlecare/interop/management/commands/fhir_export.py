"""`needlecare fhir_export DIR [--clinic SLUG] [--base-url URL]`: an offline copy of the
practice's records (or one clinic's) as FHIR R4 NDJSON, one file per resource type, with a
manifest.json of the counts, as the server's $export would write them.

DIR must be new or empty. Bad input exits with status 2 and one line on standard error.
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from needlecare.clinics.models import Clinic
from needlecare.interop.fhir.bulk import EXPORTABLE, export_to_folder
from needlecare.interop.fhir.kinds import Context
from needlecare.interop.fhir.readers import Reader


class Command(BaseCommand):
    help = "Write the practice's records (or one clinic's) as FHIR R4 NDJSON files into DIR."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--clinic", metavar="SLUG", help="only this clinic's records")
        parser.add_argument(
            "--base-url",
            default=f"{settings.NEEDLECARE_BASE_URL}/fhir/R4",
            help="the server's FHIR base for the PDF links in Consent and DocumentReference "
            "(default: NEEDLECARE_BASE_URL/fhir/R4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["directory"])
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise CommandError(f"{folder} is not an empty directory", returncode=2)
        clinics = Clinic.objects.order_by("pk")
        if options["clinic"]:
            clinics = clinics.filter(slug=options["clinic"])
            if not clinics:
                raise CommandError(f'no clinic "{options["clinic"]}"', returncode=2)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {folder}: {exc.strerror}", returncode=2) from None
        reader = Reader(actor=None, clinic_ids=frozenset(c.pk for c in clinics), clinical=True)
        base = options["base_url"].rstrip("/")
        ctx = Context(file_url=lambda kind, id: f"{base}/Binary/{kind}-{id}", now=timezone.now())
        started = timezone.now()
        written = export_to_folder(folder, reader, ctx, list(EXPORTABLE))
        manifest = {
            "transactionTime": started.isoformat(),
            "clinics": [c.slug for c in clinics],
            "output": written,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        total = sum(item["count"] for item in written)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"{total} resources in {len(written)} files in {seconds:.1f} s: {folder}")
