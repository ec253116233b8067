"""Forms every page shares, and how a page hands a valid form to a service.

Forms check shape only (a number is a number, a choice is one offered); the rules belong to the
services. `attempt` runs a bound, valid form's write and puts a service's refusal on the form,
next to the field it names.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from needlecare.clinics.models import Clinic
from needlecare.common.errors import DomainError

T = TypeVar("T")
NOT_CLEARED = "The current safety screening does not clear that area for dry needling."
# Service errors name their own fields; these are the same things under the forms' names.
FIELD_ALIASES = {"planned_regions": "regions", "starts_at": "slot", "therapist": "slot"}


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    field = FIELD_ALIASES.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What became of a form: written (with the service's result), or the status to answer."""

    done: bool = False
    value: T | None = None
    status: int = 200
    error: DomainError | None = None


def attempt(form: forms.Form, write: Callable[[], T]) -> Outcome[T]:
    """Unbound: nothing to do (200). Invalid: 400. Valid: the write; a refusal goes on the
    form with the refusal's status."""
    if not form.is_bound:
        return Outcome()
    if not form.is_valid():
        return Outcome(status=400)
    try:
        value = write()
    except DomainError as exc:
        add_domain_error(form, exc)
        return Outcome(status=exc.status, error=exc)
    return Outcome(done=True, value=value)


class DateInput(forms.DateInput):
    input_type = "date"


class PatientDetailsForm(forms.Form):
    first_name = forms.CharField(max_length=80, label=_("First name"))
    last_name = forms.CharField(max_length=80, label=_("Last name"))
    date_of_birth = forms.DateField(widget=DateInput, label=_("Date of birth"))
    phone = forms.CharField(max_length=20, label=_("Phone"))
    street = forms.CharField(max_length=200, required=False, label=_("Street address"))
    city = forms.CharField(max_length=100, required=False, label=_("City"))
    state = forms.CharField(max_length=2, required=False, initial="MA", label=_("State"))
    postal_code = forms.CharField(max_length=10, required=False, label=_("ZIP code"))
    preferred_clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.order_by("name"), empty_label=None, label=_("Preferred clinic")
    )
    physician_name = forms.CharField(max_length=150, required=False, label=_("Referring physician"))
    physician_practice = forms.CharField(max_length=150, required=False, label=_("Their practice"))
    physician_phone = forms.CharField(max_length=20, required=False, label=_("Their phone"))
    physician_fax = forms.CharField(max_length=20, required=False, label=_("Their fax"))
    physician_email = forms.EmailField(required=False, label=_("Their email"))

    def clean_date_of_birth(self) -> dt.date:
        dob: dt.date = self.cleaned_data["date_of_birth"]
        if dob > dt.date.today():
            raise forms.ValidationError(_("A date of birth cannot be in the future."))
        return dob

    def clean_state(self) -> str:
        return str(self.cleaned_data.get("state") or "").upper()

    def details(self) -> dict[str, Any]:
        d = self.cleaned_data
        keys = (
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
            "street",
            "city",
            "state",
            "postal_code",
        )
        out = {k: d.get(k) for k in keys}
        out["email"] = d.get("email", "")
        return out

    def physician(self) -> dict[str, str] | None:
        d = self.cleaned_data
        if not d.get("physician_name"):
            return None
        return {
            k: d.get(f"physician_{k}") or "" for k in ("name", "practice", "phone", "fax", "email")
        }


class StaffPatientForm(PatientDetailsForm):
    email = forms.EmailField(required=False, label=_("Email"))


class RegistrationForm(PatientDetailsForm):
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label=_("Password"),
        # Lazy, so Django's own catalogues put the validators' rules in the page's language.
        help_text=lazy(password_validators_help_text_html, str)(),
    )
    password_again = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label=_("Password again"),
    )

    field_order = ["email", "password", "password_again"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords do not match."))
        return data


class MessagePreferencesForm(forms.Form):
    by_email = forms.BooleanField(required=False, label=_("Email me"))
    by_sms = forms.BooleanField(required=False, label=_("Text my phone"))
    reminders = forms.BooleanField(
        required=False, label=_("Remind me of each visit a couple of days before")
    )


class PatientEditForm(StaffPatientForm):
    """A patient's details as staff change them: registration's fields, but the clinic and the
    physician."""

    keep: tuple[str, ...] = (
        "first_name",
        "last_name",
        "date_of_birth",
        "email",
        "phone",
        "street",
        "city",
        "state",
        "postal_code",
        "preferred_language",
    )
    preferred_language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        label="Language for the patient's pages, messages and letters",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in self.keep]:
            del self.fields[name]
        self.order_fields(self.keep)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class ContactDetailsForm(PatientEditForm):
    """What a patient changes of their own record: how to reach them."""

    keep = ("phone", "email", "street", "city", "state", "postal_code")


class InvitationForm(forms.Form):
    """Nothing to fill in: the patient's email is on their record; a refusal lands here."""
