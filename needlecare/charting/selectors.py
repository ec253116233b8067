"""Reads for charting pages: the facts the adverse event report is computed from."""

from needlecare.charting.models import AdverseEvent, TreatmentSession
from needlecare.charting.report import EventFacts, Report, SessionFacts, adverse_event_report
from needlecare.clinics.models import Clinic


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
