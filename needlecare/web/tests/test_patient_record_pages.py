"""The patient's record as a hub for staff: details they change (audited), appointments,
screening, consent, sessions for clinicians only, messages, and the actions; the invitation to
an online account, by email, with a link that works once; and the patient changing their own
contact details from their dashboard."""

import re

import pytest
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.models import AuditEvent
from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.smtp import text_of
from needlecare.outbox.models import Message
from needlecare.outbox.services import messages_send_due
from needlecare.patients.models import Patient
from needlecare.patients.services import PATIENT_INVITATION, patient_register_by_staff
from needlecare.scheduling.services import appointment_cancel
from needlecare.web.tests.booking_helpers import book
from needlecare.web.tests.charting_helpers import as_, open_session, text

pytestmark = pytest.mark.django_db


def record(patient) -> str:
    return f"/staff/patients/{patient.pk}/"


def registered_at_the_desk(practice, email="walk.in@example.org") -> Patient:
    return patient_register_by_staff(
        details={
            "first_name": "Wendy",
            "last_name": "Walkin",
            "date_of_birth": timezone.now().date().replace(year=1975),
            "phone": "781-555-0123",
            "email": email,
        },
        clinic=practice.stoughton,
        by=practice.front_desk,
    )


# --- The hub ------------------------------------------------------------------------------------


def test_the_front_desk_sees_the_record_without_treatment_notes(client, visit):
    p = visit.practice
    session = open_session(visit)
    later = book(visit.schedule, at=visit.schedule.at(9, days=7))
    cancelled = book(visit.schedule, at=visit.schedule.at(9, days=14))
    appointment_cancel(appointment=cancelled, reason="Away", by=p.front_desk)
    page = as_(client, p.front_desk).get(record(visit.patient))
    assert page.status_code == 200
    html, words = page.content.decode(), text(page)
    assert f'href="/staff/appointments/{later.pk}/"' in html.split("Past and cancelled")[0]
    assert f'href="/staff/appointments/{cancelled.pk}/"' in html.split("Past and cancelled")[1]
    assert "Cancelled" in words and "Checked in" in words
    assert "Consent in force" in words
    assert f'href="/staff/clinics/stoughton/schedule/book/?patient={visit.patient.pk}"' in html
    assert f'href="/staff/patients/{visit.patient.pk}/screening/"' in html
    assert f'href="/staff/patients/{visit.patient.pk}/clearances/new/"' in html
    assert f'href="/staff/patients/{visit.patient.pk}/edit/"' in html
    # Never the treatment record, its sessions, measures or letters.
    assert f"/staff/sessions/{session.pk}/" not in html and "Treatment sessions" not in words
    assert "/measures/" not in html and "/letters/" not in html


def test_clinicians_see_the_sessions_measures_and_letters(client, visit):
    session = open_session(visit)
    for who in (visit.therapist_user, visit.practice.admin):
        html = as_(client, who).get(record(visit.patient)).content.decode()
        assert f'href="/staff/sessions/{session.pk}/"' in html
        assert f'href="/staff/patients/{visit.patient.pk}/measures/"' in html
        assert f'href="/staff/patients/{visit.patient.pk}/letters/"' in html
        # Booking is for the front desk and clinic admins, not a therapist.
        assert ("?patient=" in html) == (who.role == "clinic_admin")


def test_the_record_is_for_the_patients_clinic_only(client, practice):
    assert as_(client, practice.outsider).get(record(practice.patient)).status_code == 404
    edit = f"{record(practice.patient)}edit/"
    assert client.get(edit).status_code == 404
    assert client.post(f"{record(practice.patient)}invite/").status_code == 404


# --- Changing the details -------------------------------------------------------------------


