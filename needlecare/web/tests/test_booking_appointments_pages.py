"""Booking pages: the patient's own appointments (cancel, move) and the waitlist."""

import datetime as dt

import pytest

from needlecare.common.testing.factories import PatientFactory
from needlecare.scheduling.models import Appointment, Status, WaitlistEntry, WaitlistOffer
from needlecare.scheduling.services import appointment_cancel
from needlecare.web.tests.booking_helpers import MINE, book, offered, slot

pytestmark = pytest.mark.django_db


# --- The patient's appointments ----------------------------------------------------------------


def test_a_patient_cancels_with_a_reason(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation)
    client.force_login(p.patient.user)
    url = f"/me/appointments/{appointment.pk}/cancel/"

    missing = client.post(url, {"reason": " "})
    assert missing.status_code == 400
    assert f'id="cancel-{appointment.pk}-reason"' in missing.content.decode()
    assert "Give a reason for the cancellation." in missing.content.decode()

    response = client.post(url, {"reason": "Feeling better"}, follow=True)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.cancel_reason == "Feeling better"
    assert response.context["past"] == [appointment]
    assert "Your appointment is cancelled." in response.content.decode()

    again = client.post(url, {"reason": "Twice"})
    assert again.status_code == 409
    assert "cannot be cancelled" in again.content.decode()


def test_a_patient_moves_to_another_time_with_the_same_therapist(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient)
    appointment = book(schedule, at=schedule.at(9))
    client.force_login(p.patient.user)
    url = f"/me/appointments/{appointment.pk}/move/"

    page = client.get(url)
    assert page.status_code == 200
    values = offered(page)
    # Its own time does not block it, and the times are all with the same therapist.
    assert slot(schedule, 9, 15) in values
    assert all(v.startswith(f"{p.therapist.pk}@") for v in values)

    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"slot": slot(schedule, 11, days=1)})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == schedule.at(11, days=1)


def test_a_patient_cannot_see_or_touch_another_patients_appointment(client, schedule):
    p = schedule.practice
    theirs = book(schedule, patient=p.other_patient, type=schedule.evaluation)
    client.force_login(p.patient.user)

    assert client.get(f"/me/appointments/{theirs.pk}/move/").status_code == 404
    assert (
        client.post(f"/me/appointments/{theirs.pk}/move/", {"slot": slot(schedule, 11)}).status_code
        == 404
    )
    assert client.post(f"/me/appointments/{theirs.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"/staff/appointments/{theirs.pk}/").status_code == 403
    assert client.get(MINE).context["upcoming"] == []
    theirs.refresh_from_db()
    assert theirs.status == Status.CONFIRMED and theirs.starts_at == schedule.at(9)


def test_the_waitlist_offers_a_freed_time_and_the_patient_accepts(client, schedule):
    p = schedule.practice
    other = PatientFactory(preferred_clinic=p.stoughton)
    taken = book(schedule, patient=other, type=schedule.evaluation, at=schedule.at(9))
    client.force_login(p.patient.user)

    joined = client.post(
        "/me/waitlist/",
        {
            "type": schedule.evaluation.pk,
            "first_day": schedule.day.isoformat(),
            "last_day": (schedule.day + dt.timedelta(days=2)).isoformat(),
        },
    )
    assert joined.status_code == 302
    entry = WaitlistEntry.objects.get(patient=p.patient)

    appointment_cancel(appointment=taken, reason="Other plans", by=p.front_desk)
    offer = WaitlistOffer.objects.get(entry=entry)
    page = client.get(MINE)
    assert page.context["offers"] == [offer]
    assert "A time has come free for you" in page.content.decode()

    response = client.post(f"/me/waitlist/offers/{offer.pk}/accept/")

    assert response.status_code == 302
    mine = Appointment.objects.get(patient=p.patient)
    assert mine.starts_at == schedule.at(9)
    again = client.post(f"/me/waitlist/offers/{offer.pk}/accept/")
    assert again.status_code == 400
    assert "no longer open" in again.content.decode()


def test_waitlist_mistakes_are_explained(client, schedule):
    p = schedule.practice
    client.force_login(p.patient.user)

    backwards = client.post(
        "/me/waitlist/",
        {
            "type": schedule.evaluation.pk,
            "first_day": (schedule.day + dt.timedelta(days=2)).isoformat(),
            "last_day": schedule.day.isoformat(),
        },
    )
    assert backwards.status_code == 400
    assert "The last day must come after the first." in backwards.content.decode()

    unscreened = client.post(
        "/me/waitlist/",
        {
            "type": schedule.dry_needling.pk,
            "first_day": schedule.day.isoformat(),
            "last_day": schedule.day.isoformat(),
        },
    )
    assert unscreened.status_code == 400
    assert "answer the screening questions first" in unscreened.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_someone_elses_waitlist_offer_is_not_found(client, schedule):
    p = schedule.practice
    entry = WaitlistEntry.objects.create(
        patient=p.other_patient,
        clinic=p.stoughton,
        type=schedule.evaluation,
        first_day=schedule.day,
        last_day=schedule.day,
    )
    offer = WaitlistOffer.objects.create(
        entry=entry,
        therapist=p.therapist,
        starts_at=schedule.at(9),
        expires_at=schedule.at(8),
    )
    client.force_login(p.patient.user)
    assert client.post(f"/me/waitlist/offers/{offer.pk}/accept/").status_code == 404
    assert client.post(f"/me/waitlist/offers/{offer.pk}/decline/").status_code == 404
