"""What a patient hears about their appointments, read off a real SMTP server: one confirmation
with the calendar file, one reminder for the visit's time as it is, none for a cancelled visit,
and nothing at all for a change that rolled back."""

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from needlecare.common.errors import DomainError
from needlecare.common.testing.smtp import attachments_of, text_of
from needlecare.common.time import clinic_zone
from needlecare.outbox.models import Message
from needlecare.outbox.services import messages_send_due
from needlecare.scheduling.models import Status
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
)
from needlecare.scheduling.services.notices import REMINDER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def book(schedule, *, at=None, status=Status.CONFIRMED):
    p = schedule.practice
    return appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=at or schedule.at(10),
        planned_regions=["neck"],
        booked_by=p.front_desk,
        status=status,
    )


def send_all_until(moment: dt.datetime) -> None:
    """Send everything due by `moment`, as the sender would have by then."""
    messages_send_due(now=moment)


def subjects(smtp, address):
    return [str(m["Subject"]) for m in smtp.to(address)]


def test_a_booking_sends_one_confirmation_with_the_calendar_file(schedule, smtp):
    schedule.screen()
    appointment = book(schedule)
    messages_send_due()
    messages_send_due()  # a second pass sends nothing again
    email = schedule.practice.patient.email
    [confirmation] = smtp.to(email)
    assert str(confirmation["Subject"]).startswith("Your appointment at Stoughton on Monday")
    body = text_of(confirmation)
    assert "Dry needling treatment with Dana Reyes at Stoughton" in body
    assert "781-436-0391" in body and "/me/appointments/" in body
    [ics] = attachments_of(confirmation).values()
    [event] = Calendar.from_ical(ics).events
    assert event.start == appointment.starts_at
    assert confirmation.get_body(preferencelist=("html",)) is not None
    stored = Message.objects.get(kind="appointment.booked")
    assert stored.state == Message.State.SENT and stored.subject == str(confirmation["Subject"])


def test_a_subject_never_names_a_condition(schedule, smtp):
    schedule.screen(None, "cancer")  # a precaution once cleared; here it needs a clearance
    schedule.screen(None, "diabetes")
    book(schedule)
    messages_send_due()
    [confirmation] = smtp.to(schedule.practice.patient.email)
    subject = str(confirmation["Subject"]).lower()
    assert "diabetes" not in subject and "needling" not in subject


def test_a_cancelled_visit_gets_one_cancellation_and_no_reminder(schedule, smtp):
    schedule.screen()
    appointment = book(schedule)
    appointment_cancel(
        appointment=appointment, reason="Feeling better", by=schedule.practice.front_desk
    )
    send_all_until(appointment.starts_at)
    assert subjects(smtp, schedule.practice.patient.email) == [
        "Your appointment on Monday, "
        f"{appointment.starts_at:%B} {appointment.starts_at.day} at 10:00 AM is cancelled"
    ]
    assert not Message.objects.filter(kind=REMINDER, state=Message.State.SENT).exists()


def test_a_moved_visit_is_reminded_once_for_its_new_time_only(schedule, smtp):
    schedule.screen()
    appointment = book(schedule)
    moved = appointment_reschedule(
        appointment=appointment, starts_at=schedule.at(14, days=1), by=schedule.practice.front_desk
    )
    send_all_until(moved.starts_at - dt.timedelta(hours=3))
    email = schedule.practice.patient.email
    reminders = [m for m in smtp.to(email) if str(m["Subject"]).startswith("Reminder")]
    [reminder] = reminders
    assert "Tuesday" in str(reminder["Subject"]) and "2:00 PM" in text_of(reminder)
    assert sum(1 for s in subjects(smtp, email) if "has moved" in s) == 1


def test_the_dry_needling_reminder_asks_to_reconfirm_the_screening(schedule, smtp):
    schedule.screen()
    appointment = book(schedule)
    send_all_until(appointment.starts_at - dt.timedelta(hours=3))
    [reminder] = [m for m in smtp.to(schedule.practice.patient.email) if "Reminder" in m["Subject"]]
    body = text_of(reminder)
    assert "Nothing has changed: http" in body and "/links/visit/" in body
    assert "Answer the questions again: http" in body


