"""What a patient hears about a course of care, read off a real SMTP server: one confirmation
for the whole course (a calendar file per visit), a reminder before each visit, and for a visit
beyond the screening's validity a reminder that asks for the answers again; one notice when the
rest of the course is cancelled."""

import datetime as dt

import pytest
from icalendar import Calendar

from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.smtp import attachments_of, text_of
from needlecare.outbox.models import Message
from needlecare.outbox.services import messages_send_due
from needlecare.scheduling.series_reads import (
    appointment_needs_reconfirmation,
    visits_needing_reconfirmation,
)
from needlecare.scheduling.services import appointment_series_cancel_rest
from needlecare.scheduling.services.notices import BOOKED, CANCELLED, REMINDER
from needlecare.scheduling.services.series import SERIES_BOOKED, SERIES_CANCELLED
from needlecare.scheduling.tests.series_helpers import book_course

pytestmark = pytest.mark.django_db


def reminder_of(smtp, schedule, visit):
    messages_send_due(now=visit.starts_at - dt.timedelta(hours=5))
    when = f"{visit.starts_at.astimezone(schedule.at(9).tzinfo):%B} "
    when += str(visit.starts_at.astimezone(schedule.at(9).tzinfo).day)
    found = [
        m
        for m in smtp.to(schedule.practice.patient.email)
        if str(m["Subject"]).startswith("Reminder") and when in str(m["Subject"])
    ]
    assert len(found) == 1, [str(m["Subject"]) for m in smtp.to(schedule.practice.patient.email)]
    return text_of(found[0])


def test_a_course_is_confirmed_once_with_a_calendar_file_for_each_visit(schedule, smtp):
    schedule.screen()
    visits = book_course(schedule, count=4)
    assert Message.objects.filter(kind=SERIES_BOOKED).count() == 1
    assert not Message.objects.filter(kind=BOOKED).exists()
    assert Message.objects.filter(kind=REMINDER).count() == 4

    messages_send_due()

    [confirmation] = smtp.to(schedule.practice.patient.email)
    assert str(confirmation["Subject"]) == (
        f"Your 4 visits at Stoughton from Monday, {schedule.day:%B} {schedule.day.day} at 9:00 AM"
    )
    body = text_of(confirmation)
    assert "You are booked for a course of 4 visits:" in body
    # The clinic's cancellation policy, as in every confirmation.
    assert "Cancellation policy: you can cancel or move a visit online until 24 hours" in body
    for n, visit in enumerate(visits, 1):
        day = visit.starts_at.astimezone(schedule.at(9).tzinfo)
        assert f"{n}. Monday, {day:%B} {day.day} at 9:00 AM with Dana Reyes" in body
    files = attachments_of(confirmation)
    assert sorted(files) == sorted(f"appointment-{v.pk}.ics" for v in visits)
    starts = [next(iter(Calendar.from_ical(ics).events)).start for ics in files.values()]
    assert sorted(starts) == [v.starts_at for v in visits]


def test_a_visit_beyond_the_screenings_validity_is_flagged_and_its_reminder_asks_again(
    schedule, smtp
):
    p = schedule.practice
    p.stoughton.screening_valid_days = 30
    p.stoughton.save()
    # Screened and booked ten days before the first visit: the answers stay current until the
    # morning of day 20, between visits 3 (day 14) and 4 (day 21).
    with on_the_day(schedule, days=-10):
        schedule.screen()
        visits = book_course(schedule)
        # Sent that day: the confirmation is due when it was queued (the schedule's day is one
        # to two weeks ahead, so that can be days after the real clock).
        messages_send_due()

    flagged = visits_needing_reconfirmation(visits)
    assert sorted(flagged) == [v.pk for v in visits[3:]]
    assert not appointment_needs_reconfirmation(visits[2])
    assert appointment_needs_reconfirmation(visits[3])

    [confirmation] = smtp.to(p.patient.email)
    assert "Before your visit on Monday" in text_of(confirmation)
    assert "please answer the questions again" in text_of(confirmation)

    early = reminder_of(smtp, schedule, visits[2])
    assert "Nothing has changed: http" in early
    late = reminder_of(smtp, schedule, visits[3])
    assert "will no longer be current on the day of this visit" in late
    assert "Answer the questions again: http" in late and "/screening/" in late
    assert "Nothing has changed" not in late

    # Answered again on day 15: current until day 45, so every later visit is covered.
    with on_the_day(schedule, days=15):
        schedule.screen()
    assert visits_needing_reconfirmation(visits) == {}


def test_cancelling_the_rest_of_a_course_tells_the_patient_once(schedule, smtp):
    schedule.screen()
    visits = book_course(schedule, count=4)
    messages_send_due()
    smtp.clear()

    appointment_series_cancel_rest(
        appointment=visits[1], reason="Discharged", by=schedule.practice.front_desk
    )
    assert not Message.objects.filter(kind=CANCELLED, state=Message.State.QUEUED).exists()
    messages_send_due(now=visits[-1].starts_at)

    sent = smtp.to(schedule.practice.patient.email)
    [notice] = [m for m in sent if "cancelled" in str(m["Subject"])]
    assert str(notice["Subject"]).startswith("Your visits at Stoughton from Monday")
    body = text_of(notice)
    assert "The rest of your course of dry needling treatment at Stoughton is cancelled" in body
    assert "these 3 visits" in body and body.count("with Dana Reyes") == 3
    assert Message.objects.get(kind=SERIES_CANCELLED).state == Message.State.SENT
    # Only the first visit's reminder went out; the cancelled visits' were called off.
    assert [str(m["Subject"]).startswith("Reminder") for m in sent].count(True) == 1
    assert Message.objects.filter(kind=REMINDER, state=Message.State.SENT).count() == 1
