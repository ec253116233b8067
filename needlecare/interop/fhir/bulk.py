"""Bulk Data export: every resource a reader may see, one NDJSON file per type.

Used by `$export` (in a background thread, files through Django's storage API, so a shared
store serves them from any process) and by `needlecare fhir_export DIR` (files in a folder).
Rows are read in chunks with the joins each type needs, so memory stays flat however many.
"""

import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection
from django.utils import timezone

from needlecare.interop.models import FhirExport

from .computed import ROLE_MAPPERS, roles
from .kinds import KINDS, Context, Kind
from .mapping.common import JSON
from .readers import Reader
from .search import Search

CHUNK = 2_000
# What a bulk export can hold: the stored types and the therapists' roles and schedules (Slot
# is a computed view of free time, not data to copy).
EXPORTABLE = (*KINDS, *ROLE_MAPPERS)
PATIENT_TYPES = tuple(t for t, k in KINDS.items() if k.patient_bound)


def types_for(reader: Reader, wanted: list[str] | None, *, patients_only: bool) -> list[str]:
    allowed = [
        t
        for t in (PATIENT_TYPES if patients_only else EXPORTABLE)
        if t not in KINDS or reader.may_read(KINDS[t])
    ]
    return [t for t in allowed if wanted is None or t in wanted]


def resources(type: str, reader: Reader, ctx: Context) -> Iterator[JSON]:
    """Every resource of a type the reader may see, in id order."""
    if type in ROLE_MAPPERS:
        yield from (ROLE_MAPPERS[type](v) for v in roles(reader, Search()))
        return
    kind: Kind = KINDS[type]
    for source in kind.sources:
        rows = reader.scope(source, source.queryset())
        for row in rows.iterator(chunk_size=CHUNK):
            yield source.resource(row, ctx)


def write_ndjson(out: IO[bytes], items: Iterator[JSON]) -> int:
    count = 0
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    for resource in items:
        out.write(dumps(resource).encode())
        out.write(b"\n")
        count += 1
    return count


def export_to_folder(
    folder: Path, reader: Reader, ctx: Context, types: list[str]
) -> list[dict[str, Any]]:
    """DIR/<Type>.ndjson for each type with its count."""
    written = []
    for type in types:
        with (folder / f"{type}.ndjson").open("wb") as out:
            count = write_ndjson(out, resources(type, reader, ctx))
        written.append({"type": type, "count": count, "name": f"{type}.ndjson"})
    return written


def storage_name(export: FhirExport, type: str) -> str:
    return f"fhir-exports/{export.pk}/{type}.ndjson"


def reader_of_export(export: FhirExport) -> Reader:
    actor = export.token if export.token_id else export.requested_by
    return Reader(actor=actor, clinic_ids=frozenset(export.clinic_ids), clinical=export.clinical)


def export_run(export_id: Any, file_url: Callable[[str, int], str]) -> None:
    """Writes the export's files through the storage API and records the outcome."""
    export = FhirExport.objects.select_related("token", "requested_by").get(pk=export_id)
    FhirExport.objects.filter(pk=export.pk).update(state=FhirExport.State.RUNNING)
    reader = reader_of_export(export)
    ctx = Context(file_url=file_url, now=timezone.now())
    output = []
    try:
        for type in export.types:
            with tempfile.TemporaryFile() as spool:
                count = write_ndjson(spool, resources(type, reader, ctx))
                spool.seek(0)
                name = default_storage.save(storage_name(export, type), File(spool))
            output.append({"type": type, "count": count, "name": name})
    except Exception as exc:  # recorded for the client's status poll, then re-raised
        FhirExport.objects.filter(pk=export.pk).update(
            state=FhirExport.State.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    FhirExport.objects.filter(pk=export.pk).update(
        state=FhirExport.State.DONE, output=output, finished_at=timezone.now()
    )


def export_start(export: FhirExport, file_url: Callable[[str, int], str]) -> None:
    """Runs the export in a thread of this process, once the kick-off has committed."""

    def work() -> None:
        try:
            export_run(export.pk, file_url)
        finally:
            connection.close()  # the thread's own connection
            close_old_connections()

    threading.Thread(target=work, name=f"fhir-export-{export.pk}", daemon=True).start()