def test_a_rolled_back_booking_sends_nothing(schedule, smtp):
    schedule.screen()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        book(schedule)
        raise Boom
    assert not Message.objects.exists()
    messages_send_due()
    assert smtp.received == []


def test_a_request_is_acknowledged_then_confirmed(schedule, smtp):
    schedule.screen()
    appointment = book(schedule, status=Status.REQUESTED)
    messages_send_due()
    appointment_transition(
        appointment=appointment, action="confirm", by=schedule.practice.front_desk
    )
    messages_send_due()
    first, second = subjects(smtp, schedule.practice.patient.email)
    assert first.startswith("We have your request") and second.startswith("Your appointment at")


def test_a_patient_who_refuses_reminders_still_gets_the_confirmation(schedule, smtp):
    patient = schedule.practice.patient
    patient.reminders_wanted = False
    patient.save()
    schedule.screen()
    appointment = book(schedule)
    send_all_until(appointment.starts_at)
    assert [s[:4] for s in subjects(smtp, patient.email)] == ["Your"]


def test_text_messages_go_where_the_patient_asked(schedule, smtp, settings, tmp_path):
    outbox = tmp_path / "sms.jsonl"
    settings.NEEDLECARE_SMS_URL = f"file:{outbox}"
    patient = schedule.practice.patient
    patient.messages_by_email, patient.messages_by_sms = False, True
    patient.save()
    schedule.screen()
    book(schedule)
    messages_send_due()
    assert smtp.received == []
    [line] = outbox.read_text().splitlines()
    assert '"to": "781-555-0100"' in line and "Your appointment at Stoughton" in line


def test_an_unreachable_mail_server_is_retried_then_marked_failed(schedule, smtp):
    schedule.screen()
    appointment = book(schedule)
    smtp.refuse = True
    now = appointment.starts_at - dt.timedelta(days=5)
    confirmation = Message.objects.get(kind="appointment.booked")
    for _ in range(5):
        messages_send_due(now=now)
        now += dt.timedelta(hours=3)
    confirmation.refresh_from_db()
    assert confirmation.state == Message.State.FAILED and confirmation.attempts == 5
    assert "550" in confirmation.last_error
    assert smtp.received == []


def test_the_queued_reminder_falls_in_waking_hours(schedule):
    schedule.screen()
    appointment = book(schedule, at=schedule.at(8))
    reminder = Message.objects.get(kind=REMINDER)
    local = reminder.send_after.astimezone(clinic_zone(schedule.practice.stoughton))
    assert dt.time(8) <= local.time() < dt.time(21)
    assert appointment.starts_at - reminder.send_after >= dt.timedelta(hours=48)


SLOTS = [(day, hour) for day in range(5) for hour in (8, 10, 12, 14)]
operations = st.lists(
    st.one_of(
        st.tuples(st.just("book"), st.sampled_from(SLOTS)),
        st.tuples(st.just("move"), st.integers(0, 9), st.sampled_from(SLOTS)),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
    ),
    min_size=1,
    max_size=8,
)


class _Rollback(Exception):
    pass


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_every_active_visit_is_reminded_exactly_once_and_a_cancelled_one_never(schedule, ops):
    desk = schedule.practice.front_desk
    try:
        with transaction.atomic():
            schedule.screen()
            booked = []
            for op in ops:
                try:
                    if op[0] == "book":
                        booked.append(book(schedule, at=schedule.at(op[1][1], days=op[1][0])))
                    elif op[0] == "move" and booked:
                        day, hour = op[2]
                        appointment_reschedule(
                            appointment=booked[op[1] % len(booked)],
                            starts_at=schedule.at(hour, days=day),
                            by=desk,
                        )
                    elif op[0] == "cancel" and booked:
                        appointment_cancel(
                            appointment=booked[op[1] % len(booked)], reason="x", by=desk
                        )
                except DomainError:
                    pass  # a taken time or a second cancel: refused, and nothing queued
            messages_send_due(now=schedule.at(23, days=5))
            sent = Counter(
                int(m.target_id)
                for m in Message.objects.filter(kind=REMINDER, state=Message.State.SENT)
            )
            for appointment in booked:
                appointment.refresh_from_db()
                expected = 1 if appointment.status == Status.CONFIRMED else 0
                assert sent[appointment.pk] == expected, (ops, appointment.status)
            raise _Rollback
    except _Rollback:
        pass
