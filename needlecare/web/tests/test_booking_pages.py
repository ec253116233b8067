"""Booking pages: the patient's steps, their appointments and waitlist, and the staff schedule."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.clinics.models import Room
from needlecare.common.testing.factories import PatientFactory, TherapistFactory
from needlecare.scheduling.models import (
    Appointment,
    AppointmentType,
    Status,
    WaitlistEntry,
    WaitlistOffer,
    WorkingHours,
)
from needlecare.scheduling.services import appointment_book, appointment_cancel

pytestmark = pytest.mark.django_db

BOOK = "/book/online/"
MINE = "/me/appointments/"
SCHEDULE = "/staff/clinics/stoughton/schedule/"
# The number of queries the day view makes, whatever the day holds (see the pin below).
DAY_VIEW_QUERIES = 6


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def slot(schedule, hour, minute=0, *, days=0, therapist=None) -> str:
    therapist = therapist or schedule.practice.therapist
    return f"{therapist.pk}@{utc(schedule.at(hour, minute, days=days))}"


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
    assert again.status_code == 400
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


# --- Staff: the schedule ------------------------------------------------------------------------


def test_the_day_view_shows_each_therapists_appointments(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient, "blood_thinners")
    booked = book(schedule, at=schedule.at(9))
    gone = book(schedule, patient=p.other_patient, type=schedule.evaluation, at=schedule.at(11))
    appointment_cancel(appointment=gone, reason="Ill", by=p.front_desk)
    again = book(
        schedule,
        patient=PatientFactory(preferred_clinic=p.stoughton),
        type=schedule.evaluation,
        at=schedule.at(11),
    )
    part_time = TherapistFactory(user__clinics=[p.stoughton], user__full_name="Zoe Young")
    WorkingHours.objects.create(
        therapist=part_time, clinic=p.stoughton, weekday=0, starts=dt.time(9), ends=dt.time(12)
    )
    client.force_login(p.front_desk)

    response = client.get(f"{SCHEDULE}?day={schedule.day}")

    assert response.status_code == 200
    html = response.content.decode()
    assert [t.pk for t in response.context["therapists"]] == [p.therapist.pk, part_time.pk]
    assert f'href="/staff/patients/{p.patient.pk}/"' in html
    assert "9:00–9:45 AM" in html
    assert "Dry needling treatment · Room 1" in html
    assert "Blood thinners" in html
    assert "Cancelled" in html
    grid = response.context["grid"]
    cells = {row.time: row.cells[0] for row in grid if row.cells[0] is not None}
    assert [v.appointment for v in cells[dt.time(9)].visits] == [booked]
    assert cells[dt.time(9)].rowspan == 3
    # The cancelled visit and the one that took its time share one cell.
    assert {v.appointment for v in cells[dt.time(11)].visits} == {gone, again}
    assert response.context["count"] == 2
    # Rows span the working day; outside a therapist's hours the cells are marked off.
    assert (grid[0].time, grid[-1].time) == (dt.time(8), dt.time(15, 45))
    hours = {row.time: row.cells[1].working for row in grid}
    assert (hours[dt.time(8, 45)], hours[dt.time(9)], hours[dt.time(11, 45)]) == (False, True, True)
    assert hours[dt.time(12)] is False
    assert f"?day={schedule.day - dt.timedelta(days=1)}" in html
    assert f"?day={schedule.day + dt.timedelta(days=1)}" in html


def test_the_week_view_lists_appointments_by_therapist_and_day(client, schedule):
    p = schedule.practice
    schedule.screen(p.patient)
    book(schedule, at=schedule.at(9, days=2))
    client.force_login(p.admin)

    response = client.get(f"{SCHEDULE}?day={schedule.day + dt.timedelta(days=3)}&view=week")

    assert response.status_code == 200
    assert response.context["days"][0] == schedule.day
    [row] = response.context["rows"]
    assert [len(cell.visits) for cell in row.days] == [0, 0, 1, 0, 0, 0, 0]
    assert [cell.working for cell in row.days] == [True] * 5 + [False] * 2


def _busy_day(schedule, count: int) -> None:
    """count evaluations on schedule.day: four therapists, four rooms, a patient each."""
    p = schedule.practice
    for n in range(2):
        Room.objects.create(clinic=p.stoughton, name=f"Extra room {n}")
    therapists = [p.therapist]
    for _ in range(3):
        t = TherapistFactory(user__clinics=[p.stoughton])
        WorkingHours.objects.create(
            therapist=t, clinic=p.stoughton, weekday=0, starts=dt.time(8), ends=dt.time(16)
        )
        therapists.append(t)
    for n in range(count):
        book(
            schedule,
            patient=PatientFactory(preferred_clinic=p.stoughton),
            type=schedule.evaluation,
            therapist=therapists[n % 4],
            at=schedule.at(8 + n // 4),
        )


@pytest.mark.parametrize("count", [1, 20])
def test_the_day_view_makes_a_fixed_number_of_queries(
    client, schedule, count, django_assert_max_num_queries
):
    _busy_day(schedule, count)
    client.force_login(schedule.practice.front_desk)
    url = f"{SCHEDULE}?day={schedule.day}"
    client.get(url)  # the session and the user, loaded once

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    with django_assert_max_num_queries(DAY_VIEW_QUERIES):
        client.get(url)

    assert response.status_code == 200
    assert response.context["count"] == count
    assert len(queries) == DAY_VIEW_QUERIES


# --- Staff: booking, moving, cancelling, checking in --------------------------------------------


def test_the_front_desk_books_for_a_patient(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    AppointmentType.objects.create(
        clinic=p.stoughton,
        code="follow-up",
        name="Physical therapy follow-up",
        duration_minutes=45,
        bookable_online=False,
    )
    base = f"{SCHEDULE}book/"

    chooser = client.get(base + "?q=" + p.patient.last_name)
    assert chooser.status_code == 200
    assert f'href="?patient={p.patient.pk}"' in chooser.content.decode()

    kinds = client.get(f"{base}?patient={p.patient.pk}")
    assert kinds.context["stage"] == "type"
    assert "Physical therapy follow-up" in kinds.content.decode()

    query = {
        "patient": p.patient.pk,
        "type": "follow-up",
        "therapist": p.therapist.pk,
        "week": schedule.day.isoformat(),
    }
    times = client.get(base + "?" + urlencode(query))
    assert slot(schedule, 10) in offered(times)

    response = client.post(base + "?" + urlencode({**query, "slot": slot(schedule, 10)}))

    assert response.status_code == 302
    assert response["Location"] == f"{SCHEDULE}?day={schedule.day}"
    appointment = Appointment.objects.get()
    assert appointment.type.code == "follow-up"
    assert appointment.booked_by == p.front_desk
    assert appointment.starts_at == schedule.at(10)


def test_staff_book_only_patients_of_their_clinic(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    assert client.get(f"{SCHEDULE}book/?patient={p.other_patient.pk}").status_code == 404
    assert client.get(f"{SCHEDULE}book/?patient=nobody").status_code == 404


def test_dry_needling_for_an_unscreened_patient_sends_staff_to_screen(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    response = client.get(f"{SCHEDULE}book/?patient={p.patient.pk}&type=dry-needling")
    assert response.context["stage"] == "blocked"
    assert f'href="/staff/patients/{p.patient.pk}/screening/"' in response.content.decode()


def test_the_front_desk_moves_and_cancels(client, schedule):
    p = schedule.practice
    second = TherapistFactory(user__clinics=[p.stoughton])
    WorkingHours.objects.create(
        therapist=second, clinic=p.stoughton, weekday=1, starts=dt.time(9), ends=dt.time(12)
    )
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    client.force_login(p.front_desk)
    move = f"/staff/appointments/{appointment.pk}/move/"

    page = client.get(move + f"?from={schedule.day}")
    assert slot(schedule, 10, days=1, therapist=second) in offered(page)

    moved = client.post(
        move + f"?from={schedule.day}", {"slot": slot(schedule, 10, days=1, therapist=second)}
    )
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == schedule.at(10, days=1)
    assert appointment.therapist == second

    cancel = f"/staff/appointments/{appointment.pk}/cancel/"
    empty = client.post(cancel, {"reason": ""})
    assert empty.status_code == 400
    assert "Give a reason for the cancellation." in empty.content.decode()
    assert client.post(cancel, {"reason": "Patient called"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    # A cancelled appointment cannot be moved: said in words, not a server error.
    refused = client.post(move, {"slot": slot(schedule, 11, days=1, therapist=second)})
    assert refused.status_code == 400
    assert "cannot be moved" in refused.content.decode()


def test_check_in_and_complete_from_the_day_view(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    status = f"/staff/appointments/{appointment.pk}/status/"
    day = f"{SCHEDULE}?day={schedule.day}"

    client.force_login(p.front_desk)
    response = client.post(status, {"action": "check_in", "next": day})
    assert response.status_code == 302 and response["Location"] == day
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN

    client.force_login(p.therapist.user)
    outside = client.post(status, {"action": "complete", "next": "https://elsewhere.example/"})
    assert outside["Location"] == f"/staff/appointments/{appointment.pk}/"
    appointment.refresh_from_db()
    assert appointment.status == Status.COMPLETED

    wrong = client.post(status, {"action": "check_in"})
    assert wrong.status_code == 400
    assert "Only a confirmed appointment can be marked checked in" in wrong.content.decode()


def test_therapists_check_in_and_complete_but_do_not_cancel_move_or_mark_no_shows(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    client.force_login(p.therapist.user)

    page = client.get(f"/staff/appointments/{appointment.pk}/")
    assert [a for a, _ in page.context["actions"]] == ["check_in"]
    assert "Cancel the appointment" not in page.content.decode()
    no_show = client.post(f"/staff/appointments/{appointment.pk}/status/", {"action": "no_show"})
    assert no_show.status_code == 403
    assert "Only the front desk or a clinic admin" in no_show.content.decode()
    assert (
        client.post(f"/staff/appointments/{appointment.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )
    assert client.get(f"/staff/appointments/{appointment.pk}/move/").status_code == 403
    assert client.get(f"{SCHEDULE}book/").status_code == 403
    assert client.get(f"{SCHEDULE}?day={schedule.day}").status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED


def test_staff_of_another_clinic_get_not_found(client, schedule):
    p = schedule.practice
    appointment = book(schedule, type=schedule.evaluation, at=schedule.at(9))
    for outsider in (p.outsider, p.outsider_admin):
        client.force_login(outsider)
        assert client.get(SCHEDULE).status_code == 404
        assert client.get(f"{SCHEDULE}?view=week").status_code == 404
        assert client.get(f"{SCHEDULE}book/?patient={p.patient.pk}").status_code == 404
        base = f"/staff/appointments/{appointment.pk}/"
        assert client.get(base).status_code == 404
        assert client.post(base + "status/", {"action": "check_in"}).status_code == 404
        assert client.post(base + "cancel/", {"reason": "x"}).status_code == 404
        assert client.get(base + "move/").status_code == 404
        assert client.post(base + "move/", {"slot": slot(schedule, 11)}).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.CONFIRMED and appointment.starts_at == schedule.at(9)


def test_the_schedule_pages_link_to_each_other(client, schedule):
    p = schedule.practice
    client.force_login(p.front_desk)
    html = client.get(SCHEDULE).content.decode()
    assert re.search(r'href="/staff/clinics/stoughton/schedule/book/"', html)
    assert (
        'href="/staff/clinics/stoughton/schedule/"'
        in client.get("/staff/clinics/stoughton/").content.decode()
    )
    client.force_login(p.patient.user)
    dashboard = client.get("/me/").content.decode()
    assert 'href="/book/online/"' in dashboard and 'href="/me/appointments/"' in dashboard
