"""Links in a patient's messages, used as a patient would, read from a real SMTP server: the
reminder's "nothing has changed", a waitlist offer's accept, and a forgotten password. Each
acts once; an expired, reused or tampered link changes nothing and says why."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.models import AuditEvent
from needlecare.common.testing.factories import PatientFactory
from needlecare.common.testing.smtp import text_of
from needlecare.outbox.links import link_make
from needlecare.outbox.services import messages_send_due
from needlecare.scheduling.links import VISIT_SCREENING
from needlecare.scheduling.models import Appointment, Status, WaitlistOffer
from needlecare.scheduling.services import (
    appointment_book,
    appointment_cancel,
    waitlist_join,
)
from needlecare.screening.models import ScreeningConfirmation
from needlecare.web.tests.charting_helpers import as_, text
from needlecare.web.tests.test_screening_pages import answered

pytestmark = pytest.mark.django_db


def _link(message, label: str) -> str:
    match = re.search(rf"{re.escape(label)}: https?://[^/\s]+(/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def book(schedule, patient=None, at=None):
    p = schedule.practice
    return appointment_book(
        patient=patient or p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=at or schedule.at(10),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )


def _reminder(smtp, schedule, appointment):
    messages_send_due(now=appointment.starts_at - dt.timedelta(hours=5))
    [message] = [
        m for m in smtp.to(schedule.practice.patient.email) if "Reminder" in str(m["Subject"])
    ]
    return message


def test_nothing_has_changed_is_recorded_for_the_visit_once(client, schedule, smtp):
    screening = schedule.screen()
    appointment = book(schedule)
    url = _link(_reminder(smtp, schedule, appointment), "Nothing has changed")
    page = client.get(url)
    assert page.status_code == 200 and "Has anything about your health" in text(page)
    assert not ScreeningConfirmation.objects.exists()  # opening the link changes nothing
    done = client.post(url)
    assert "We have recorded that nothing has changed" in text(done)
    [confirmation] = ScreeningConfirmation.objects.all()
    assert confirmation.screening == screening and confirmation.confirmed_by is None
    event = AuditEvent.objects.get(action="screening.confirmed")
    assert event.data == {"appointment": appointment.pk}
    again = client.post(url)
    assert again.status_code == 400 and "already been used" in text(again)
    assert ScreeningConfirmation.objects.count() == 1


def test_a_link_for_a_visit_since_cancelled_records_nothing(client, schedule, smtp):
    schedule.screen()
    appointment = book(schedule)
    url = _link(_reminder(smtp, schedule, appointment), "Nothing has changed")
    appointment_cancel(appointment=appointment, reason="x", by=schedule.practice.front_desk)
    refused = client.post(url)
    assert refused.status_code == 400 and "moved or cancelled" in text(refused)
    assert not ScreeningConfirmation.objects.exists()


def test_an_expired_link_is_refused(client, schedule):
    schedule.screen()
    appointment = book(schedule)
    past = timezone.now() - dt.timedelta(minutes=1)
    token = link_make(VISIT_SCREENING, appointment.pk, expires=past)
    refused = client.post(f"/links/visit/{token}/")
    assert refused.status_code == 400 and "expired" in text(refused)
    assert not ScreeningConfirmation.objects.exists()


def test_new_answers_that_no_longer_clear_a_visit_tell_the_desk_and_therapist_at_once(
    client, schedule, smtp
):
    schedule.screen()
    appointment = book(schedule)
    patient = schedule.practice.patient
    as_(client, patient.user)
    answers = answered("pregnancy", regions=["neck"], confirm="on")
    assert client.post("/screening/", answers).status_code == 302
    messages_send_due()
    for person in (schedule.practice.therapist.user, schedule.practice.front_desk):
        [alert] = smtp.to(person.email)
        assert str(alert["Subject"]).startswith("Screening changed before a visit on")
    as_(client, schedule.practice.front_desk)
    page = client.get(f"/staff/appointments/{appointment.pk}/")
    assert "Screening changed" in text(page)


def test_a_waitlist_offer_is_accepted_from_its_message_once(client, schedule, smtp):
    schedule.screen()
    holder = book(schedule)
    waiting = PatientFactory(preferred_clinic=schedule.practice.stoughton)
    schedule.screen(waiting)
    waitlist_join(
        patient=waiting,
        clinic=schedule.practice.stoughton,
        type=schedule.dry_needling,
        first_day=schedule.day,
        last_day=schedule.day,
        planned_regions=["neck"],
        by=waiting.user,
    )
    appointment_cancel(appointment=holder, reason="Unwell", by=schedule.practice.front_desk)
    messages_send_due()
    [offer_message] = smtp.to(waiting.email)
    assert str(offer_message["Subject"]) == "A time has come free at Stoughton"
    assert "We are holding it for you until" in text_of(offer_message)
    url = _link(offer_message, "Accept this time")
    assert "Accept this time" in text(client.get(url))
    booked = client.post(url)
    assert "You are booked" in text(booked)
    appointment = Appointment.objects.get(patient=waiting, status=Status.CONFIRMED)
    assert WaitlistOffer.objects.get().appointment == appointment
    again = client.post(url)
    assert again.status_code == 400
    assert Appointment.objects.filter(patient=waiting).count() == 1
    messages_send_due()
    assert any("Your appointment at" in str(m["Subject"]) for m in smtp.to(waiting.email))


def test_a_forgotten_password_is_reset_through_a_link_that_works_once(client, practice, smtp):
    user = practice.patient.user
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    known = client.post("/accounts/password/reset/", {"email": user.email.upper()})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == "/accounts/password/reset/sent/"
    messages_send_due()
    [message] = smtp.received
    assert str(message["To"]) == user.email
    url = _link(message, "Choose a new password")
    page = client.get(url, follow=True)
    assert "Choose a new password" in text(page)
    new = "a-brand-new-passphrase-77"
    done = client.post(
        page.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password is changed" in text(done)
    assert User.objects.get(pk=user.pk).check_password(new)
    assert AuditEvent.objects.filter(action="user.password_reset", actor=user).count() == 1
    reused = client.get(url, follow=True)
    assert "cannot be used" in text(reused)
    client.logout()
    signed_in = client.post("/accounts/login/", {"username": user.email, "password": new})
    assert signed_in.status_code == 302


def test_a_staff_account_can_reset_its_password_too(client, practice, smtp):
    client.post("/accounts/password/reset/", {"email": practice.front_desk.email})
    messages_send_due()
    [message] = smtp.received
    assert "/accounts/password/reset/" in text_of(message)
