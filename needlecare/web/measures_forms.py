"""Forms for outcome measures and letters.

Forms check shape only (a number is a number, a choice is one offered); the rules belong to the
services, whose refusals come back through add_domain_error (in charting_forms) next to the field
they name.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from needlecare.outcomes.instruments import INSTRUMENTS, Instrument
from needlecare.outcomes.instruments.catalogue import PSFS_MIN_ACTIVITIES
from needlecare.screening.policy import REGIONS
from needlecare.web.charting_forms import region_label

# --- Outcome measures ---------------------------------------------------------------------------


class PlanOfCareForm(forms.Form):
    regions = forms.MultipleChoiceField(
        choices=[(code, region_label(code)) for code in REGIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Areas treated",
    )
    measures = forms.MultipleChoiceField(
        choices=[(code, i.name) for code, i in INSTRUMENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Measures",
        help_text="Leave all unticked to follow the defaults for the areas: the pain scale for "
        "everyone, the Neck Disability Index for the neck, the Oswestry index for the low back "
        "and HIT-6 for the head.",
    )
    every_visits = forms.IntegerField(
        min_value=1, max_value=20, initial=4, label="Due every (signed visits)"
    )


class InstrumentForm(forms.Form):
    """One questionnaire: a radio group per item (the PSFS: the activity named, then rated)."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.psfs = instrument.code == "psfs"
        for n, item in enumerate(instrument.items, start=1):
            if self.psfs:
                self.fields[f"label_{item.key}"] = forms.CharField(
                    max_length=80,
                    required=False,
                    label=f"Activity {n}",
                    help_text="An activity you find hard because of your problem."
                    if n == 1
                    else "",
                )
                self.fields[item.key] = forms.TypedChoiceField(
                    choices=[("", "Not rated"), *((str(v), label) for v, label in item.choices)],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    label=f"How well can you do activity {n} today?",
                )
            else:
                self.fields[item.key] = forms.TypedChoiceField(
                    choices=[(str(v), label) for v, label in item.choices],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                    label=item.text,
                    error_messages={
                        "invalid_choice": gettext_lazy("Choose one of the answers offered.")
                    },
                )

    def rows(self) -> list[tuple[forms.BoundField | None, forms.BoundField]]:
        """(activity name or None, answer) for each item, in order."""
        return [
            (self[f"label_{item.key}"] if self.psfs else None, self[item.key])
            for item in self.instrument.items
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.psfs:
            named = 0
            for item in self.instrument.items:
                name = (data.get(f"label_{item.key}") or "").strip()
                value = data.get(item.key)
                if name and value is None and item.key not in self.errors:
                    self.add_error(item.key, _("Rate this activity from 0 to 10."))
                if value is not None and not name:
                    self.add_error(f"label_{item.key}", _("Name the activity you rated."))
                named += bool(name)
            if named < PSFS_MIN_ACTIVITIES and not self.errors:
                raise forms.ValidationError(
                    _("Name and rate at least %(count)s activities.")
                    % {"count": PSFS_MIN_ACTIVITIES}
                )
        return data

    def answers(self) -> dict[str, int | None]:
        return {item.key: self.cleaned_data.get(item.key) for item in self.instrument.items}

    def labels(self) -> dict[str, str]:
        if not self.psfs:
            return {}
        return {
            item.key: self.cleaned_data[f"label_{item.key}"].strip()
            for item in self.instrument.items
            if (self.cleaned_data.get(f"label_{item.key}") or "").strip()
        }


# --- Letters ------------------------------------------------------------------------------------


class LetterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("progress", "progress"), ("clearance_request", "request")])
