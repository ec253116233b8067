"""The staff home page, the working day for each role: the front desk's arrivals and free time,
the therapist's visits with their safety state, the clinic admin's week; and the staff
navigation. The tests travel to the schedule's Monday (or the weekend before it)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlecare.charting.models import AdverseEvent
from needlecare.charting.services import (
    consent_countersign,
    consent_document_publish,
    consent_sign,
    session_open,
)
from needlecare.clinics.models import Credential, OpeningHours, Room
from needlecare.common.testing.charting import CONSENT_TEXT
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.factories import (
    PASSWORD,
    CredentialFactory,
    PatientFactory,
    TherapistFactory,
)
from needlecare.scheduling.models import AppointmentType, Status, WorkingHours
from needlecare.scheduling.services import appointment_book, appointment_transition
from needlecare.web.tests.booking_helpers import book
from needlecare.web.tests.charting_helpers import as_, text

pytestmark = pytest.mark.django_db

HOME = "/staff/"
# What the front desk's page costs, however many visits: the session, the user, their clinics;
# per clinic its working day (opening hours, closures), the arrivals, their safety (latest
# screenings, confirmations, consents, consent documents, changed screenings), the types, the
# free time and its therapists; and the notifications; the second factor the session was
# verified with (django-otp); and one INSERT recording the read of the visits shown.
DESK_QUERIES = 17


def consented(schedule, patient, document):
    """The patient signs the consent at the desk and Dana countersigns it."""
    p = schedule.practice
    consent = consent_sign(
        patient=patient,
        document=document,
        signed_name=patient.full_name,
        agreed=True,
        by=p.front_desk,
        witness=p.front_desk,
    )
    return consent_countersign(consent=consent, therapist=p.therapist, by=p.therapist.user)


@pytest.fixture
def document(schedule):
    p = schedule.practice
    return consent_document_publish(
        clinic=p.stoughton, title="Consent to dry needling", body=CONSENT_TEXT, by=p.admin
    )


@pytest.fixture
def monday(schedule, document):
    """Monday's list at Stoughton: a screened, consented patient for dry needling at 9:00 and a
    new patient for an evaluation at 11:00."""
    p = schedule.practice
    schedule.screen(None, "diabetes", regions=("neck", "low_back"))
    consented(schedule, p.patient, document)
    needling = book(schedule, at=schedule.at(9), regions=("neck",))
    newcomer = PatientFactory(preferred_clinic=p.stoughton, first_name="Nora", last_name="Newman")
    evaluation = book(schedule, patient=newcomer, type=schedule.evaluation, at=schedule.at(11))
    return needling, evaluation


def foxboro_visit(practice, day_at):
    """A Foxboro evaluation for the Foxboro patient, with Foxboro's own therapist and hours."""
    fox = practice.foxboro
    alex = TherapistFactory(user__clinics=[fox], user__full_name="Alex Brooks")
    start = day_at.astimezone(dt.UTC)
    for weekday in range(5):
        OpeningHours.objects.create(
            clinic=fox, weekday=weekday, opens=dt.time(7), closes=dt.time(18)
        )
        WorkingHours.objects.create(
            therapist=alex, clinic=fox, weekday=weekday, starts=dt.time(8), ends=dt.time(16)
        )
    Room.objects.create(clinic=fox, name="Room A")
    kind = AppointmentType.objects.create(
        clinic=fox, code="initial-evaluation", name="Foxboro evaluation", duration_minutes=60
    )
    return appointment_book(
        patient=practice.other_patient,
        clinic=fox,
        type=kind,
        therapist=alex,
        starts_at=start,
        planned_regions=[],
        booked_by=practice.outsider,
    )


# --- The front desk -------------------------------------------------------------------------


