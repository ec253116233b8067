"""What letters are made from, and the letters themselves."""

from django.db.models import QuerySet

from needlecare.charting.models import AdverseEvent, TreatmentSession
from needlecare.charting.selectors import sessions_signed
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter


def signed_sessions_in_full(patient: Patient) -> list[TreatmentSession]:
    """The patient's signed dry needling sessions, oldest first, with their needling rows."""
    return list(
        sessions_signed(patient)
        .select_related("clinic", "therapist__user")
        .prefetch_related("needling")
    )


def adverse_events_of(patient: Patient) -> list[AdverseEvent]:
    """Every adverse event recorded for the patient's sessions, oldest first."""
    # Open sessions too: a letter to a physician never leaves out an event; events the patient
    # reported count once a therapist has confirmed them.
    return list(
        AdverseEvent.objects.filter(session__patient=patient, review=AdverseEvent.Review.CONFIRMED)
        .select_related("session")
        .order_by("session__opened_at", "recorded_at", "id")
    )


def letters_of(patient: Patient) -> QuerySet[Letter]:
    """The patient's letters, newest first, with who wrote them."""
    return (
        Letter.objects.filter(patient=patient)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
