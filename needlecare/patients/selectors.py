"""Reads of patient records."""

from django.db.models import Q, QuerySet

from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic
from needlecare.patients.models import Patient


def patient_of(user: User) -> Patient | None:
    """The patient record linked to a signed-in account, if there is one."""
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(user=user).first()


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
