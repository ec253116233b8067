"""The charting API: consent status, treatment records and adverse events.

A patient sees their own consent, never another patient's; treatment records are for the
clinic's therapists and admins only (the front desk never sees treatment notes).
"""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from needlecare.accounts.access import CLINICAL, AuthedRequest, roles
from needlecare.accounts.models import Role
from needlecare.audit.services import audit_read
from needlecare.charting import selectors, services
from needlecare.charting.access import access_session
from needlecare.charting.models import Consent, TreatmentSession
from needlecare.common.schemas import Input, Message
from needlecare.patients.access import access_patient

router = Router(tags=["charting"])


class ConsentStatusOut(Schema):
    in_force: bool
    reason: str
    document_version: int | None
    signed_at: dt.datetime | None
    countersigned: bool
    covers_thorax: bool


class NeedlingOut(Schema):
    muscle: str
    side: str
    region: str
    needle_diameter_mm: Decimal
    needle_length_mm: int
    depth_mm: int
    technique: str
    insertions: int
    twitch_response: bool
    minutes_in_place: int
    referred_pain: bool


class SessionOut(Schema):
    id: int
    patient_id: int
    therapist: str
    clinic: str
    opened_at: dt.datetime
    state: str
    regions: list[str]
    position: str
    pain_before: int | None
    pain_after: int | None
    needles_in: int
    needles_out: int
    estim_used: bool
    advice: str
    plan: str
    billing_code: str | None
    needling: list[NeedlingOut]
    addenda: list[str]


class SessionIn(Input):
    position: str | None = None
    skin_preparation: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    impairment: str | None = None
    immediate_response: str | None = None
    needles_in: int | None = None
    needles_out: int | None = None
    haemostasis: bool | None = None
    advice: str | None = None
    plan: str | None = None
    estim_used: bool | None = None
    estim_pairs: int | None = None
    estim_frequency_hz: int | None = None
    estim_pulse_width_us: int | None = None
    estim_intensity_ma: Decimal | None = None
    estim_minutes: int | None = None


class NeedlingIn(Input):
    muscle: str
    side: str
    needle_diameter_mm: Decimal
    needle_length_mm: int
    depth_mm: int
    technique: str
    insertions: int
    minutes_in_place: int
    twitch_response: bool = False
    referred_pain: bool = False


class AdverseEventIn(Input):
    category: str
    severity: str
    onset: str
    reported_by: str
    duration: str = ""
    site: str = ""
    action_taken: str = ""
    outcome: str = ""
    follow_up_on: dt.date | None = None
    regulator_or_insurer_told: bool = False


class AdverseEventOut(Schema):
    id: int
    category: str
    severity: str
    onset: str
    recorded_at: dt.datetime


def _session_out(session: TreatmentSession) -> SessionOut:
    rows = list(session.needling.all())
    return SessionOut(
        id=session.pk,
        patient_id=session.patient_id,
        therapist=session.therapist.user.full_name,
        clinic=session.clinic.slug,
        opened_at=session.opened_at,
        state=session.state,
        regions=session.regions,
        position=session.position,
        pain_before=session.pain_before,
        pain_after=session.pain_after,
        needles_in=session.needles_in,
        needles_out=session.needles_out,
        estim_used=session.estim_used,
        advice=session.advice,
        plan=session.plan,
        billing_code=services.session_billing_code(session),
        needling=[
            NeedlingOut(**{f: getattr(r, f) for f in NeedlingOut.model_fields}) for r in rows
        ],
        addenda=[a.text for a in session.addenda.all()],
    )


