"""The screening API: evaluate a contract body (public), store and read a patient's screenings."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import Router, Schema, Status

from needlecare.accounts.access import AuthedRequest
from needlecare.audit.services import audit_read
from needlecare.common.errors import DomainError
from needlecare.common.limits import Limit, client_address, limit_hit, too_many_json
from needlecare.common.schemas import Message
from needlecare.patients.access import access_patient
from needlecare.screening import selectors, services
from needlecare.screening.models import Screening
from needlecare.screening.policy import (
    CONDITION_CODES,
    REGIONS,
    IntakeError,
    evaluate,
    parse_intake_json,
)
from needlecare.screening.wording import policy_text

router = Router(tags=["screening"])


# Every caller counted by address, signed in or not, in the cache every server process shares.
EVALUATIONS_PER_ADDRESS = Limit("screening-evaluate", 60, 60)


_REGION = {"type": "string", "enum": list(REGIONS)}
_CONDITION = {"type": "string", "enum": list(CONDITION_CODES)}
INTAKE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["planned_regions"],
    "properties": {
        "planned_regions": {"type": "array", "items": _REGION, "minItems": 1},
        "conditions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code"],
                "properties": {"code": _CONDITION, "regions": {"type": "array", "items": _REGION}},
            },
        },
        "physician_clearances": {"type": "array", "items": _CONDITION},
    },
}
_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": INTAKE_SCHEMA}}}
}


class ReasonOut(Schema):
    code: str
    effect: str
    regions: list[str]
    message: str


class DecisionOut(Schema):
    decision: str
    regions: dict[str, str]
    reasons: list[ReasonOut]
    policy_version: str


class ScreeningOut(Schema):
    id: int
    patient_id: int
    clinic: str
    entered_at: dt.datetime
    entered_by: str
    current: bool
    intake: dict[str, Any]
    indications: list[str]
    result: DecisionOut


def _intake(request: HttpRequest) -> Any:
    try:
        return parse_intake_json(request.body)
    except IntakeError as exc:
        raise DomainError("screening.bad_intake", str(exc)) from None


def _out(screening: Screening) -> ScreeningOut:
    return ScreeningOut(
        id=screening.pk,
        patient_id=screening.patient_id,
        clinic=screening.clinic.slug,
        entered_at=screening.entered_at,
        entered_by=screening.entered_by.full_name,
        current=selectors.screening_is_current(screening),
        intake=screening.intake,
        indications=screening.indications,
        result=DecisionOut(**screening.result),
    )


@router.post(
    "/evaluate",
    auth=None,
    response={200: DecisionOut, 400: Message, 429: Message},
    openapi_extra=_BODY,
    summary="Evaluate an intake under the default policy; nothing is stored (public)",
    description=(
        "The reasons' messages follow Accept-Language (English, `es`, `pt-BR`); the decision,"
        " region, condition and effect codes are the same in every language."
    ),
)
def evaluate_intake(request: HttpRequest, response: HttpResponse) -> dict[str, Any] | HttpResponse:
    wait = limit_hit(EVALUATIONS_PER_ADDRESS, client_address(request))
    if wait is not None:
        return too_many_json(wait)
    out = evaluate(_intake(request)).to_dict()
    # /api/ pages speak English (web/language.py); this answer's words follow the caller's
    # Accept-Language instead. Only messages change: every code stays as the engine gave it.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        for reason in out["reasons"]:
            reason["message"] = policy_text(reason["message"])
    response.headers["Content-Language"] = language
    return out


@router.post(
    "/patients/{int:patient_id}",
    response={201: ScreeningOut, 400: Message, 401: Message, 403: Message, 404: Message},
    openapi_extra=_BODY,
    summary="Store a screening for a patient (the patient, or staff of their clinic)",
)
def store_screening(request: AuthedRequest, patient_id: int) -> Status[ScreeningOut]:
    patient = access_patient(request.user, patient_id)
    screening = services.screening_record(patient=patient, intake=_intake(request), by=request.user)
    return Status(201, _out(screening))


@router.get(
    "/patients/{int:patient_id}",
    response={200: list[ScreeningOut], 401: Message, 404: Message},
    summary="A patient's screenings, newest first (the patient, or staff of their clinic)",
)
def list_screenings(request: AuthedRequest, patient_id: int) -> list[ScreeningOut]:
    patient = access_patient(request.user, patient_id)
    audit_read(
        actor=request.user,
        request=request,
        what="screenings (API)",
        targets=[Screening],
        patient_id=patient.pk,
    )
    return [_out(s) for s in selectors.screenings_of(patient)]
