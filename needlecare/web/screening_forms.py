"""The intake questionnaire, clearance and policy forms, built from the screening vocabulary."""

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from needlecare.screening.indications import INDICATIONS
from needlecare.screening.policy import (
    CONDITION_INFO,
    CONDITIONS,
    EFFECTS,
    QUESTIONNAIRE,
    REGION_LABELS,
    REGIONS,
    Intake,
    IntakeError,
    PolicyError,
    Rule,
    parse_intake,
)
from needlecare.screening.wording import policy_text, policy_text_lazy

# Labels follow the page's language (staff pages are English); the codes never change.
REGION_CHOICES = [(code, policy_text_lazy(REGION_LABELS[code])) for code in REGIONS]
INDICATION_CHOICES = [(code, policy_text_lazy(label)) for code, label in INDICATIONS]
EFFECT_LABELS = {
    "contraindicated": "Not suitable (contraindicated)",
    "physician_clearance_required": "Needs a physician's recommendation first",
    "precaution": "Suitable with extra care (precaution)",
}


YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
UNANSWERED = gettext_lazy("Answer yes or no.")


def _where_label_now(label: str) -> str:
    return gettext("Where is it? (%(condition)s)") % {"condition": policy_text(label).lower()}


_where_label = lazy(_where_label_now, str)


def _yes(value: str) -> bool:
    return value == "yes"


class IntakeForm(forms.Form):
    """Every condition is a yes-or-no question with nothing chosen beforehand: a question left
    unanswered is asked again, never read as "no"."""

    regions = forms.MultipleChoiceField(
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Which areas would you like treated?"),
        error_messages={
            "required": gettext_lazy("Choose at least one area you would like treated.")
        },
    )
    indications = forms.MultipleChoiceField(
        choices=INDICATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("What is the problem? (choose all that apply)"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "My answers are complete and true to the best of my knowledge, and I will tell "
            "the clinic if anything changes."
        ),
        error_messages={
            "required": gettext_lazy("Please confirm your answers before you continue.")
        },
    )

    implant_electronic = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "If you have an implant: is it an electronic device, such as a pacemaker, "
            "defibrillator, nerve stimulator or pump?"
        ),
    )

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["regions"].label = "Areas to be treated"
            self.fields["regions"].error_messages["required"] = "Choose at least one area."
            self.fields["indications"].label = "The problem (all that apply)"
            self.fields["confirm"].label = (
                "The patient confirms these answers are complete and true, and will tell the "
                "clinic if anything changes."
            )
        for info in CONDITIONS:
            self.fields[f"has_{info.code}"] = forms.TypedChoiceField(
                choices=YES_NO,
                coerce=_yes,
                empty_value=None,
                widget=forms.RadioSelect,
                label=policy_text_lazy(info.question),
                error_messages={"required": UNANSWERED},
            )
            if info.where_present:
                self.fields[f"where_{info.code}"] = forms.MultipleChoiceField(
                    choices=REGION_CHOICES,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    label=_where_label(info.label),
                    help_text=gettext_lazy(
                        "Leave empty if you are not sure; we will then treat it as "
                        "possibly anywhere."
                    ),
                )
        # The confirmation comes last, as on the page (the error summary follows this order).
        self.fields["confirm"] = self.fields.pop("confirm")

    def groups(self) -> list[dict[str, Any]]:
        """The questions by group, each with its 'where?' field when it has one."""
        return [
            {
                "title": policy_text(title),
                "questions": [
                    {
                        "field": self[f"has_{code}"],
                        "where": self[f"where_{code}"]
                        if CONDITION_INFO[code].where_present
                        else None,
                        # Electrical stimulation is ruled out with an electronic implant.
                        "extra": self["implant_electronic"] if code == "implant" else None,
                    }
                    for code in codes
                ],
            }
            for _, title, codes in QUESTIONNAIRE
            if codes
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for info in CONDITIONS:
            where = data.get(f"where_{info.code}") or []
            if where and data.get(f"has_{info.code}") is False:
                self.add_error(
                    f"has_{info.code}",
                    gettext("You chose where you have this; answer yes, or clear those areas."),
                )
        return data

    def details(self) -> dict[str, bool]:
        """Answers beyond the contract's body; asked only about a reported implant."""
        if not self.cleaned_data.get("has_implant"):
            return {}
        return {"electronic_implant": bool(self.cleaned_data.get("implant_electronic"))}

    def intake(self) -> Intake:
        data = self.cleaned_data
        conditions = []
        for info in CONDITIONS:
            if data.get(f"has_{info.code}"):
                entry: dict[str, Any] = {"code": info.code}
                if info.where_present and data.get(f"where_{info.code}"):
                    entry["regions"] = list(data[f"where_{info.code}"])
                conditions.append(entry)
        try:
            return parse_intake(
                {"planned_regions": list(data["regions"]), "conditions": conditions}
            )
        except IntakeError as exc:  # the choices above make this unreachable for a person
            raise forms.ValidationError(str(exc)) from exc


class ClearanceForm(forms.Form):
    condition = forms.ChoiceField(
        choices=[(c.code, c.label) for c in CONDITIONS], label="Condition cleared"
    )
    physician_name = forms.CharField(max_length=150, label="Physician")
    cleared_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Date of the recommendation"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    letter = forms.FileField(
        required=False,
        label="The physician's letter (PDF, PNG or JPEG, up to 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class PolicyChangeForm(forms.Form):
    condition = forms.ChoiceField(choices=[(c.code, c.label) for c in CONDITIONS])
    effect = forms.ChoiceField(choices=[(e, EFFECT_LABELS[e]) for e in reversed(EFFECTS)])
    scope = forms.ChoiceField(
        choices=[
            ("whole_patient", "The whole patient"),
            ("where_present", "Only where the patient has it"),
            ("regions", "Only the areas chosen below"),
        ]
    )
    regions = forms.MultipleChoiceField(
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Areas (when the scope is 'only the areas chosen')",
    )
    clearable = forms.BooleanField(
        required=False, label="A physician's recommendation turns it into a precaution"
    )
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        regions = tuple(data.get("regions") or ()) if data["scope"] == "regions" else ()
        cleared = "precaution" if data.get("clearable") and data["effect"] != "precaution" else None
        try:
            data["rule"] = Rule(
                effect=data["effect"], scope=data["scope"], regions=regions, cleared_effect=cleared
            )
        except PolicyError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data
