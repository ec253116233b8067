"""The clinic's cancellation policy in what a patient is sent, read off a real SMTP server: the
confirmation and the reminder state the late-cancellation window when the clinic has one (and
say nothing of it when it has none); a visit called off late still gets its cancellation."""

import datetime as dt

import pytest
import time_machine

from needlecare.common.testing.smtp import text_of
from needlecare.outbox.models import Message
from needlecare.outbox.services import messages_send_due
from needlecare.scheduling.models import Status
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
)
from needlecare.scheduling.services.notices import CANCELLED, REMINDER

pytestmark = pytest.mark.django_db


def policy(hours: str) -> str:
    return (
        f"Cancellation policy: you can cancel or move a visit online until {hours} before it "
        "starts. After that, call Stoughton at 781-436-0391; a visit called off within "
        f"{hours} of its start is recorded as a late cancellation, and a visit missed without "
        "a call as a no-show."
    )


def html_of(message) -> str:  # type: ignore[no-untyped-def]
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def book(schedule, *, by=None):  # type: ignore[no-untyped-def]
    p = schedule.practice
    return appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=schedule.at(9),
        booked_by=by or p.front_desk,
    )


def sent(smtp, schedule, start: str):  # type: ignore[no-untyped-def]
    """The one email to the patient whose subject starts so."""
    found = [
        m for m in smtp.to(schedule.practice.patient.email) if str(m["Subject"]).startswith(start)
    ]
    assert len(found) == 1, [str(m["Subject"]) for m in smtp.received]
    return found[0]


@pytest.mark.parametrize(("hours", "words"), [(24, "24 hours"), (1, "1 hour"), (0, None)])
def test_the_confirmation_and_the_reminder_state_the_policy_when_there_is_a_window(
    schedule, smtp, hours, words
):
    clinic = schedule.practice.stoughton
    clinic.late_cancel_hours = hours
    clinic.save()
    appointment = book(schedule)

    messages_send_due()
    confirmation = sent(smtp, schedule, "Your appointment at Stoughton on Monday")
    messages_send_due(now=appointment.starts_at - dt.timedelta(hours=5))
    reminder = sent(smtp, schedule, "Reminder: your appointment on Monday")

    for message in (confirmation, reminder):
        body = text_of(message)
        assert "Initial evaluation with Dana Reyes at Stoughton" in body
        if words is None:
            assert "Cancellation policy" not in body
            assert "late cancellation" not in body
            assert "Cancellation policy" not in html_of(message)
        else:
            assert policy(words) in body
            assert "Cancellation policy: you can cancel or move a visit online until" in (
                html_of(message)
            )


def test_a_request_is_acknowledged_with_the_policy_too(schedule, smtp):
    p = schedule.practice
    p.stoughton.no_shows_before_requests = 1
    p.stoughton.save()
    missed = appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        therapist=p.therapist,
        starts_at=schedule.at(8),
        booked_by=p.front_desk,
    )
    with time_machine.travel(schedule.at(8, 15), tick=False):
        # One missed visit: the patient's next online booking is a request for staff to confirm.
        appointment_transition(appointment=missed, action="no_show", by=p.front_desk)
        requested = book(schedule, by=p.patient.user)
        assert requested.status == Status.REQUESTED
        messages_send_due()

    body = text_of(sent(smtp, schedule, "We have your request for Monday"))
    assert "We have your request and will confirm it shortly:" in body
    assert policy("24 hours") in body


def test_a_late_cancellation_is_sent_its_cancellation_and_no_reminder(schedule, smtp):
    appointment = book(schedule)
    messages_send_due()
    smtp.clear()

    with time_machine.travel(schedule.at(8), tick=False):
        appointment_cancel(
            appointment=appointment,
            reason="Overslept",
            by=schedule.practice.front_desk,
            kind="patient",
        )
    appointment.refresh_from_db()
    assert appointment.status == Status.LATE_CANCELLED
    messages_send_due(now=schedule.at(8))

    notice = sent(smtp, schedule, "Your appointment on Monday")
    day = f"{schedule.day:%A, %B} {schedule.day.day}"
    assert str(notice["Subject"]) == f"Your appointment on {day} at 9:00 AM is cancelled"
    body = text_of(notice)
    assert f"Your initial evaluation on {day} at 9:00 AM at Stoughton is cancelled." in body
    assert "To book another time, use the booking page or call Stoughton at 781-436-0391." in body
    assert Message.objects.get(kind=CANCELLED).state == Message.State.SENT
    assert Message.objects.get(kind=REMINDER).state == Message.State.CANCELLED
    assert not [m for m in smtp.received if str(m["Subject"]).startswith("Reminder")]


def test_a_moved_visit_restates_the_policy(schedule, smtp):
    appointment = book(schedule)
    appointment_reschedule(
        appointment=appointment,
        starts_at=schedule.at(11),
        therapist=schedule.practice.therapist,
        by=schedule.practice.front_desk,
    )
    messages_send_due()

    body = text_of(sent(smtp, schedule, "Your appointment has moved to Monday"))
    assert "11:00 AM" in body
    assert policy("24 hours") in body
