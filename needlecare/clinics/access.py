"""Who may reach a clinic: its own staff, in the roles a page or route names."""

from collections.abc import Iterable

from django.http import Http404

from needlecare.accounts.access import STAFF, staff_clinic_ids
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic


def access_clinic(user: User, slug: str, *, roles: Iterable[str] = STAFF) -> Clinic:
    """A clinic the user works for in one of these roles, else not found."""
    if user.role not in set(roles):
        raise Http404("No such clinic.")
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None or clinic.pk not in staff_clinic_ids(user):
        raise Http404("No such clinic.")
    return clinic
