"""Forms for a clinic admin's staff pages: inviting staff, therapists' working hours and time
off, and narrowing the audit trail. They check shape (a date is a date, a period starts before
it ends); who may be invited where, and what overlaps, the services decide."""

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.clinics.models import Clinic, Credential, Weekday
from needlecare.clinics.services import CredentialDetails
from needlecare.patients.models import Patient
from needlecare.web.forms import DateInput

# The credentials an invitation can record, by the prefix of their fields.
INVITED_CREDENTIALS = {
    "licence": (Credential.Kind.PT_LICENSE, "PT licence"),
    "needling": (Credential.Kind.DRY_NEEDLING, "Dry needling certification"),
}
CREDENTIAL_PARTS = ("issuer", "number", "valid_from", "expires_on")
STAFF_ROLE_CHOICES = [
    (r.value, r.label) for r in (Role.FRONT_DESK, Role.THERAPIST, Role.CLINIC_ADMIN)
]
MOST_PATIENTS = 10  # a patient filter matching more than this asks for more detail
MOST_PERIODS = 28


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class InviteForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(
        label="Email", help_text="The invitation goes here; it is their sign-in."
    )
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, widget=forms.RadioSelect, label="Role")
    clinics = forms.ModelMultipleChoiceField(
        queryset=Clinic.objects.none(), widget=forms.CheckboxSelectMultiple, label="Clinics"
    )
    title = forms.CharField(
        max_length=60, required=False, label="Title", help_text="Post-nominals, e.g. PT, DPT"
    )

    def __init__(self, *args: Any, clinics: QuerySet[Clinic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clinics"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = clinics
        for prefix, (_, name) in INVITED_CREDENTIALS.items():
            self.fields[f"{prefix}_issuer"] = forms.CharField(
                max_length=120, required=False, label=f"{name}: issuer"
            )
            self.fields[f"{prefix}_number"] = forms.CharField(
                max_length=60, required=False, label=f"{name}: number"
            )
            self.fields[f"{prefix}_valid_from"] = forms.DateField(
                required=False, widget=DateInput, label=f"{name}: valid from"
            )
            self.fields[f"{prefix}_expires_on"] = forms.DateField(
                required=False, widget=DateInput, label=f"{name}: expires on"
            )

    def licence_fields(self) -> list[forms.BoundField]:
        return [self[f"licence_{part}"] for part in CREDENTIAL_PARTS]

    def needling_fields(self) -> list[forms.BoundField]:
        return [self[f"needling_{part}"] for part in CREDENTIAL_PARTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix, (_, name) in INVITED_CREDENTIALS.items():
            values = {part: data.get(f"{prefix}_{part}") for part in CREDENTIAL_PARTS}
            if not any(values.values()):
                continue
            for part, value in values.items():
                if not value and f"{prefix}_{part}" not in self.errors:
                    self.add_error(f"{prefix}_{part}", f"Give every detail of the {name.lower()}.")
            starts, ends = values["valid_from"], values["expires_on"]
            if starts and ends and starts > ends:
                self.add_error(f"{prefix}_expires_on", "It cannot expire before it is valid.")
        return data

    def credentials(self) -> list[CredentialDetails]:
        d = self.cleaned_data
        return [
            CredentialDetails(kind, *(d[f"{prefix}_{part}"] for part in CREDENTIAL_PARTS))
            for prefix, (kind, _) in INVITED_CREDENTIALS.items()
            if d.get(f"{prefix}_number")
        ]

    def invitation(self) -> dict[str, Any]:
        """The form as the invitation service takes it."""
        d = self.cleaned_data
        return {
            "email": d["email"],
            "full_name": d["full_name"],
            "role": d["role"],
            "clinics": list(d["clinics"]),
            "title": d.get("title", ""),
            "credentials": self.credentials(),
        }


Period = tuple[int, dt.time, dt.time]


class WorkingHoursForm(forms.Form):
    """A therapist's weekly periods at one clinic: a row each, and a few blank rows to add."""

    rows = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MOST_PERIODS, required=False
    )

    def __init__(
        self, data: Any = None, *, current: Iterable[Period] = (), blank_rows: int = 3
    ) -> None:
        periods = sorted(current)
        count = min(len(periods) + blank_rows, MOST_PERIODS)
        if data is not None and str(data.get("rows", "")).isdigit():
            count = min(int(data["rows"]), MOST_PERIODS)
        initial: dict[str, Any] = {"rows": count}
        for i, (day, starts, ends) in enumerate(periods):
            initial |= {f"weekday_{i}": day, f"starts_{i}": starts, f"ends_{i}": ends}
        super().__init__(data, initial=initial)
        self.count = count
        for i in range(count):
            self.fields[f"weekday_{i}"] = forms.TypedChoiceField(
                choices=[("", "—"), *Weekday.choices],
                coerce=int,
                empty_value=None,
                required=False,
                label=f"Period {i + 1}: day",
            )
            self.fields[f"starts_{i}"] = forms.TimeField(
                required=False, widget=TimeInput(), label=f"Period {i + 1}: starts"
            )
            self.fields[f"ends_{i}"] = forms.TimeField(
                required=False, widget=TimeInput(), label=f"Period {i + 1}: ends"
            )

    def table(self) -> list[tuple[forms.BoundField, ...]]:
        return [
            (self[f"weekday_{i}"], self[f"starts_{i}"], self[f"ends_{i}"])
            for i in range(self.count)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.count):
            day, starts, ends = (data.get(f"{n}_{i}") for n in ("weekday", "starts", "ends"))
            if day is None and starts is None and ends is None:
                continue  # a blank row
            for name, value in (("weekday", day), ("starts", starts), ("ends", ends)):
                if value is None and f"{name}_{i}" not in self.errors:
                    self.add_error(f"{name}_{i}", "Give the day, the start and the end.")
            if starts is not None and ends is not None and starts >= ends:
                self.add_error(f"ends_{i}", "A period ends after it starts.")
        return data

    def periods(self) -> list[Period]:
        d = self.cleaned_data
        return [
            (d[f"weekday_{i}"], d[f"starts_{i}"], d[f"ends_{i}"])
            for i in range(self.count)
            if d.get(f"weekday_{i}") is not None
        ]


class TimeOffForm(forms.Form):
    starts_at = forms.DateTimeField(widget=DateTimeInput(), label="From")
    ends_at = forms.DateTimeField(widget=DateTimeInput(), label="Until")
    reason = forms.CharField(max_length=200, required=False, label="Reason (optional)")

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def _in_clinic_time(self, value: dt.datetime) -> dt.datetime:
        # The browser sends a wall-clock time; it is the clinic's, not the server's.
        return timezone.make_naive(value).replace(tzinfo=self.zone)

    def clean_starts_at(self) -> dt.datetime:
        return self._in_clinic_time(self.cleaned_data["starts_at"])

    def clean_ends_at(self) -> dt.datetime:
        return self._in_clinic_time(self.cleaned_data["ends_at"])

    def details(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("starts_at", "ends_at", "reason")}


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class AuditFilterForm(forms.Form):
    person = PersonField(
        queryset=User.objects.none(), required=False, empty_label="Anyone", label="Who"
    )
    patient = forms.CharField(
        max_length=80,
        required=False,
        label="About the patient",
        help_text="A record number, or part of a name or phone number.",
    )
    action = forms.ChoiceField(choices=[], required=False, label="What")
    since = forms.DateField(required=False, widget=DateInput, label="From")
    until = forms.DateField(required=False, widget=DateInput, label="To")

    def __init__(
        self,
        data: Any,
        *,
        people: QuerySet[User],
        actions: Iterable[str],
        find_patients: Callable[[str], list[Patient]],
    ) -> None:
        super().__init__(data)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = people
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "Anything"), *((a, a) for a in actions)]
        self.find_patients = find_patients

    def clean_patient(self) -> list[Patient] | None:
        query = self.cleaned_data["patient"].strip()
        if not query:
            return None
        found = self.find_patients(query)
        if not found:
            raise forms.ValidationError("No patient of this clinic matches.")
        if len(found) > MOST_PATIENTS:
            raise forms.ValidationError(
                f"More than {MOST_PATIENTS} patients match: give more of the name."
            )
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end comes before the start.")
        return data

    def described(self) -> dict[str, str]:
        """The filters in use, as text (for the record of an export)."""
        return {k: str(v) for k, v in self.data.items() if k in self.fields and v}
