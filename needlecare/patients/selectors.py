"""Reads of patient records."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic
from needlecare.outbox.models import Channel
from needlecare.outbox.services import Recipient
from needlecare.patients.models import Patient


def patient_of(user: User) -> Patient | None:
    """The patient record linked to a signed-in account, if there is one."""
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(user=user).first()


def patient_recipients(
    patient: Patient, *, reminder: bool = False, safety: bool = False
) -> list[Recipient]:
    """Where a message to the patient goes, as they chose: email and/or text. A reminder goes
    only to a patient who wants reminders; a safety message always goes, by email (or text, with
    no email on record) when the patient chose neither."""
    if reminder and not patient.reminders_wanted:
        return []
    chosen = []
    if patient.messages_by_email and patient.email:
        chosen.append(Recipient(Channel.EMAIL, patient.email, patient_id=patient.pk))
    if patient.messages_by_sms and patient.phone:
        chosen.append(Recipient(Channel.SMS, patient.phone, patient_id=patient.pk))
    if chosen or not safety:
        return chosen
    if patient.email:
        return [Recipient(Channel.EMAIL, patient.email, patient_id=patient.pk)]
    return [Recipient(Channel.SMS, patient.phone, patient_id=patient.pk)] if patient.phone else []


def staff_recipients(users: Iterable[User]) -> list[Recipient]:
    """Staff hear from needlecare by email."""
    return [Recipient(Channel.EMAIL, u.email, user_id=u.pk) for u in users if u.email]


# The longest search term the pages take: SQLite refuses LIKE patterns over 50,000 bytes (a 500).
SEARCH_TERM_MAX = 80
SEARCH_TERM_TOO_LONG = (
    f"Search for at most {SEARCH_TERM_MAX} characters: part of a name or a phone number."
)


def patients_search(clinic: Clinic, query: str = "") -> QuerySet[Patient]:
    """The clinic's patients by name, matching part of a first or last name or a phone number."""
    found = Patient.objects.filter(preferred_clinic=clinic).order_by("last_name", "first_name")
    query = query.strip()
    if query:
        found = found.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(phone__icontains=query)
        )
    return found
