"""Shared by the course-of-care tests: booking a course at the schedule's Stoughton clinic, and a
second certified therapist."""

import datetime as dt

from needlecare.clinics.models import Credential
from needlecare.common.testing.factories import TherapistFactory
from needlecare.scheduling.models import WorkingHours
from needlecare.scheduling.services import appointment_series_book


def book_course(schedule, *, at=None, every_days=7, count=6, therapist="same", **kw):
    """A course for the practice's patient, weekly from Monday 9:00 with Dana Reyes unless
    told otherwise (therapist=None: anyone certified)."""
    p = schedule.practice
    regions = kw.pop("regions", ["neck"])
    return appointment_series_book(
        patient=kw.pop("patient", p.patient),
        clinic=p.stoughton,
        type=kw.pop("type", schedule.dry_needling),
        therapist=p.therapist if therapist == "same" else therapist,
        first_start=at or schedule.at(9),
        every_days=every_days,
        count=count,
        booked_by=kw.pop("by", p.front_desk),
        planned_regions=regions,
        **kw,
    )


def second_therapist(schedule, *, name="Sam Ortiz", expires_on=None):
    """Another therapist at Stoughton, certified like Dana Reyes, working the same hours."""
    p = schedule.practice
    other = TherapistFactory(user__clinics=[p.stoughton], user__full_name=name)
    for credential in p.therapist.credentials.all():
        Credential.objects.create(
            therapist=other,
            kind=credential.kind,
            issuer="Test issuer",
            number=f"{credential.number}-2",
            valid_from=credential.valid_from,
            expires_on=expires_on or credential.expires_on,
        )
    for weekday in range(5):
        WorkingHours.objects.create(
            therapist=other,
            clinic=p.stoughton,
            weekday=weekday,
            starts=dt.time(8),
            ends=dt.time(16),
        )
    return other
