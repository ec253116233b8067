"""Booking pages: the patient books online, step by step (clinic, appointment, time, confirm)."""

import datetime as dt
from urllib.parse import urlencode

import pytest

from needlecare.common.testing.factories import PatientFactory
from needlecare.scheduling.models import Appointment, AppointmentType
from needlecare.web.tests.booking_helpers import MINE, book, offered, slot

pytestmark = pytest.mark.django_db

BOOK = "/book/online/"


def steps(schedule, **choices) -> str:
    query = {
        "clinic": "stoughton",
        "type": "dry-needling",
        "therapist": "any",
        "week": schedule.day.isoformat(),
        "regions": ["neck"],
        **choices,
    }
    return BOOK + "?" + urlencode({k: v for k, v in query.items() if v is not None}, doseq=True)


# --- The patient books --------------------------------------------------------------------------


def test_a_screened_patient_books_dry_needling_step_by_step(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient, "blood_thinners")
    client.force_login(p.patient.user)

    clinics = client.get(BOOK)
    assert clinics.status_code == 200
    assert clinics.context["stage"] == "clinic"
    assert 'value="stoughton"' in clinics.content.decode()

    kinds = client.get(BOOK + "?clinic=stoughton")
    assert kinds.context["stage"] == "type"
    assert "Dry needling treatment" in kinds.content.decode()

    search = client.get(BOOK + "?clinic=stoughton&type=dry-needling")
    assert search.context["stage"] == "times"
    assert "days" not in search.context
    assert [c[0] for c in search.context["times_form"].fields["regions"].choices] == [
        "neck",
        "low_back",
    ]

    times = client.get(steps(schedule))
    assert times.status_code == 200
    assert times.context["stage"] == "times"
    values = offered(times)
    assert slot(schedule, 8) == values[0]
    assert slot(schedule, 9) in values
    html = times.content.decode()
    assert "Monday, " + f"{schedule.day:%B} {schedule.day.day}" in html
    assert "9:00 AM" in html and "Dana Reyes" in html
    # Each time is a plain link to the confirm step.
    assert 'href="?clinic=stoughton&amp;type=dry-needling&amp;therapist=any' in html

    confirm = client.get(steps(schedule, slot=slot(schedule, 9)))
    assert confirm.context["stage"] == "confirm"
    page = confirm.content.decode()
    assert f"{schedule.day:%A, %B} {schedule.day.day}, {schedule.day.year} at 9:00 AM" in page
    assert "Areas to be treated</dt><dd>Neck" in page

    response = client.post(steps(schedule, slot=slot(schedule, 9)))
    assert response.status_code == 302
    assert response["Location"] == MINE
    appointment = Appointment.objects.get()
    assert appointment.patient == p.patient
    assert appointment.starts_at == schedule.at(9)
    assert appointment.planned_regions == ["neck"]
    assert appointment.booked_by == p.patient.user
    assert [c["code"] for c in appointment.precautions] == ["blood_thinners"]

    mine = client.get(MINE)
    text = mine.content.decode()
    assert "You are booked for dry needling treatment with Dana Reyes" in text
    assert f"{schedule.day:%A, %B} {schedule.day.day} at 9:00 AM" in text
    assert "Confirmed" in text
    assert mine.context["upcoming"][0].appointment == appointment


def test_without_a_current_screening_the_patient_is_told_why_and_offered_no_times(client, schedule):
    p = schedule.practice
    client.force_login(p.patient.user)

    response = client.get(steps(schedule))

    assert response.status_code == 200
    assert response.context["stage"] == "blocked"
    assert "days" not in response.context and "times_form" not in response.context
    html = response.content.decode()
    assert "Dry needling needs a current safety screening first" in html
    assert 'href="/screening/"' in html
    assert p.stoughton.phone in html
    assert "time-chip" not in html

    refused = client.post(steps(schedule, slot=slot(schedule, 9)))
    assert refused.status_code == 400
    assert not Appointment.objects.exists()
    # An evaluation needs no screening.
    evaluation = client.get(steps(schedule, type="initial-evaluation", regions=None))
    assert evaluation.context["stage"] == "times"
    assert offered(evaluation)