def test_staff_change_a_patients_details_and_the_change_is_audited(client, practice):
    patient = practice.patient
    as_(client, practice.front_desk)
    form = client.get(f"{record(patient)}edit/")
    assert form.status_code == 200 and "preferred_clinic" not in form.content.decode()
    response = client.post(
        f"{record(patient)}edit/",
        {
            "first_name": patient.first_name,
            "last_name": "Newname",
            "date_of_birth": patient.date_of_birth.isoformat(),
            "phone": "781-555-0999",
            "email": patient.email,
            "street": "1 Main St",
            "city": "Sharon",
            "state": "ma",
            "postal_code": "02067",
            "preferred_language": "pt-br",
        },
    )
    assert response.status_code == 302 and response["Location"] == record(patient)
    patient.refresh_from_db()
    assert (patient.last_name, patient.phone, patient.state) == ("Newname", "781-555-0999", "MA")
    assert patient.preferred_language == "pt-br"  # staff set it on the record
    [event] = audit_events_for_target("patients.patient", patient.pk).filter(
        action="patient.updated"
    )
    assert event.actor == practice.front_desk
    assert event.data == {
        "fields": [
            "last_name",
            "phone",
            "street",
            "city",
            "state",
            "postal_code",
            "preferred_language",
        ],
        "by_patient": False,
    }
    assert "Newname" in text(client.get(record(patient)))


def test_a_change_is_refused_with_registrations_checks(client, practice):
    patient = practice.patient
    as_(client, practice.therapist.user)
    base = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "phone": patient.phone,
        "email": patient.email,
        "preferred_language": "en",
    }
    old = client.post(f"{record(patient)}edit/", base | {"date_of_birth": "1850-01-01"})
    assert old.status_code == 400 and "Check the year of birth." in text(old)
    taken = client.post(f"{record(patient)}edit/", base | {"email": practice.other_patient.email})
    assert taken.status_code == 400
    assert "Another patient's record has this email address." in text(taken)
    blank = client.post(f"{record(patient)}edit/", base | {"phone": "   "})
    assert blank.status_code == 400
    patient.refresh_from_db()
    assert patient.date_of_birth.year != 1850 and patient.email != practice.other_patient.email
    assert not AuditEvent.objects.filter(action="patient.updated").exists()


# --- Inviting to an online account ----------------------------------------------------------


def test_an_invitation_sends_one_email_whose_link_sets_a_password_once(client, practice, smtp):
    patient = registered_at_the_desk(practice)
    as_(client, practice.front_desk)
    page = client.get(record(patient))
    assert "Invite to an online account" in text(page)
    response = client.post(f"{record(patient)}invite/")
    assert response.status_code == 302
    patient.refresh_from_db()
    user = patient.user
    assert user is not None and user.email == patient.email and user.role == "patient"
    assert not user.has_usable_password()
    assert audit_events_for_target("patients.patient", patient.pk).filter(
        action="patient.invited", actor=practice.front_desk
    )
    assert "Invited; no password chosen yet" in text(client.get(record(patient)))

    assert messages_send_due() == {"sent": 1}
    [message] = smtp.to(patient.email)
    assert str(message["Subject"]) == "Your online account with Stoughton"
    assert len(smtp.received) == 1
    link = re.search(r"Choose your password: https?://[^/\s]+(/\S+)", text_of(message))
    assert link, text_of(message)
    client.logout()
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in text(page)
    chosen = "a-first-passphrase-for-wendy"
    done = client.post(
        page.request["PATH_INFO"], {"new_password1": chosen, "new_password2": chosen}, follow=True
    )
    assert "Your password is changed" in text(done)
    assert User.objects.get(pk=user.pk).check_password(chosen)
    again = client.get(link.group(1), follow=True)
    assert "This link cannot be used" in text(again)
    signed_in = client.post("/accounts/login/", {"username": patient.email, "password": chosen})
    assert signed_in.status_code == 302
    assert client.get("/me/").status_code == 200


def test_an_invitation_not_taken_up_can_be_sent_again_but_not_once_taken(client, practice, smtp):
    patient = registered_at_the_desk(practice)
    as_(client, practice.front_desk)
    client.post(f"{record(patient)}invite/")
    again = client.post(f"{record(patient)}invite/")
    assert again.status_code == 302
    assert Message.objects.filter(kind=PATIENT_INVITATION).count() == 2
    assert "Send the invitation again" in text(client.get(record(patient)))
    user = User.objects.get(pk=Patient.objects.get(pk=patient.pk).user_id)
    user.set_password("a-password-now-chosen-1")
    user.save()
    # A queued invitation for an account that has chosen its password is not sent.
    assert messages_send_due() == {"cancelled": 2}
    refused = client.post(f"{record(patient)}invite/")
    assert refused.status_code == 400 and "already has an account" in text(refused)


