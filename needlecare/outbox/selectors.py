"""Reads of the outbox: what was sent to a patient, and what could not be sent."""

from collections.abc import Iterable

from django.db.models import QuerySet

from needlecare.outbox.models import Message


def messages_to_patient(patient_id: int, *, limit: int = 50) -> list[Message]:
    """The latest messages to a patient (queued, sent or not), newest first."""
    return list(
        Message.objects.filter(patient_id=patient_id).order_by("-created_at", "-id")[:limit]
    )


def messages_failed(clinic_ids: Iterable[int]) -> QuerySet[Message]:
    """Messages about these clinics' patients and staff that could not be sent."""
    return Message.objects.filter(clinic_id__in=list(clinic_ids), state=Message.State.FAILED)