def test_a_screening_that_clears_nothing_says_so(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient, "spina_bifida", regions=["low_back"])
    client.force_login(p.patient.user)

    response = client.get(steps(schedule, regions="low_back"))

    assert response.context["stage"] == "blocked"
    html = response.content.decode()
    assert "does not clear any area" in html
    assert "Low back: cannot be needled" in html
    # Ruled out, not waiting: no screening to answer first, the education page and the clinic.
    assert "Dry needling cannot be booked now" in html
    assert "needs a current safety screening first" not in html
    assert "Get the letter for your physician" not in html
    assert 'href="/"' in html and p.stoughton.phone in html


def test_a_screening_waiting_for_a_clearance_offers_the_letter_not_a_new_screening(
    client, schedule
):
    p = schedule.practice
    waiting = schedule.screen(p.patient, "cancer", regions=["neck"])
    client.force_login(p.patient.user)

    html = client.get(steps(schedule, regions="neck")).content.decode()

    assert "Dry needling needs your physician's recommendation first" in html
    assert "needs a current safety screening first" not in html
    assert f'action="/screening/{waiting.pk}/letter-for-my-physician/"' in html

    client.force_login(p.front_desk)
    staff_page = client.get(
        f"/staff/clinics/stoughton/schedule/book/?patient={p.patient.pk}&type=dry-needling"
    )
    staff_html = staff_page.content.decode()
    assert "Dry needling needs a physician's clearance first" in staff_html
    assert f'href="/staff/patients/{p.patient.pk}/clearances/new/"' in staff_html


def test_a_contraindicated_region_is_not_offered(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient, "spina_bifida")
    client.force_login(p.patient.user)

    search = client.get(BOOK + "?clinic=stoughton&type=dry-needling")
    assert [c[0] for c in search.context["times_form"].fields["regions"].choices] == ["neck"]
    assert "Not offered: low back (cannot be needled)" in search.content.decode()

    response = client.get(steps(schedule, regions="low_back"))
    assert response.status_code == 400
    assert "does not clear that area" in response.content.decode()
    assert "days" not in response.context

    # Sent anyway with a time: refused, nothing booked.
    assert (
        client.post(steps(schedule, regions="low_back", slot=slot(schedule, 9))).status_code == 400
    )
    assert not Appointment.objects.exists()


def test_choices_must_be_made_in_order_and_bad_ones_are_explained(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient)
    client.force_login(p.patient.user)
    AppointmentType.objects.create(
        clinic=p.stoughton,
        code="follow-up",
        name="Follow-up",
        duration_minutes=45,
        bookable_online=False,
    )

    no_areas = client.get(steps(schedule, regions=None))
    assert no_areas.status_code == 400
    assert "Choose at least one area to be treated." in no_areas.content.decode()

    # Not bookable online: the front desk books it.
    offline = client.get(steps(schedule, type="follow-up"))
    assert offline.status_code == 400
    assert offline.context["stage"] == "type"

    bad_slot = client.get(steps(schedule, slot="tomorrow"))
    assert bad_slot.status_code == 400
    assert "Choose one of the times offered." in bad_slot.content.decode()

    assert client.get(BOOK + "?clinic=nowhere").status_code == 400


def test_a_time_taken_meanwhile_is_refused_with_a_message(client, schedule):
    p = schedule.practice
    other = PatientFactory(preferred_clinic=p.stoughton)
    schedule.screen(p.patient)
    book(schedule, patient=other, type=schedule.evaluation, at=schedule.at(9))
    client.force_login(p.patient.user)

    response = client.post(steps(schedule, slot=slot(schedule, 9)))

    assert response.status_code == 409
    assert response.context["stage"] == "confirm"
    assert "is not free with Dana Reyes" in response.content.decode()
    assert not Appointment.objects.filter(patient=p.patient).exists()


def test_the_week_links_swap_only_the_times_for_htmx(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient)
    client.force_login(p.patient.user)

    full = client.get(steps(schedule))
    later = full.context["later"]
    assert f"week={schedule.day + dt.timedelta(days=7)}" in later

    fragment = client.get(BOOK + later, headers={"HX-Request": "true", "HX-Target": "slot-search"})

    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="slot-search"')
    assert "<html" not in html
    assert f"{schedule.day + dt.timedelta(days=7):%A, %B} " in html