def test_the_front_desk_sees_todays_arrivals_with_what_must_hold(client, schedule, monday):
    p = schedule.practice
    needling, evaluation = monday
    with on_the_day(schedule, hour=7):
        page = as_(client, p.front_desk).get(HOME)
    assert page.status_code == 200
    words = text(page)
    assert "Stoughton, today, Monday" in words
    row = re.search(rf"9:00–9:45 AM {p.patient.full_name} Dana Reyes (.*?)Check in", words)
    assert row, words
    # The appointment; screening current, consent in force, no clearance needed.
    assert row.group(1) == "Dry needling treatment Current In force None "
    assert "11:00 AM–12:00 PM Nora Newman Dana Reyes Initial evaluation Not needed" in words
    html = page.content.decode()
    transition = f'action="/staff/appointments/{needling.pk}/status/"'
    assert transition in html and 'name="next" value="/staff/"' in html
    assert 'href="/staff/clinics/stoughton/schedule/book/"' in html
    # Dana's free time: before the first visit, between the two, and after the second.
    free = re.search(r"Free time Dana Reyes : (.*?) Book a free time", words)
    assert free, words
    assert [span.split(" (")[0] for span in free.group(1).split(" ; ")] == [
        "8:00–9:00 AM",
        "10:00–11:00 AM",
        "12:00–4:00 PM",
    ]


def test_the_front_desk_sees_what_is_missing_before_dry_needling(client, schedule, document):
    p = schedule.practice
    # Booked on a clear screening; answered again since: cancer needs a physician's clearance.
    schedule.screen(None, regions=("neck",))
    book(schedule, at=schedule.at(9))
    schedule.screen(None, "cancer", regions=("neck",))
    with on_the_day(schedule, hour=7):
        page = as_(client, p.front_desk).get(HOME)
    words = text(page)
    assert f"{p.patient.full_name} Dana Reyes Dry needling treatment Screening changed" in words
    assert "Screening changed Needed Consent Needed Cancer Record" in words
    html = page.content.decode()
    assert f'aria-label="Consent of {p.patient.full_name}"' in html
    assert f'href="/staff/patients/{p.patient.pk}/clearances/new/"' in html


def test_checking_in_from_the_arrivals_comes_back_to_them(client, schedule, monday):
    p = schedule.practice
    needling, _ = monday
    with on_the_day(schedule, hour=8, minute=50):
        as_(client, p.front_desk)
        response = client.post(
            f"/staff/appointments/{needling.pk}/status/", {"action": "check_in", "next": HOME}
        )
        assert response.status_code == 302 and response["Location"] == HOME
        page = client.get(HOME)
    needling.refresh_from_db()
    assert needling.status == Status.CHECKED_IN
    assert f"{p.patient.full_name}: checked in." in text(page)
    assert f'action="/staff/appointments/{needling.pk}/status/"' not in page.content.decode()


def test_on_a_weekend_the_front_desk_sees_the_next_working_day(client, schedule, monday):
    p = schedule.practice
    with on_the_day(schedule, days=-2, hour=10):  # the Saturday before
        page = as_(client, p.front_desk).get(HOME)
    words = text(page)
    saturday = schedule.day - dt.timedelta(days=2)
    assert (
        f"Stoughton is closed today, Saturday, {saturday:%B} {saturday.day}. This is the next "
        f"working day, Monday, {schedule.day:%B} {schedule.day.day}." in words
    )
    assert p.patient.full_name in words and "Nora Newman" in words
    assert "Check in" not in words and "Not yet" in words  # check-in is on the day only


def test_the_front_desk_of_stoughton_sees_no_foxboro_arrivals(client, schedule, monday):
    p = schedule.practice
    foxboro_visit(p, schedule.at(9))
    with on_the_day(schedule, hour=7):
        stoughton = text(as_(client, p.front_desk).get(HOME))
        foxboro = text(as_(client, p.outsider).get(HOME))
    assert p.other_patient.full_name not in stoughton and "Foxboro" not in stoughton
    assert p.patient.full_name in stoughton
    assert p.other_patient.full_name in foxboro and "Foxboro evaluation" in foxboro
    assert p.patient.full_name not in foxboro and "Nora Newman" not in foxboro


def test_the_front_desk_never_sees_treatment_records(client, schedule, monday):
    p = schedule.practice
    needling, _ = monday
    with on_the_day(schedule, hour=9):
        appointment_transition(appointment=needling, action="check_in", by=p.front_desk)
        session = session_open(
            appointment=needling, regions=["neck"], by=p.therapist.user, no_changes_confirmed=True
        )
        desk = as_(client, p.front_desk).get(HOME).content.decode()
        therapist = as_(client, p.therapist.user).get(HOME).content.decode()
    # No link to a treatment record (/staff/appointments/<id>/session/ or /staff/sessions/).
    assert "/staff/sessions/" not in desk and not re.search(r"/\d+/session/", desk)
    assert "treatment record" not in desk.lower() and "Precautions" not in desk
    assert f'href="/staff/sessions/{session.pk}/"' in therapist


