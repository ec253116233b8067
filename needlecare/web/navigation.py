"""The staff navigation's clinics, kept in the session so no page pays a query for them.

They are written when a member of staff signs in and refreshed by the Today page (where every
sign-in lands), so a change to someone's clinics shows at their next visit to Today.
"""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinics_of

NAVIGATION = "staff_navigation"


def remember_clinics(request: HttpRequest, clinics: Iterable[Clinic]) -> None:
    navigation = [[c.slug, c.name] for c in clinics]
    if request.session.get(NAVIGATION) != navigation:
        request.session[NAVIGATION] = navigation


def on_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """`user_logged_in` receiver (connected in apps.py)."""
    if request is None or getattr(request, "session", None) is None:
        return
    if user.is_clinic_staff:
        remember_clinics(request, clinics_of(user))