@router.get(
    "/patients/{int:patient_id}/consent",
    response={200: ConsentStatusOut, 401: Message, 404: Message},
    summary="Whether the patient's consent is in force (the patient, or staff of their clinic)",
)
def consent_status(request: AuthedRequest, patient_id: int) -> ConsentStatusOut:
    patient = access_patient(request.user, patient_id)
    status = selectors.consent_status(patient, patient.preferred_clinic)
    latest = status.latest
    target = [latest] if latest else [Consent]
    audit_read(
        actor=request.user,
        request=request,
        what="consent (API)",
        targets=target,
        patient_id=patient.pk,
    )
    return ConsentStatusOut(
        in_force=status.in_force,
        reason=status.reason,
        document_version=latest.document.version if latest else None,
        signed_at=latest.signed_at if latest else None,
        countersigned=bool(latest and latest.countersigned_by_id),
        covers_thorax=bool(latest and latest.covers_thorax),
    )


@router.get(
    "/patients/{int:patient_id}/sessions",
    auth=roles(*CLINICAL),
    response={200: list[SessionOut], 401: Message, 404: Message},
    summary="A patient's treatment records (therapists and admins of their clinic)",
)
def patient_sessions(request: AuthedRequest, patient_id: int) -> list[SessionOut]:
    patient = access_patient(request.user, patient_id, roles=CLINICAL)
    audit_read(
        actor=request.user,
        request=request,
        what="treatment records (API)",
        targets=[TreatmentSession],
        patient_id=patient.pk,
    )
    return [_session_out(s) for s in selectors.sessions_of(patient)]


@router.get(
    "/sessions/{int:session_id}",
    auth=roles(*CLINICAL),
    response={200: SessionOut, 401: Message, 404: Message},
    summary="One treatment record (therapists and admins of its clinic)",
)
def session_detail(request: AuthedRequest, session_id: int) -> SessionOut:
    session = access_session(request.user, session_id)
    audit_read(
        actor=request.user, request=request, what="treatment record (API)", targets=[session]
    )
    return _session_out(session)


@router.post(
    "/sessions/{int:session_id}",
    auth=roles(Role.THERAPIST),
    response={200: SessionOut, 400: Message, 401: Message, 403: Message, 404: Message},
    summary="Record details of an open session (its therapist)",
)
def session_update(request: AuthedRequest, session_id: int, body: SessionIn) -> SessionOut:
    session = access_session(request.user, session_id)
    fields = body.model_dump(exclude_none=True)
    return _session_out(services.session_update(session=session, by=request.user, **fields))


@router.post(
    "/sessions/{int:session_id}/needling",
    auth=roles(Role.THERAPIST),
    response={
        201: SessionOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
    },
    summary="Add a needled muscle to an open session (its therapist; the region must be cleared)",
)
def needling_add(request: AuthedRequest, session_id: int, body: NeedlingIn) -> Status[SessionOut]:
    session = access_session(request.user, session_id)
    services.needling_add(session=session, by=request.user, **body.model_dump())
    return Status(201, _session_out(access_session(request.user, session_id)))


@router.post(
    "/sessions/{int:session_id}/sign",
    auth=roles(Role.THERAPIST),
    response={200: SessionOut, 400: Message, 401: Message, 403: Message, 404: Message},
    summary="Sign and lock a complete session (its therapist)",
)
def session_sign(request: AuthedRequest, session_id: int) -> SessionOut:
    session = access_session(request.user, session_id)
    return _session_out(services.session_sign(session=session, by=request.user))


@router.post(
    "/sessions/{int:session_id}/adverse-events",
    auth=roles(*CLINICAL),
    response={201: AdverseEventOut, 400: Message, 401: Message, 403: Message, 404: Message},
    summary="Record an adverse event after a session (clinical staff of its clinic)",
)
def adverse_event(
    request: AuthedRequest, session_id: int, body: AdverseEventIn
) -> Status[AdverseEventOut]:
    session = access_session(request.user, session_id)
    event = services.adverse_event_record(session=session, by=request.user, **body.model_dump())
    return Status(
        201,
        AdverseEventOut(
            id=event.pk,
            category=event.category,
            severity=event.severity,
            onset=event.onset,
            recorded_at=event.recorded_at,
        ),
    )
