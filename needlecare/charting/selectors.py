"""Reads for charting: consent and whether it holds, sessions, notifications, and the facts of
the adverse event report."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.charting.models import (
    Addendum,
    AdverseEvent,
    CheckIn,
    Consent,
    ConsentDocument,
    Notification,
    TreatmentSession,
)
from needlecare.charting.report import EventFacts, Report, SessionFacts, adverse_event_report
from needlecare.clinics.models import Clinic
from needlecare.common.errors import Conflict
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment
from needlecare.screening.policy import THORAX

# --- Consent ------------------------------------------------------------------------------------


class NotConsented(Conflict):
    """The patient's consent does not hold for this treatment."""


def consent_document_current(clinic: Clinic) -> ConsentDocument | None:
    """The version patients sign now."""
    return ConsentDocument.objects.filter(clinic=clinic).order_by("-version").first()


def consent_in_force(
    *, patient: Patient, clinic: Clinic, regions: Iterable[str], at: dt.datetime | None = None
) -> Consent:
    """The signed, countersigned consent covering these regions now, or NotConsented saying why."""
    at = at or timezone.now()
    regions = list(regions)
    latest = (
        Consent.objects.filter(patient=patient, document__clinic=clinic)
        .select_related("document")
        .order_by("-signed_at", "-id")
        .first()
    )
    if latest is None:
        raise NotConsented(
            "consent.unsigned", f"{patient.full_name} has not signed the consent for dry needling."
        )
    current = consent_document_current(clinic)
    if current is not None and latest.document_id != current.pk:
        raise NotConsented(
            "consent.outdated",
            f"The consent document changed (now version {current.version}); "
            f"{patient.full_name} must read and sign it again.",
        )
    if latest.signed_at + dt.timedelta(days=latest.document.valid_days) < at:
        raise NotConsented(
            "consent.expired",
            f"{patient.full_name}'s consent has expired; it must be signed again.",
        )
    if THORAX & set(regions) and not latest.covers_thorax:
        raise NotConsented(
            "consent.thorax_not_covered",
            "A first session in the chest or upper back needs a renewed consent that covers "
            "the risk of pneumothorax.",
        )
    if latest.countersigned_by_id is None:
        raise NotConsented(
            "consent.not_countersigned", "The therapist has not countersigned the consent yet."
        )
    return latest


@dataclass(frozen=True)
class ConsentStatus:
    in_force: bool
    reason: str
    latest: Consent | None


def consent_status(patient: Patient, clinic: Clinic) -> ConsentStatus:
    """Whether the patient's consent at the clinic holds now (any region), and why not."""
    latest = consent_latest(patient, clinic)
    try:
        consent_in_force(patient=patient, clinic=clinic, regions=[])
    except NotConsented as exc:
        return ConsentStatus(in_force=False, reason=exc.message, latest=latest)
    return ConsentStatus(in_force=True, reason="", latest=latest)


def consents_of(patient: Patient) -> list[Consent]:
    """Every consent the patient has signed, newest first, with who signed and countersigned."""
    return list(
        patient.consents.select_related(
            "document__clinic", "witnessed_by", "recorded_by", "countersigned_by__user"
        )
    )


# --- Sessions -----------------------------------------------------------------------------------


def sessions_of(patient: Patient) -> QuerySet[TreatmentSession]:
    """The patient's treatment records, newest first, with everything a record shows."""
    return (
        TreatmentSession.objects.filter(patient=patient)
        .select_related("therapist__user", "clinic")
        .prefetch_related("needling", "addenda")
    )


def sessions_signed(patient: Patient) -> QuerySet[TreatmentSession]:
    """The patient's signed treatment sessions, oldest first."""
    return TreatmentSession.objects.filter(
        patient=patient, state=TreatmentSession.State.SIGNED
    ).order_by("opened_at", "id")


def addenda_of(session: TreatmentSession) -> QuerySet[Addendum]:
    """A signed record's addenda, oldest first, with who wrote them."""
    return session.addenda.select_related("written_by")


def adverse_events_of_session(session: TreatmentSession) -> QuerySet[AdverseEvent]:
    """The adverse events recorded after a session, with who recorded them."""
    return session.adverse_events.select_related("recorded_by")


def check_in_of(session: TreatmentSession) -> CheckIn | None:
    """The patient's next-day answers after this session, if they gave them."""
    return CheckIn.objects.filter(session=session).first()


def notifications_unread(user: User) -> QuerySet[Notification]:
    """The user's unread notifications, newest first."""
    return Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at")


# --- The adverse event report -------------------------------------------------------------------


def adverse_event_facts(clinic: Clinic) -> tuple[list[SessionFacts], list[EventFacts]]:
    """The clinic's signed sessions and their adverse events, in two queries."""
    signed = TreatmentSession.objects.filter(clinic=clinic, state=TreatmentSession.State.SIGNED)
    sessions = [
        SessionFacts(session_id=pk, therapist=therapist, clinic=clinic_name, regions=tuple(regions))
        for pk, therapist, clinic_name, regions in signed.order_by("pk").values_list(
            "pk", "therapist__user__full_name", "clinic__name", "regions"
        )
    ]
    events = [
        EventFacts(session_id=session_id, category=category, severity=severity)
        for session_id, category, severity in AdverseEvent.objects.filter(
            session__clinic=clinic,
            session__state=TreatmentSession.State.SIGNED,
            review=AdverseEvent.Review.CONFIRMED,
        )
        .order_by("pk")
        .values_list("session_id", "category", "severity")
    ]
    return sessions, events


def adverse_event_report_for(clinic: Clinic) -> Report:
    """Adverse events per 100 signed sessions at the clinic, by category, therapist and region."""
    sessions, events = adverse_event_facts(clinic)
    return adverse_event_report(sessions, events)


def adverse_events_recent(clinic: Clinic, *, limit: int = 25) -> list[AdverseEvent]:
    """The clinic's latest adverse events, newest first, with patient and therapist."""
    return list(
        AdverseEvent.objects.filter(session__clinic=clinic)
        .select_related("session__patient", "session__therapist__user")
        .order_by("-recorded_at")[:limit]
    )


def session_of_appointment(appointment: Appointment) -> int | None:
    """The id of the treatment session opened for the appointment, if there is one."""
    return (
        TreatmentSession.objects.filter(appointment=appointment)
        .values_list("pk", flat=True)
        .first()
    )


def visit_number(session: TreatmentSession) -> int:
    """Which of the patient's treatment sessions this is, counting from 1."""
    return TreatmentSession.objects.filter(
        patient=session.patient, opened_at__lte=session.opened_at
    ).count()


def signed_session_times(patient: Patient) -> list[dt.datetime]:
    """When each of the patient's signed treatment sessions was opened."""
    return list(sessions_signed(patient).values_list("opened_at", flat=True))


def consent_latest(patient: Patient, clinic: Clinic) -> Consent | None:
    """The patient's most recent consent at the clinic."""
    return (
        Consent.objects.filter(patient=patient, document__clinic=clinic)
        .select_related("document", "countersigned_by__user")
        .first()
    )


def consent_document_of(clinic: Clinic, document_id: int) -> ConsentDocument | None:
    """One of the clinic's consent documents by id (as named in a signing form), else None."""
    return ConsentDocument.objects.filter(pk=document_id, clinic=clinic).first()


def consent_documents(clinic: Clinic) -> QuerySet[ConsentDocument]:
    """Every version of the clinic's consent document, as the model orders them."""
    return ConsentDocument.objects.filter(clinic=clinic).select_related("published_by")