def test_who_may_invite_and_whom(client, practice):
    as_(client, practice.front_desk)
    online = client.post(f"{record(practice.patient)}invite/")
    assert online.status_code == 400 and "already has an account" in text(online)
    assert "Invite to an online account" not in text(client.get(record(practice.patient)))
    no_email = registered_at_the_desk(practice, email="")
    page = text(client.get(record(no_email)))
    assert "add their email address first" in page
    refused = client.post(f"{record(no_email)}invite/")
    assert refused.status_code == 400 and "Add the patient's email address first" in text(refused)
    as_(client, practice.therapist.user)
    walk_in = registered_at_the_desk(practice)
    assert client.post(f"{record(walk_in)}invite/").status_code == 403
    assert Patient.objects.get(pk=walk_in.pk).user_id is None


# --- The patient's own details --------------------------------------------------------------


def test_a_patient_changes_their_contact_details_from_the_dashboard(client, practice):
    patient = practice.patient
    as_(client, patient.user)
    assert 'href="/me/details/"' in client.get("/me/").content.decode()
    form = client.get("/me/details/")
    assert form.status_code == 200
    assert 'name="first_name"' not in form.content.decode()
    response = client.post(
        "/me/details/",
        {
            "phone": "508-555-0142",
            "email": "new.address@example.org",
            "street": "9 Elm St",
            "city": "Canton",
            "state": "MA",
            "postal_code": "02021",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    patient.refresh_from_db()
    assert (patient.phone, patient.email, patient.city) == (
        "508-555-0142",
        "new.address@example.org",
        "Canton",
    )
    patient.user.refresh_from_db()
    assert patient.user.email != "new.address@example.org"  # they still sign in as before
    [event] = audit_events_for_target("patients.patient", patient.pk).filter(
        action="patient.updated"
    )
    assert event.actor == patient.user and event.data["by_patient"] is True
    dashboard = text(client.get("/me/"))
    assert "Your details are saved." in dashboard and "9 Elm St, Canton, MA 02021" in dashboard


def test_a_patient_cannot_clear_their_phone_or_use_staff_pages_for_it(client, practice):
    as_(client, practice.patient.user)
    refused = client.post("/me/details/", {"phone": "", "email": practice.patient.email})
    assert refused.status_code == 400
    assert client.get(f"{record(practice.patient)}edit/").status_code == 403
    as_(client, practice.front_desk)
    assert client.get("/me/details/").status_code == 403


def test_the_record_shows_times_in_the_clinics_zone(client, schedule):
    schedule.screen()
    visit = book(schedule, at=schedule.at(9))
    with on_the_day(schedule, hour=7):
        html = as_(client, schedule.practice.front_desk).get(record(schedule.practice.patient))
    assert f'<a href="/staff/appointments/{visit.pk}/">Monday,' in html.content.decode()
    assert "9:00 AM" in text(html)


def test_a_coming_visit_the_latest_screening_no_longer_clears_is_flagged(client, schedule):
    p = schedule.practice
    schedule.screen(None, regions=("neck",))
    coming = book(schedule, at=schedule.at(9, days=7))
    html = as_(client, p.front_desk).get(record(p.patient)).content.decode()
    assert "Screening changed" not in html
    schedule.screen(None, "cancer", regions=("neck",))  # answered again: now needs a clearance
    page = as_(client, p.front_desk).get(record(p.patient))
    coming_part = page.content.decode().split("Past and cancelled")[0]
    assert f'href="/staff/appointments/{coming.pk}/"' in coming_part
    assert "Screening changed" in coming_part
    assert "cannot open until that is resolved" in text(page)
    # Staff read the decision in clinicians' words, never its code.
    assert "Physician clearance required" in text(page)
    assert "physician_clearance_required" not in text(page)
