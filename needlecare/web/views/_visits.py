"""An appointment as the staff's pages show it, shared by the schedule and the appointment pages.

Booking for a patient, confirming a request, marking a no-show, cancelling and moving are for the
front desk and clinic admins (`accounts.access.DESK`).
"""

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass

from django.utils import timezone

from needlecare.scheduling.models import Appointment, Status
from needlecare.screening.policy import CONDITION_INFO, REGION_LABELS

STATUS_BADGES = {
    Status.REQUESTED: "badge-warn",
    Status.CONFIRMED: "badge-info",
    Status.CHECKED_IN: "badge-ok",
    Status.COMPLETED: "",
    Status.CANCELLED: "badge-danger",
    Status.LATE_CANCELLED: "badge-danger",
    Status.NO_SHOW: "badge-danger",
}


# --- What the schedule shows of an appointment -----------------------------------------------


@dataclass
class Visit:
    """An appointment as the schedule shows it: local times and plain labels."""

    appointment: Appointment
    starts: dt.datetime
    ends: dt.datetime
    badge: str
    precautions: list[str]  # the conditions to take care over, as short labels
    regions: list[str]
    notes: list[tuple[str, str]]  # each precaution with the planned areas it reaches
    # The patient answered the screening again and it no longer clears the planned areas.
    screening_changed: bool = False

    @property
    def span(self) -> str:
        """9:00–9:45 AM, or 11:30 AM–12:15 PM across noon."""
        start, end = f"{self.starts:%-I:%M}", f"{self.ends:%-I:%M %p}"
        if self.starts.strftime("%p") != self.ends.strftime("%p"):
            start += f" {self.starts:%p}"
        return f"{start}–{end}"


def visit_of(
    appointment: Appointment, zone: dt.tzinfo, *, flagged: Set[int] = frozenset()
) -> Visit:
    reasons = appointment.precaution_reasons
    precautions = [CONDITION_INFO[r.code].label for r in reasons]
    notes = [
        (CONDITION_INFO[r.code].label, ", ".join(REGION_LABELS[region] for region in r.regions))
        for r in reasons
    ]
    return Visit(
        appointment=appointment,
        starts=timezone.localtime(appointment.starts_at, zone),
        ends=timezone.localtime(appointment.ends_at, zone),
        badge=STATUS_BADGES.get(Status(appointment.status), ""),
        precautions=list(dict.fromkeys(precautions)),
        regions=[REGION_LABELS.get(r, r) for r in appointment.planned_regions],
        notes=notes,
        screening_changed=appointment.pk in flagged,
    )
