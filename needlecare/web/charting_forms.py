"""Forms for consent, the treatment record and adverse events.

Forms check shape only (a number is a number, a choice is one offered); the rules belong to the
services, whose refusals come back through add_domain_error next to the field they name.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from needlecare.charting.models import AdverseEvent, Position, Side, Technique
from needlecare.charting.muscles import MUSCLES
from needlecare.screening.policy import REGION_LABELS
from needlecare.web.forms import NOT_CLEARED, DateInput


def region_label(code: str) -> str:
    return REGION_LABELS.get(code, code.replace("_", " ").capitalize())


# --- Consent ------------------------------------------------------------------------------------


class ConsentSignForm(forms.Form):
    # The version the person read: if it is replaced meanwhile, the service refuses to sign.
    document = forms.IntegerField(widget=forms.HiddenInput)
    signed_name = forms.CharField(
        max_length=150,
        label=_("Your full name, typed as your signature"),
        help_text=_("Type your name exactly as it is registered with the clinic."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Type your full name to sign.")},
    )
    agreed = forms.BooleanField(
        label=_(
            "I have read this consent form, my questions have been answered, and I agree to "
            "dry needling."
        ),
        error_messages={
            "required": _("Tick the box to say you agree; without it nothing is signed.")
        },
    )
    covers_thorax = forms.BooleanField(
        required=False,
        label=_(
            "I have read the added risks of needling the chest or upper back (including a "
            "collapsed lung) and accept them."
        ),
    )
    guardian_name = forms.CharField(
        max_length=150,
        required=False,
        label=_("Parent or guardian signing for the patient (optional)"),
        help_text=_("If you sign for the patient, type your own full name here and above."),
    )
    interpreter_name = forms.CharField(
        max_length=150, required=False, label=_("Interpreter's name (optional)")
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].error_messages["required"] = _(
            "This form is out of date; reload the page and read the consent again."
        )
        if staff:
            self.fields["signed_name"].label = "The patient's full name, typed as they sign"
            self.fields["signed_name"].help_text = (
                "The patient (or their guardian) reads the form and types their name here, "
                "in front of you: you are the witness."
            )
            self.fields["signed_name"].widget.attrs.pop("autocomplete", None)
            self.fields["agreed"].label = (
                "The patient has read the form, their questions have been answered, and they "
                "agree to dry needling."
            )
            self.fields["covers_thorax"].label = (
                "The patient has read the added risks of needling the chest or upper back "
                "(including a collapsed lung) and accepts them."
            )


class ConsentDocumentForm(forms.Form):
    title = forms.CharField(max_length=120, label="Title")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24}),
        label="Text",
        help_text="Separate paragraphs with a blank line; start a line with '## ' for a heading.",
    )
    valid_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        initial=365,
        label="Valid for (days)",
        help_text="After this many days the patient signs again.",
    )

    def clean_body(self) -> str:
        # Browsers send a textarea's lines with CRLF; the stored text uses plain newlines.
        return str(self.cleaned_data["body"]).replace("\r\n", "\n").strip()


class ConsentTranslationForm(forms.Form):
    title = forms.CharField(max_length=120, label="Title (translated)")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24}),
        label="Text (translated)",
        help_text="The same sections as the English text, each heading starting with '## '.",
    )

    def clean_body(self) -> str:
        return str(self.cleaned_data["body"]).replace("\r\n", "\n").strip()


class TranslationReviewForm(forms.Form):
    translator_name = forms.CharField(
        max_length=150,
        label="Reviewed by (qualified medical translator)",
        help_text="Their full name and credential, for example 'Ana Souza, CMI'.",
    )


# --- The treatment record -----------------------------------------------------------------------


class SessionOpenForm(forms.Form):
    regions = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Areas to needle today",
        error_messages={
            "required": "Choose at least one area to needle.",
            "invalid_choice": NOT_CLEARED,
        },
    )
    no_changes_confirmed = forms.BooleanField(required=False)
    late_reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why the record is opened after the day of the visit",
    )

    def __init__(
        self,
        *args: Any,
        regions: list[str],
        screened_on: dt.date | None,
        late: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["late_reason"]
        field = self.fields["regions"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(code, region_label(code)) for code in regions]
        confirm = self.fields["no_changes_confirmed"]
        if screened_on is None:
            del self.fields["no_changes_confirmed"]
        else:
            confirm.label = (
                f"The patient confirms nothing has changed since the screening on "
                f"{screened_on:%B} {screened_on.day}, {screened_on.year}."
            )


def _muscle_choices() -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for muscle in MUSCLES:
        stem = muscle.region
        label = REGION_LABELS.get(stem) or REGION_LABELS[f"{stem}_left"].split(" ", 1)[1]
        groups.setdefault(label.capitalize(), []).append((muscle.code, muscle.name))
    return [("", "Choose a muscle"), *groups.items()]


class SessionDetailsForm(forms.Form):
    position = forms.ChoiceField(
        choices=[("", "Not recorded yet"), *Position.choices], required=False, label="Position"
    )
    skin_preparation = forms.CharField(
        max_length=120, required=False, label="Skin preparation", initial="Alcohol swab"
    )
    pain_before = forms.IntegerField(
        min_value=0, max_value=10, required=False, label="Pain before (0 to 10)"
    )
    impairment = forms.CharField(
        max_length=200,
        required=False,
        label="Impairment to retest",
        help_text="For example: cervical rotation to the left, 50 degrees.",
    )
    pain_after = forms.IntegerField(
        min_value=0, max_value=10, required=False, label="Pain after (0 to 10)"
    )
    immediate_response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Immediate response",
        help_text="The retest after needling: range of motion, strength, function.",
    )
    needles_in = forms.IntegerField(min_value=0, max_value=500, label="Needles in")
    needles_out = forms.IntegerField(min_value=0, max_value=500, label="Needles out")
    haemostasis = forms.BooleanField(required=False, label="Haemostasis achieved at every site")
    advice = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Advice given"
    )
    plan = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Plan")
    estim_used = forms.BooleanField(required=False, label="Electrical stimulation used")
    estim_pairs = forms.IntegerField(min_value=1, max_value=20, required=False, label="Pairs")
    estim_frequency_hz = forms.IntegerField(
        min_value=1, max_value=250, required=False, label="Frequency (Hz)"
    )
    estim_pulse_width_us = forms.IntegerField(
        min_value=1, max_value=1000, required=False, label="Pulse width (µs)"
    )
    estim_intensity_ma = forms.DecimalField(
        min_value=Decimal("0"),
        max_value=Decimal("99.9"),
        max_digits=4,
        decimal_places=1,
        required=False,
        label="Intensity (mA)",
    )
    estim_minutes = forms.IntegerField(
        min_value=1, max_value=60, required=False, label="Duration (min)"
    )

    ESTIM = (
        "estim_pairs",
        "estim_frequency_hz",
        "estim_pulse_width_us",
        "estim_intensity_ma",
        "estim_minutes",
    )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("estim_")]

    def estim_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("estim_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("estim_used"):
            for name in self.ESTIM:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Record this for the electrical stimulation.")
        return data

    def changes(self) -> dict[str, Any]:
        """The fields for session_update: everything, as the whole form is the record."""
        data = dict(self.cleaned_data)
        if not data.get("estim_used"):
            for name in self.ESTIM:
                data[name] = None
        return data


class NeedlingForm(forms.Form):
    muscle = forms.ChoiceField(
        choices=_muscle_choices, label="Muscle", error_messages={"required": "Choose a muscle."}
    )
    side = forms.ChoiceField(
        choices=Side.choices,
        widget=forms.RadioSelect,
        label="Side",
        error_messages={"required": "Choose the side."},
    )
    needle_diameter_mm = forms.DecimalField(
        min_value=Decimal("0.12"),
        max_value=Decimal("0.40"),
        max_digits=3,
        decimal_places=2,
        initial=Decimal("0.25"),
        label="Diameter (mm)",
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    needle_length_mm = forms.IntegerField(
        min_value=10, max_value=125, initial=40, label="Length (mm)"
    )
    depth_mm = forms.IntegerField(min_value=1, max_value=125, label="Depth (mm)")
    technique = forms.ChoiceField(choices=Technique.choices, label="Technique")
    insertions = forms.IntegerField(min_value=1, max_value=100, initial=1, label="Insertions")
    minutes_in_place = forms.IntegerField(
        min_value=0, max_value=60, initial=0, label="In place (min)"
    )
    twitch_response = forms.BooleanField(required=False, label="Local twitch response")
    referred_pain = forms.BooleanField(required=False, label="Referred pain reproduced")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        depth, length = data.get("depth_mm"), data.get("needle_length_mm")
        if depth is not None and length is not None and depth > length:
            self.add_error("depth_mm", "The depth cannot exceed the needle's length.")
        return data


class AddendumForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Addendum",
        help_text="The signed record never changes; an addendum is added beside it, dated and "
        "signed with your name.",
        error_messages={"required": "Write the addendum."},
    )


class AdverseEventForm(forms.Form):
    category = forms.ChoiceField(
        choices=[("", "Choose"), *AdverseEvent.Category.choices], label="What happened"
    )
    severity = forms.ChoiceField(
        choices=AdverseEvent.Severity.choices,
        widget=forms.RadioSelect,
        label="Severity",
        help_text="Mild: brief and reversible. Significant: needs medical care or limits "
        "activity. Serious: hospital admission, lasting disability or death; the clinic's "
        "admins are alerted as soon as it is recorded.",
    )
    onset = forms.ChoiceField(choices=[("", "Choose"), *AdverseEvent.Onset.choices], label="Onset")
    duration = forms.CharField(max_length=80, required=False, label="Duration")
    site = forms.CharField(max_length=120, required=False, label="Site and muscle")
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Action taken"
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Outcome"
    )
    reported_by = forms.CharField(
        max_length=80,
        label="Reported by",
        help_text="For example: the patient, the therapist, the patient's physician.",
    )
    follow_up_on = forms.DateField(widget=DateInput, required=False, label="Follow up on")
    regulator_or_insurer_told = forms.BooleanField(
        required=False, label="The regulator or insurer has been told"
    )
