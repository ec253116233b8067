"""Forms for booking, moving and cancelling appointments and for joining the waitlist.

The booking steps are small GET forms, one per choice, so every step is a plain link or form
that works without JavaScript; a chosen time travels as "<therapist id>@<UTC start>".
"""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from needlecare.clinics.models import Clinic
from needlecare.scheduling.availability import Slot
from needlecare.scheduling.models import AppointmentType
from needlecare.scheduling.services import TRANSITIONS
from needlecare.screening.policy import REGION_LABELS
from needlecare.web.forms import NOT_CLEARED, DateInput

ANYONE = "any"
BOOKING_HORIZON = dt.timedelta(days=365)
WAITLIST_LONGEST = dt.timedelta(days=90)


def slot_value(slot: Slot) -> str:
    return f"{slot.therapist_id}@{slot.start.isoformat()}"


class ChosenSlot:
    """A start offered with a therapist, as sent back by the page."""

    def __init__(self, therapist_id: int, start: dt.datetime) -> None:
        self.therapist_id = therapist_id
        self.start = start


class SlotField(forms.Field):
    widget = forms.HiddenInput
    default_error_messages = {"invalid": gettext_lazy("Choose one of the times offered.")}

    def to_python(self, value: Any) -> ChosenSlot | None:
        text = str(value or "").strip()
        if not text:
            return None
        # A "+" in an address that was not percent-encoded arrives as a space.
        therapist, _, start = text.replace(" ", "+").partition("@")
        try:
            chosen = ChosenSlot(int(therapist), dt.datetime.fromisoformat(start))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if timezone.is_naive(chosen.start):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return chosen


def _region_choices(regions: list[str]) -> list[tuple[str, str]]:
    return [(code, REGION_LABELS.get(code, code)) for code in regions]


class ClinicStepForm(forms.Form):
    clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.order_by("name"),
        to_field_name="slug",
        empty_label=None,
        widget=forms.RadioSelect,
        label=gettext_lazy("Which clinic would you like to visit?"),
        error_messages={
            "required": gettext_lazy("Choose a clinic."),
            "invalid_choice": gettext_lazy("Choose one of our clinics."),
        },
    )