@pytest.mark.parametrize("count", [1, 20])
def test_the_arrivals_page_makes_a_fixed_number_of_queries(client, schedule, document, count):
    """However many visits (each screened and consented for dry needling, with several
    therapists), the front desk's page costs the same queries."""
    p = schedule.practice
    therapists = [p.therapist]
    for n in range(3):
        extra = TherapistFactory(user__clinics=[p.stoughton], user__full_name=f"Therapist {n}")
        for kind in (Credential.Kind.DRY_NEEDLING, Credential.Kind.PT_LICENSE):
            CredentialFactory(therapist=extra, kind=kind)
        for weekday in range(5):
            WorkingHours.objects.create(
                therapist=extra,
                clinic=p.stoughton,
                weekday=weekday,
                starts=dt.time(8),
                ends=dt.time(16),
            )
        therapists.append(extra)
    for n in range(2):
        Room.objects.create(clinic=p.stoughton, name=f"Room {n + 3}")
    for n in range(count):
        patient = PatientFactory(preferred_clinic=p.stoughton)
        schedule.screen(patient, "diabetes", regions=("neck",))
        consented(schedule, patient, document)
        book(
            schedule,
            patient=patient,
            therapist=therapists[n % 4],
            at=schedule.at(8 + n // 4),
        )
    with on_the_day(schedule, hour=7):
        as_(client, p.front_desk)
        client.get(HOME)  # the session and the user, loaded once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HOME)
    assert response.status_code == 200
    assert len(response.context["days"][0].rows) == count
    assert len(queries) == DESK_QUERIES, "\n".join(q["sql"] for q in queries.captured_queries)


# --- The therapist --------------------------------------------------------------------------


def test_a_therapist_sees_each_visits_safety_before_the_session(client, schedule, monday):
    p = schedule.practice
    needling, evaluation = monday
    with on_the_day(schedule, hour=8):
        appointment_transition(appointment=needling, action="check_in", by=p.front_desk)
        page = as_(client, p.therapist.user).get(HOME)
    words = text(page)
    assert "Today, Monday" in words
    visit = re.search(rf"9:00–9:45 AM: {p.patient.full_name} (.*?) Open treatment record", words)
    assert visit, words
    safety = visit.group(1)
    assert "Dry needling treatment at Stoughton" in safety and "Checked in" in safety
    assert "Areas: cleared: Neck." in safety
    assert "Precautions: Diabetes" in safety
    assert "Consent: signed" in safety
    assert "not re-confirmed since booking: ask the patient whether anything has changed" in safety
    html = page.content.decode()
    assert f'href="/staff/appointments/{needling.pk}/session/"' in html
    assert f'href="/staff/appointments/{evaluation.pk}/session/"' not in html
    assert 'href="/staff/calendar/"' in html


def test_a_therapist_sees_a_changed_screening_flagged(client, schedule, document):
    p = schedule.practice
    schedule.screen(None, regions=("neck", "low_back"))
    consented(schedule, p.patient, document)
    book(schedule, at=schedule.at(10), regions=("neck", "low_back"))
    schedule.screen(None, "spina_bifida", regions=("neck", "low_back"))
    with on_the_day(schedule, hour=8):
        words = text(as_(client, p.therapist.user).get(HOME))
    assert "Areas: cleared: Neck. Not cleared: Low back." in words
    assert "Changed Screening: the patient answered again since booking" in words


def test_a_therapist_sees_only_their_own_visits(client, schedule, monday):
    p = schedule.practice
    sam = TherapistFactory(user__clinics=[p.stoughton], user__full_name="Sam Patel")
    WorkingHours.objects.create(
        therapist=sam, clinic=p.stoughton, weekday=0, starts=dt.time(8), ends=dt.time(16)
    )
    with on_the_day(schedule, hour=8):
        dana = text(as_(client, p.therapist.user).get(HOME))
        theirs = text(as_(client, sam.user).get(HOME))
    assert p.patient.full_name in dana and "Nora Newman" in dana
    assert p.patient.full_name not in theirs and "Nothing is booked with you today" in theirs


def test_on_a_weekend_a_therapist_sees_their_next_working_day(client, schedule, monday):
    p = schedule.practice
    with on_the_day(schedule, days=-1, hour=9):  # Sunday
        words = text(as_(client, p.therapist.user).get(HOME))
    assert "You have no visits today, Sunday" in words
    assert f"This is your next working day, Monday, {schedule.day:%B} {schedule.day.day}" in words
    assert p.patient.full_name in words


# --- The clinic admin -----------------------------------------------------------------------


def test_a_clinic_admin_sees_the_week_at_a_glance(client, schedule, monday):
    p = schedule.practice
    needling, _ = monday
    waiting = PatientFactory(preferred_clinic=p.stoughton, first_name="Cora", last_name="Waite")
    schedule.screen(waiting, "cancer", regions=("neck",))
    ruled_out = PatientFactory(preferred_clinic=p.stoughton, first_name="Rhea", last_name="Out")
    schedule.screen(ruled_out, "pregnancy", regions=("neck",))  # not waiting for anyone
    Credential.objects.filter(therapist=p.therapist, kind=Credential.Kind.PT_LICENSE).update(
        expires_on=schedule.day + dt.timedelta(days=10)
    )
    with on_the_day(schedule, hour=9):
        appointment_transition(appointment=needling, action="check_in", by=p.front_desk)
        session = session_open(
            appointment=needling, regions=["neck"], by=p.therapist.user, no_changes_confirmed=True
        )
        event = AdverseEvent.objects.create(
            session=session,
            category=AdverseEvent.Category.SORENESS_AFTER,
            severity=AdverseEvent.Severity.MILD,
            onset=AdverseEvent.Onset.UNDER_24H,
            reported_by="The patient, through the check-in",
            review=AdverseEvent.Review.DRAFT,
        )
        page = as_(client, p.admin).get(HOME)
    words = text(page)
    assert "This week at your clinics" in words
    # Dana: 45 + 60 minutes booked of 40 working hours.
    assert "Dana Reyes 1.8 h 40.0 h 4%" in words
    assert "Clearances awaited (1) Cora Waite : Needs physician clearance" in words
    assert "Rhea Out" not in words
    expires = schedule.day + dt.timedelta(days=10)
    assert (
        f"Credentials expiring (1) Dana Reyes: Physical therapist licence, until "
        f"{expires:%b} {expires.day}, {expires.year}" in words
    )
    assert "Adverse events patients reported, to review (1)" in words
    assert f'href="/staff/adverse-events/{event.pk}/review/"' in page.content.decode()


def test_a_clinic_admin_with_nothing_open_is_told_so(client, schedule):
    with on_the_day(schedule, hour=9):
        words = text(as_(client, schedule.practice.admin).get(HOME))
    assert "No safety item is open." in words and "Dana Reyes 0.0 h 40.0 h 0%" in words


# --- Navigation -----------------------------------------------------------------------------


def test_staff_get_staff_navigation_and_patients_the_public_one(client, schedule):
    p = schedule.practice
    as_(client, p.admin).get(HOME)  # signing in lands here, which keeps the clinics at hand
    nav = re.search(r'<nav class="site-nav".*?</nav>', client.get("/check/").content.decode(), re.S)
    assert nav
    links = re.findall(r'href="([^"]+)"', nav.group(0))
    assert links[:3] == [
        HOME,
        "/staff/clinics/stoughton/schedule/",
        "/staff/clinics/stoughton/patients/",
    ]
    assert "/staff/clinics/stoughton/audit/" in links and "/check/" not in links
    assert "/book/" not in links

    as_(client, p.front_desk).get(HOME)
    links = re.findall(r'href="([^"]+)"', client.get("/check/").content.decode().split("</nav>")[0])
    assert (
        "/staff/clinics/stoughton/audit/" not in links
        and "/staff/clinics/stoughton/schedule/" in links
    )

    for who in (p.patient.user, None):
        client.logout()
        if who:
            as_(client, who)
        html = client.get("/check/").content.decode().split("</nav>")[0]
        assert 'href="/check/"' in html and 'href="/book/"' in html
        assert 'href="/staff/"' not in html


def test_signing_in_through_the_form_gives_the_staff_navigation_on_any_page(client, schedule):
    p = schedule.practice
    signed_in = client.post(
        "/accounts/login/?next=/check/", {"username": p.front_desk.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/check/"
    nav = client.get("/check/").content.decode().split("</nav>")[0]
    assert 'href="/staff/clinics/stoughton/schedule/"' in nav and 'href="/book/"' not in nav
