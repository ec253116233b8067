"""Shared by the booking page tests: free times as the pages send them back, and quick bookings."""

import datetime as dt

from needlecare.scheduling.services import appointment_book

MINE = "/me/appointments/"


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def slot(schedule, hour, minute=0, *, days=0, therapist=None) -> str:
    therapist = therapist or schedule.practice.therapist
    return f"{therapist.pk}@{utc(schedule.at(hour, minute, days=days))}"


def offered(response) -> list[str]:
    """The free times a times page offers, as the values it would send back."""
    return [
        t.value for day in response.context["days"] for row in day.therapists for t in row.times
    ]


def book(schedule, *, patient=None, at=None, type=None, therapist=None, regions=("neck",)):
    p = schedule.practice
    return appointment_book(
        patient=patient or p.patient,
        clinic=p.stoughton,
        type=type or schedule.dry_needling,
        therapist=therapist or p.therapist,
        starts_at=at or schedule.at(9),
        planned_regions=list(regions)
        if (type or schedule.dry_needling).needs_certification
        else [],
        booked_by=p.front_desk,
    )
