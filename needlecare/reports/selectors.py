"""What the letters are made from: a patient's signed sessions and adverse events."""

from needlecare.charting.models import AdverseEvent, TreatmentSession
from needlecare.patients.models import Patient


def sessions_signed(patient: Patient) -> list[TreatmentSession]:
    """The patient's signed dry needling sessions, oldest first, with their needling rows."""
    return list(
        TreatmentSession.objects.filter(patient=patient, state=TreatmentSession.State.SIGNED)
        .select_related("clinic", "therapist__user")
        .prefetch_related("needling")
        .order_by("opened_at", "id")
    )


def adverse_events_of(patient: Patient) -> list[AdverseEvent]:
    """Every adverse event recorded for the patient's sessions, oldest first."""
    # Open sessions too: a letter to a physician never leaves out an event.
    return list(
        AdverseEvent.objects.filter(session__patient=patient)
        .select_related("session")
        .order_by("session__opened_at", "recorded_at", "id")
    )
