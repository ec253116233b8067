"""What staff hear and see of messages: a serious adverse event by email as well as in the app,
the weekly digest of credentials running out, what was sent to a patient, and what could not
be sent; and how a patient chooses to hear from the clinic."""

import datetime as dt

import pytest
from django.utils import timezone

from needlecare.charting.services import adverse_event_record
from needlecare.clinics.models import Credential
from needlecare.common.testing.smtp import text_of
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import run_periodic
from needlecare.outbox.services import messages_send_due
from needlecare.scheduling.services import appointment_book
from needlecare.web.mail.staff import CREDENTIALS_DIGEST
from needlecare.web.tests.charting_helpers import as_, open_session, signed_session, text

pytestmark = pytest.mark.django_db


def test_a_serious_adverse_event_reaches_the_clinics_admins_by_email(visit, smtp):
    session = open_session(visit)
    adverse_event_record(
        session=session,
        by=visit.therapist_user,
        category="pneumothorax",
        severity="serious",
        onset="under_24h",
        reported_by="patient",
    )
    messages_send_due()
    admin = visit.practice.admin
    [alert] = smtp.to(admin.email)
    assert str(alert["Subject"]) == "Serious adverse event at Stoughton"
    assert f"/staff/sessions/{session.pk}/" in text_of(alert)
    assert smtp.to(visit.practice.outsider_admin.email) == []


def test_admins_get_a_weekly_digest_of_credentials_running_out(practice, smtp):
    soon = timezone.now().date() + dt.timedelta(days=20)
    Credential.objects.filter(therapist=practice.therapist, kind="dry_needling").update(
        expires_on=soon
    )
    monday_morning = timezone.now() + dt.timedelta(days=(7 - timezone.now().weekday()) % 7 or 7)
    for _ in range(3):  # every poll of the week asks; the week's digest is queued once
        run_periodic(monday_morning.replace(hour=15))
    assert Message.objects.filter(kind=CREDENTIALS_DIGEST).count() == 1
    messages_send_due()
    [digest] = smtp.to(practice.admin.email)
    assert str(digest["Subject"]) == "Credentials running out at Stoughton"
    assert "Dana Reyes: Dry needling certification" in text_of(digest)


def test_staff_see_what_was_sent_to_a_patient(client, visit, smtp):
    signed_session(visit)
    messages_send_due()
    as_(client, visit.practice.front_desk)
    page = text(client.get(f"/staff/patients/{visit.patient.pk}/"))
    assert "Aftercare" in page and "Booking confirmation" in page and "Sent" in page


def test_clinic_admins_see_messages_that_could_not_be_sent(client, schedule, smtp):
    p = schedule.practice
    schedule.screen()
    appointment_book(
        patient=p.patient,
        clinic=p.stoughton,
        type=schedule.dry_needling,
        therapist=p.therapist,
        starts_at=schedule.at(10),
        planned_regions=["neck"],
        booked_by=p.front_desk,
    )
    smtp.refuse = True
    Message.objects.update(attempts=4)  # the confirmation's last try
    assert messages_send_due() == {"failed": 1}
    as_(client, p.admin)
    page = text(client.get("/staff/"))
    assert "Messages that could not be sent" in page and "Booking confirmation" in page
    assert "550" in page
    as_(client, p.front_desk)
    assert "could not be sent" not in text(client.get("/staff/"))


def test_a_patient_chooses_text_messages_and_no_reminders(client, practice):
    as_(client, practice.patient.user)
    page = client.get("/me/messages/")
    assert page.status_code == 200 and "aftercare" in text(page)
    saved = client.post("/me/messages/", {"by_sms": "on"})
    assert saved.status_code == 302
    practice.patient.refresh_from_db()
    assert (
        practice.patient.messages_by_email,
        practice.patient.messages_by_sms,
        practice.patient.reminders_wanted,
    ) == (False, True, False)


def test_a_patient_without_an_email_cannot_ask_for_email(client, practice):
    practice.patient.email = ""
    practice.patient.save()
    as_(client, practice.patient.user)
    refused = client.post("/me/messages/", {"by_email": "on"})
    assert refused.status_code == 400 and "no email address on your record" in text(refused)
