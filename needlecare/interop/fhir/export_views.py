"""Bulk Data Access (FHIR $export): kick-off, status, files, cancel.

- Kick-off: `GET [base]/$export`, `[base]/Patient/$export`, `[base]/Group/{clinic}/$export`
  with `Prefer: respond-async`; optional `_type` (comma-separated) and `_outputFormat`
  (NDJSON). Answers 202 with `Content-Location`: the status URL.
- Status: 202 with `X-Progress` while it runs; 200 with the manifest (`transactionTime`,
  `request`, `requiresAccessToken`, `output` with each file's url and count) when done.
  `DELETE` removes the export and its files.
- Only who asked (the same token, the same person) sees the status and the files.
Tokens and staff export what they may read; a patient's own copy is "Download my records".
"""

from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from needlecare.audit.services import audit_read
from needlecare.interop.models import FhirExport, FhirToken

from .bulk import export_start, types_for
from .readers import Reader, reader_of
from .responses import FhirError, base_url, fhir_response, not_found
from .views import fhir_view

NDJSON = frozenset({"application/fhir+ndjson", "application/ndjson", "ndjson"})


def _owner(reader: Reader) -> dict[str, Any]:
    if isinstance(reader.actor, FhirToken):
        return {"token": reader.actor}
    return {"requested_by": reader.actor}


def _kick_off(request: HttpRequest, reader: Reader, *, clinic: int | None, patients: bool):
    if reader.is_patient:
        raise FhirError(403, "forbidden", "Patients download their records from their page.")
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise FhirError(400, "invalid", "Bulk export needs the header Prefer: respond-async.")
    unknown = set(request.GET) - {"_type", "_outputFormat"}
    if unknown:
        raise FhirError(400, "not-supported", f"$export has no parameter {sorted(unknown)[0]!r}.")
    out = request.GET.get("_outputFormat")
    if out is not None and out not in NDJSON:
        raise FhirError(400, "not-supported", "_outputFormat: NDJSON only.")
    wanted = None
    if "_type" in request.GET:
        wanted = [t for v in request.GET.getlist("_type") for t in v.split(",") if t]
    types = types_for(reader, wanted, patients_only=patients)
    if wanted is not None and sorted(set(wanted)) != sorted(types):
        missing = sorted(set(wanted) - set(types))
        raise FhirError(400, "not-supported", f"_type: cannot export {', '.join(missing)}.")
    clinic_ids = sorted(reader.clinic_ids)
    if clinic is not None:
        if clinic not in reader.clinic_ids:
            raise not_found("Group")
        clinic_ids = [clinic]
    base = base_url(request)
    with transaction.atomic():
        export = FhirExport.objects.create(
            **_owner(reader),
            request_url=request.build_absolute_uri(),
            clinic_ids=clinic_ids,
            clinical=reader.clinical,
            patients_only=patients,
            types=types,
        )
        transaction.on_commit(
            lambda: export_start(export, lambda kind, id: f"{base}/Binary/{kind}-{id}")
        )
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:export-status", args=[export.pk])
    )
    return response


@fhir_view()
def export_system(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, reader_of(request), clinic=None, patients=False)


@fhir_view()
def export_patients(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, reader_of(request), clinic=None, patients=True)


@fhir_view()
def export_group(request: HttpRequest, group: str) -> HttpResponse:
    return _kick_off(request, reader_of(request), clinic=int(group), patients=False)


def _own_export(request: HttpRequest, export_id: str) -> tuple[Reader, FhirExport]:
    reader = reader_of(request)
    export = FhirExport.objects.filter(pk=export_id, **_owner(reader)).first()
    if export is None:
        raise not_found("export")
    return reader, export


@fhir_view("GET", "HEAD", "DELETE")
def export_status(request: HttpRequest, export_id: str) -> HttpResponseBase:
    _, export = _own_export(request, export_id)
    if request.method == "DELETE":
        for item in export.output:
            default_storage.delete(item["name"])
        export.delete()
        return HttpResponse(status=202)
    if export.state in (FhirExport.State.QUEUED, FhirExport.State.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = export.state
        response["Retry-After"] = "1"
        return response
    if export.state == FhirExport.State.FAILED:
        raise FhirError(500, "exception", "The export failed; ask for it again.")
    base = base_url(request)
    return fhir_response(
        {
            "transactionTime": export.created_at.isoformat(),
            "request": export.request_url,
            "requiresAccessToken": True,
            "output": [
                {
                    "type": item["type"],
                    "url": f"{base}/$export-file/{export.pk}/{item['type']}.ndjson",
                    "count": item["count"],
                }
                for item in export.output
            ],
            "error": [],
        }
    )


@fhir_view()
def export_file(request: HttpRequest, export_id: str, type: str) -> HttpResponseBase:
    reader, export = _own_export(request, export_id)
    item = next((i for i in export.output if i["type"] == type), None)
    if item is None:
        raise not_found("file")
    audit_read(
        actor=reader.actor,
        request=request,
        what=f"FHIR bulk export {type}",
        targets=[export],
        patient_id=None,
    )
    response = FileResponse(
        default_storage.open(item["name"], "rb"), content_type="application/fhir+ndjson"
    )
    response["Cache-Control"] = "no-store, private"
    return response
