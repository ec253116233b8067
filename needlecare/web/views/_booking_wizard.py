"""The booking wizard's state and how each of its steps shows its page (`show`), shared by the
booking steps (`_booking_steps`) and the staff's course step (`_course_step`)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

from needlecare.accounts.access import AuthedRequest
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.models import AppointmentType
from needlecare.screening.models import Screening
from needlecare.web.scheduling_forms import ANYONE, ChosenSlot

STEP_INDEX = {"clinic": 0, "type": 1, "blocked": 1, "times": 2, "confirm": 3, "course": 3}


@dataclass(frozen=True)
class Wizard:
    """The choices so far; each step returns a copy with its own choice added."""

    patient: Patient
    staff: bool
    clinic: Clinic | None
    summary: tuple[tuple[str, str, str], ...] = ()  # (label, value, link to change it)
    kind: AppointmentType | None = None
    screening: Screening | None = None
    cleared: list[str] | None = None  # the areas on offer; None when no screening is needed
    therapists: dict[int, Therapist] = field(default_factory=dict)  # the clinic's, by id
    therapist_id: int | None = None  # None: anyone available
    week: dt.date | None = None
    regions: list[str] = field(default_factory=list)
    slot: ChosenSlot | None = None

    def params(self) -> dict[str, Any]:
        """The choices so far as the address carries them, the empty ones left out."""
        params = {
            "patient": self.patient.pk if self.staff else None,
            "clinic": self.clinic.slug if self.clinic and not self.staff else None,
            "type": self.kind.code if self.kind else None,
            "therapist": (self.therapist_id or ANYONE) if self.week else None,
            "week": self.week.isoformat() if self.week else None,
            "regions": self.regions,
        }
        return {k: v for k, v in params.items() if v not in (None, "", [])}

    def query(self, **more: str) -> str:
        return "?" + urlencode({**self.params(), **more}, doseq=True)

    def noted(self, label: str, value: str, change: str) -> tuple[tuple[str, str, str], ...]:
        return (*self.summary, (label, value, change))


def show(
    request: AuthedRequest,
    wizard: Wizard,
    stage: str,
    page: dict[str, Any],
    *,
    invalid: bool = False,
    status: int = 200,
) -> HttpResponse:
    """A stage's page, or only its slot search for htmx; 400 for a choice that does not hold
    (and for a confirm form posted with choices that no longer lead to the confirm step)."""
    if invalid or (request.method == "POST" and stage not in ("confirm", "course")):
        status = 400
    template = "booking/book.html"
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request and htmx.target == "slot-search":
        if stage != "times":
            return HttpResponseClientRedirect(request.get_full_path())
        template = "booking/book.html#slot-search"
    params = wizard.params()
    context = {
        "patient": wizard.patient,
        "staff": wizard.staff,
        "clinic": wizard.clinic,
        "summary": list(wizard.summary),
        "steps": (
            "Patient" if wizard.staff else gettext("Clinic"),
            gettext("Appointment"),
            gettext("Time"),
            gettext("Confirm"),
        ),
        "stage": stage,
        "step_index": STEP_INDEX[stage],
        "hidden": [(k, params[k]) for k in ("patient", "clinic", "type") if k in params],
        **page,
    }
    if wizard.clinic is None:
        return render(request, template, context, status=status)
    with timezone.override(clinic_zone(wizard.clinic)):
        return render(request, template, context, status=status)
