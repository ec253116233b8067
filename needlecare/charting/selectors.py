"""Reads for charting pages: sessions, consents, and the facts of the adverse event report."""

import datetime as dt

from django.db.models import QuerySet

from needlecare.charting.models import AdverseEvent, Consent, ConsentDocument, TreatmentSession
from needlecare.charting.report import EventFacts, Report, SessionFacts, adverse_event_report
from needlecare.clinics.models import Clinic
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment


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
            session__clinic=clinic, session__state=TreatmentSession.State.SIGNED
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
    return list(
        TreatmentSession.objects.filter(
            patient=patient, state=TreatmentSession.State.SIGNED
        ).values_list("opened_at", flat=True)
    )


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
