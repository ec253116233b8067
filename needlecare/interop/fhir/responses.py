"""FHIR answers: resources as application/fhir+json, refusals as OperationOutcome, never cached."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .mapping.envelope import operation_outcome

CONTENT_TYPE = "application/fhir+json; charset=utf-8"


class FhirError(Exception):
    """A refusal: its status, FHIR issue code and a sentence for the client."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(what: str) -> FhirError:
    # Missing and forbidden answer alike: nothing says whether the record exists.
    return FhirError(404, "not-found", f"No {what} with that id is available to you.")


def fhir_response(body: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":")),
        content_type=CONTENT_TYPE,
        status=status,
    )
    response["Cache-Control"] = "no-store, private"
    return response


def outcome_response(error: FhirError) -> HttpResponse:
    response = fhir_response(operation_outcome("error", error.code, error.message), error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="needlecare FHIR"'
    return response


def base_url(request: HttpRequest) -> str:
    """The server's base, e.g. https://clinic.example/fhir/R4 (fullUrls and links)."""
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("/metadata")
