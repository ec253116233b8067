"""Forms for courses of care: booking one from the staff's booking steps (how often, how many
visits and with whom, a GET form so the plan is a plain link; and the times chosen instead of
the visits that are not free, sent with the POST that books them all), and cancelling the rest
of one."""

from typing import Any

from django import forms

from needlecare.scheduling.models import CancelledBy
from needlecare.scheduling.services import VisitChange
from needlecare.scheduling.services.series import COUNT_MAX, EVERY_MAX
from needlecare.web.scheduling_forms import SlotField

WEEKLY, EVERY_N_DAYS = "week", "days"
SAME, ANYONE_CERTIFIED = "same", "any"
DEFAULT_VISITS = 6


class CourseForm(forms.Form):
    """Every week or every N days, K visits, the same therapist or anyone certified. Each field
    may be left out (the plan first shows weekly, six visits, the same therapist)."""

    every = forms.ChoiceField(
        choices=[(WEEKLY, "Every week"), (EVERY_N_DAYS, "Every few days")],
        widget=forms.RadioSelect,
        required=False,
        label="How often",
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=EVERY_MAX,
        required=False,
        label="Every how many days",
        help_text=f"For every few days: 1 to {EVERY_MAX}.",
    )
    visits = forms.IntegerField(
        min_value=2, max_value=COUNT_MAX, required=False, label="Number of visits"
    )
    who = forms.ChoiceField(widget=forms.RadioSelect, required=False, label="With")

    def __init__(self, *args: Any, therapist: str, certified: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anyone = "Anyone certified for dry needling" if certified else "Anyone available"
        who = self.fields["who"]
        assert isinstance(who, forms.ChoiceField)
        who.choices = [(SAME, f"{therapist} for every visit"), (ANYONE_CERTIFIED, anyone)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        every = data.get("every") or WEEKLY
        if every == EVERY_N_DAYS and not data.get("days") and "days" not in self.errors:
            self.add_error("days", "Say every how many days.")
        data["every"] = every
        data["every_days"] = 7 if every == WEEKLY else data.get("days") or 7
        data["count"] = data.get("visits") or DEFAULT_VISITS
        data["same"] = (data.get("who") or SAME) == SAME
        return data

    def values(self) -> dict[str, str]:
        """The choices as the plan's address carries them."""
        data = self.cleaned_data
        return {
            "every": data["every"],
            "days": str(data["every_days"]) if data["every"] == EVERY_N_DAYS else "",
            "visits": str(data["count"]),
            "who": SAME if data["same"] else ANYONE_CERTIFIED,
        }


def visit_changes(data: Any, count: int) -> dict[int, VisitChange]:
    """The times chosen instead of some visits ("visit-3" = "<therapist id>@<UTC start>"); one
    that cannot be read counts as none chosen (the course then names that visit again)."""
    field = SlotField(required=False)
    changes = {}
    for n in range(1, count + 1):
        try:
            chosen = field.clean(data.get(f"visit-{n}"))
        except forms.ValidationError:
            continue
        if chosen is not None:
            changes[n] = VisitChange(chosen.start, chosen.therapist_id)
    return changes


class CourseCancelForm(forms.Form):
    """Cancelling the rest of a course: why, and who is ending it."""

    reason = forms.CharField(
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for cancelling",
        error_messages={"required": "Give a reason for the cancellation."},
    )
    kind = forms.ChoiceField(
        choices=[
            (CancelledBy.CLINIC, "The clinic is ending the course"),
            (CancelledBy.PATIENT, "The patient asked to stop"),
        ],
        widget=forms.RadioSelect,
        initial=CancelledBy.CLINIC,
        label="Who is ending the course",
        help_text=(
            "When the patient asked, a visit inside the clinic's late-cancellation window is "
            "recorded as a late cancellation; the clinic's cancellations never are."
        ),
    )
