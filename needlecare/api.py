"""The one NinjaAPI. Every route needs a signed-in user unless it says auth=None."""

from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import ValidationError

from needlecare.accounts.access import ANY_SIGNED_IN, roles
from needlecare.charting.api import router as charting_router
from needlecare.clinics.api import router as clinics_router
from needlecare.common.errors import DomainError
from needlecare.idempotency.keys import idempotent
from needlecare.outcomes.api import router as outcomes_router
from needlecare.patients.api import router as patients_router
from needlecare.reports.api import router as reports_router
from needlecare.scheduling.api import router as scheduling_router
from needlecare.scheduling.api_series import router as series_router
from needlecare.screening.api import router as screening_router

api = NinjaAPI(
    title="needlecare API",
    version="1",
    description="Dry needling service: clinics, patients, screening, scheduling, charting.",
    auth=roles(*ANY_SIGNED_IN),
    urls_namespace="api",
)
# Every POST honours an Idempotency-Key header (needlecare/idempotency/keys.py).
api.add_decorator(idempotent, mode="view")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["field"] = exc.field
    if exc.details:
        body["details"] = exc.details
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(DjangoValidationError)
def invalid_record(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    # A model refused a value the schema let through: still the caller's input, still a 400.
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


# The body is read before any route by web.middleware_limits; should a route read it first,
# the caller still gets the same 413/400 rather than a 500.
@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "The request is too large."}, status=413)


@api.exception_handler(MultiPartParserError)
def unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    detail = f"The request body could not be read: {exc}"
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # One status for every kind of bad input (400), with the problems named in one sentence.
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        problems.append(
            f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))
        )
    detail = "Invalid input: " + "; ".join(problems) if problems else "Invalid input."
    return api.create_response(request, {"detail": detail}, status=400)


api.add_router("/clinics", clinics_router)
api.add_router("/patients", patients_router)
api.add_router("/screening", screening_router)
api.add_router("/scheduling", scheduling_router)
# Courses of care: booking a series of visits, cancelling the rest of one.
api.add_router("/scheduling", series_router)
api.add_router("/charting", charting_router)
# Outcome measures and letters keep the addresses they were published under.
api.add_router("/charting", outcomes_router)
api.add_router("/charting", reports_router)
