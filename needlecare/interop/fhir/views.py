"""The FHIR R4 server's routes: metadata, read, search and the PDFs behind Consent and
DocumentReference (Binary). Read-only, JSON only (application/fhir+json).

Every route guards itself (the `fhir` namespace is self-guarded, like the API's): readers.py
says who reads what, and every answer with patient data is recorded by the read audit.
"""

import datetime as dt
import io
import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from needlecare.accounts.access import public
from needlecare.audit.services import audit_read
from needlecare.reports.pdf import consent_pdf

from . import computed, queries
from .kinds import COMPUTED, KINDS, Context, Kind
from .mapping.envelope import bundle
from .metadata import capability
from .readers import Reader, Unauthenticated, reader_of
from .responses import FhirError, base_url, fhir_response, not_found, outcome_response
from .search import SearchError, page_query, parse

View = Callable[..., HttpResponseBase]
ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
COMPUTED_PARAMS = {
    "PractitionerRole": {"clinic"},
    "Schedule": {"clinic"},
    "Slot": {"start", "schedule", "status", "clinic"},
}


def fhir_view(*methods: str) -> Callable[[View], View]:
    """A FHIR route answering `methods` (GET and HEAD unless named), every refusal as an
    OperationOutcome (400, 401, 403, 404, 405). Exempt from CSRF: no route changes anything a
    page could be tricked into asking for (the one DELETE needs the export's unguessable id,
    and a browser will not send it cross-site without CORS, which the server never allows)."""
    allowed = methods or ("GET", "HEAD")

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in allowed:
                message = f"This route answers {', '.join(allowed)} only."
                refusal = outcome_response(FhirError(405, "not-supported", message))
                refusal["Allow"] = ", ".join(allowed)
                return refusal
            try:
                return view(request, *args, **kwargs)
            except Unauthenticated as exc:
                return outcome_response(FhirError(401, "login", str(exc)))
            except SearchError as exc:
                return outcome_response(FhirError(400, "invalid", str(exc)))
            except FhirError as exc:
                return outcome_response(exc)

        return csrf_exempt(wrapped)

    return decorate


def _context(request: HttpRequest) -> Context:
    base = base_url(request)
    return Context(file_url=lambda kind, id: f"{base}/Binary/{kind}-{id}", now=timezone.now())


def _audit(request: HttpRequest, reader: Reader, what: str, rows: list[Any]) -> None:
    audit_read(actor=reader.actor, request=request, what=f"FHIR {what}"[:80], targets=rows)


@public  # the CapabilityStatement: open to all, before the second step too
@fhir_view()
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability(base_url(request)))


@fhir_view(*ALL_METHODS)
def unknown(request: HttpRequest) -> HttpResponse:
    raise FhirError(404, "not-found", "This FHIR server has no such route (see /metadata).")


@fhir_view()
def read(request: HttpRequest, type: str, id: str) -> HttpResponse:
    reader = reader_of(request)
    if type in COMPUTED:
        if type == "Slot":
            resource = computed.slot_read(id, reader)
        else:
            resource = computed.role_read(type, id, reader)
        _audit(request, reader, f"{type} read", [])
        return fhir_response(resource)
    kind = queries.kind_for(type, reader)
    resource, row = queries.read(kind, id, reader, _context(request))
    _audit(request, reader, f"{type} read", [row])
    return fhir_response(resource)


@fhir_view()
def search(request: HttpRequest, type: str) -> HttpResponse:
    reader = reader_of(request)
    query = {k: request.GET.getlist(k) for k in request.GET}
    if type in COMPUTED:
        found = parse(query, type=type, allowed=COMPUTED_PARAMS[type], zone=ZONE)
        if type == "Slot":
            result = computed.slot_resources(reader, found)
        else:
            result = computed.role_resources(type, reader, found)
        return _bundle(request, query, found.offset, found.count, result.resources, result.total)
    kind = queries.kind_for(type, reader)
    found = parse(query, type=type, allowed=queries.allowed_params(kind), zone=ZONE)
    page = queries.run(kind, found, reader, _context(request))
    if page.rows:
        _audit(request, reader, f"{type} search", page.rows)
    return _bundle(
        request, query, found.offset, found.count, page.resources, page.total, page.included
    )


def _bundle(
    request: HttpRequest,
    query: dict[str, list[str]],
    offset: int,
    count: int,
    resources: list[dict[str, Any]],
    total: int,
    included: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    here = request.build_absolute_uri(request.path)
    link = lambda at: f"{here}?{urlencode(page_query(query, at))}".rstrip("?")  # noqa: E731
    return fhir_response(
        bundle(
            resources,
            resource_url=base_url(request),
            self_url=link(offset),
            total=total,
            next_url=link(offset + count) if offset + count < total else None,
            previous_url=link(max(0, offset - count)) if offset else None,
            included=included or [],
            timestamp=timezone.now(),
        )
    )


@fhir_view()
def binary(request: HttpRequest, kind: str, id: str) -> HttpResponseBase:
    """The signed consent's PDF (made as the consent pages make it) or a letter's PDF."""
    reader = reader_of(request)
    type = {"consent": "Consent", "letter": "DocumentReference"}[kind]
    record_kind: Kind = KINDS[type]
    if not reader.may_read(record_kind):
        raise not_found("Binary")
    try:
        _, row = queries.read(record_kind, str(id), reader, _context(request))
    except FhirError:
        raise not_found("Binary") from None
    _audit(request, reader, f"{kind} PDF", [row])
    if kind == "consent":
        body: Any = io.BytesIO(consent_pdf(row))
    else:
        body = row.pdf.open("rb")
    day = dt.date.today().isoformat()
    response = FileResponse(body, content_type="application/pdf", filename=f"{kind}-{id}-{day}.pdf")
    response["Cache-Control"] = "no-store, private"
    return response