class TypeStepForm(forms.Form):
    type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(),
        to_field_name="code",
        empty_label=None,
        widget=forms.RadioSelect,
        label=gettext_lazy("What would you like to book?"),
        error_messages={
            "required": gettext_lazy("Choose what you would like to book."),
            "invalid_choice": gettext_lazy(
                "That appointment cannot be booked here; choose one of the list."
            ),
        },
    )

    def __init__(self, *args: Any, types: QuerySet[AppointmentType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = types


class TimesStepForm(forms.Form):
    """Whose times, from which day, and (for dry needling) the areas to be treated."""

    therapist = forms.ChoiceField(label=gettext_lazy("Therapist"), required=False)
    week = forms.DateField(
        widget=DateInput,
        required=False,
        label=gettext_lazy("Show a week of free times from"),
        error_messages={"invalid": gettext_lazy("Enter a date, for example 2026-05-04.")},
    )
    regions = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Areas to be treated"),
        help_text=gettext_lazy(
            "Only the areas the current safety screening clears for dry needling are listed."
        ),
        error_messages={"invalid_choice": NOT_CLEARED},
    )

    def __init__(
        self,
        *args: Any,
        therapists: list[tuple[int, str]],
        regions: list[str] | None,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        therapist = self.fields["therapist"]
        assert isinstance(therapist, forms.ChoiceField)
        therapist.choices = [(ANYONE, gettext("Anyone available"))] + [
            (str(pk), name) for pk, name in therapists
        ]
        self.fields["week"].initial = today
        if regions is None:
            del self.fields["regions"]
        else:
            field = self.fields["regions"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = _region_choices(regions)
            if len(regions) == 1:
                field.initial = regions

    def clean_therapist(self) -> int | None:
        value = self.cleaned_data.get("therapist") or ANYONE
        return None if value == ANYONE else int(value)

    def clean_week(self) -> dt.date:
        week: dt.date | None = self.cleaned_data.get("week")
        if week is None or week < self.today:
            return self.today
        if week > self.today + BOOKING_HORIZON:
            raise forms.ValidationError(
                gettext("We book up to a year ahead; choose an earlier day.")
            )
        return week

    def clean_regions(self) -> list[str]:
        regions = list(self.cleaned_data.get("regions") or [])
        if not regions:
            raise forms.ValidationError(gettext("Choose at least one area to be treated."))
        return regions


class SlotStepForm(forms.Form):
    slot = SlotField(error_messages={"required": gettext_lazy("Choose one of the times offered.")})


class ConfirmForm(forms.Form):
    """Nothing to fill in: the choices are in the address; errors from the service land here."""


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Reason for cancelling"),
        error_messages={"required": gettext_lazy("Give a reason for the cancellation.")},
    )


class StaffCancelForm(CancelForm):
    """The front desk's cancellation also says who called the visit off; inside the clinic's
    late-cancellation window it must (a late cancellation, or the clinic's own)."""

    kind = forms.ChoiceField(widget=forms.RadioSelect, required=False, label="Who called it off?")

    def __init__(self, *args: Any, late: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        if late:
            field.required = True
            field.label = "Inside the late-cancellation window: record it as"
            field.choices = [
                ("patient", "A late cancellation (the patient called it off)"),
                ("clinic", "Cancelled by the clinic"),
            ]
            field.error_messages["required"] = (
                "Choose a late cancellation or cancelled by the clinic."
            )
        else:
            field.choices = [
                ("patient", "The patient asked to cancel"),
                ("clinic", "The clinic is cancelling it"),
            ]
            field.help_text = "Left unchosen, the cancellation is recorded as the clinic's."

    def clean_kind(self) -> str | None:
        return self.cleaned_data.get("kind") or None


class MoveForm(forms.Form):
    slot = SlotField(error_messages={"required": gettext_lazy("Choose a new time.")})


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in TRANSITIONS])
    next = forms.CharField(required=False)


class TypeAtClinicField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return gettext("%(name)s at %(clinic)s") % {"name": obj.name, "clinic": obj.clinic.name}


class WaitlistForm(forms.Form):
    type = TypeAtClinicField(
        queryset=AppointmentType.objects.none(),
        empty_label=None,
        label=gettext_lazy("Appointment and clinic"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of the appointments listed.")},
    )
    first_day = forms.DateField(widget=DateInput, label=gettext_lazy("From"))
    last_day = forms.DateField(widget=DateInput, label=gettext_lazy("Until"))
    regions = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Areas to be treated (for dry needling)"),
        error_messages={"invalid_choice": NOT_CLEARED},
    )

    def __init__(
        self,
        *args: Any,
        types: QuerySet[AppointmentType],
        regions: list[str],
        today: dt.date,
        clinic: Clinic | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = types.select_related("clinic")  # what a choice is checked against
        # One query for the options and the clinic's first, instead of one per use.
        offered = list(field.queryset)
        field.choices = [(field.prepare_value(t), field.label_from_instance(t)) for t in offered]
        if clinic is not None:
            field.initial = next((t for t in offered if t.clinic_id == clinic.pk), None)
        self.fields["first_day"].initial = today
        self.fields["last_day"].initial = today + dt.timedelta(days=14)
        if regions:
            region_field = self.fields["regions"]
            assert isinstance(region_field, forms.MultipleChoiceField)
            region_field.choices = _region_choices(regions)
        else:
            del self.fields["regions"]

    def clean_first_day(self) -> dt.date:
        first: dt.date = self.cleaned_data["first_day"]
        if first < self.today:
            raise forms.ValidationError(gettext("Choose today or a later day."))
        return first

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", gettext("The last day must come after the first."))
            elif last - first > WAITLIST_LONGEST:
                self.add_error("last_day", gettext("Wait for at most 90 days at a time."))
        return data
