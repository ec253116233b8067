"""The course of care a visit belongs to, as the staff's appointment page shows it
(`schedule/_course.html`): every visit with its status, and whether any falls beyond the
patient's screening's validity."""

import datetime as dt
from dataclasses import dataclass

from django import template
from django.utils import timezone

from needlecare.common.time import clinic_zone
from needlecare.scheduling.models import Appointment, Status
from needlecare.scheduling.series_reads import (
    course_of,
    screening_valid_until,
    visits_needing_reconfirmation,
)
from needlecare.web.views._visits import STATUS_BADGES

register = template.Library()


@dataclass(frozen=True)
class CourseVisit:
    appointment: Appointment
    number: int
    starts: dt.datetime  # in the clinic's zone
    badge: str
    this: bool  # the visit whose page this is
    rescreen: bool  # beyond the screening's validity: the patient answers again before it


@dataclass(frozen=True)
class CoursePanel:
    visits: list[CourseVisit]  # empty for a visit booked on its own
    number: int  # this visit's place in the course
    rest: int  # how many visits "cancel the rest" would cancel
    rescreen_until: dt.datetime | None  # when the screening stops being current, if it matters

    @property
    def count(self) -> int:
        return len(self.visits)


@register.simple_tag
def course_for(appointment: Appointment) -> CoursePanel:
    """The visit's course (two queries), or only its re-confirmation for a visit on its own."""
    zone = clinic_zone(appointment.clinic)
    course = course_of(appointment)
    visits = list(course.visits) if course else [appointment]
    flagged = visits_needing_reconfirmation(visits)
    screening = next(iter(flagged.values()), None)
    return CoursePanel(
        visits=[
            CourseVisit(
                appointment=v,
                number=n,
                starts=timezone.localtime(v.starts_at, zone),
                badge=STATUS_BADGES.get(Status(v.status), ""),
                this=v.pk == appointment.pk,
                rescreen=v.pk in flagged,
            )
            for n, v in enumerate(visits, 1)
        ]
        if course
        else [],
        number=course.number if course else 1,
        rest=len(course.rest()) if course else 0,
        rescreen_until=(
            timezone.localtime(screening_valid_until(screening), zone)
            if screening and appointment.pk in flagged
            else None
        ),
    )
