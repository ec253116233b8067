"""Who may reach a patient's record: the patient themself, or staff of the patient's clinic.

`access_patient_record` extends the same rule to any record that belongs to a patient
(a screening, a consent, a letter), so every app scopes its records the one way.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from needlecare.accounts.access import ANY_SIGNED_IN, access_record_of_patient, staff_clinic_ids
from needlecare.accounts.models import User
from needlecare.patients.models import Patient
from needlecare.patients.selectors import patient_of

M = TypeVar("M", bound=Model)


def _with_record() -> QuerySet[Patient]:
    """Patients with what their record pages show beside them."""
    return Patient.objects.select_related("preferred_clinic", "referring_physician")


def access_patient(user: User, patient_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN) -> Patient:
    """The patient themself, or staff of the patient's clinic (in one of roles), else not found."""
    if not user.is_authenticated or user.role not in set(roles):
        raise Http404("No such patient.")
    try:
        patient = _with_record().get(pk=patient_id)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise Http404("No such patient.") from None
    if user.is_patient:
        if patient.user_id != user.pk:
            raise Http404("No such patient.")
        return patient
    if not staff_clinic_ids(user) & set(patient.clinic_ids()):
        raise Http404("No such patient.")
    return patient


OWN = "_needlecare_own_patient"


def own_patient(user: User) -> Patient | None:
    """A signed-in patient's own record, with what its pages show: found once per user object
    (each request loads its own user), so the page's language and the page share one query.
    """
    if not (user.is_authenticated and user.is_patient):
        return None
    if OWN not in user.__dict__:
        user.__dict__[OWN] = _with_record().filter(user=user).first()
    found: Patient | None = user.__dict__[OWN]
    return found


def access_own_patient(user: User) -> Patient:
    """The signed-in patient's own record, else not found."""
    if user.is_authenticated and user.is_patient:  # theirs by its link: one query a request
        found = own_patient(user)
        if found is None:
            raise Http404("No patient record is linked to this account.")
        return found
    own = patient_of(user)
    if own is None:
        raise Http404("No patient record is linked to this account.")
    return access_patient(user, own.pk)


def access_patient_record(
    user: User,
    model: type[M],
    pk: int,
    *,
    roles: Iterable[str] = ANY_SIGNED_IN,
    related: Iterable[str] = (),
) -> M:
    """A record of a patient the user may see (access_patient's rules), else not found."""
    return access_record_of_patient(
        model,
        pk,
        owner=lambda patient_id: access_patient(user, patient_id, roles=roles),
        related=related,
    )
