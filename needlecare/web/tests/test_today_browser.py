"""The working day in headless Chromium, against the shared live server: the front desk's
morning (arrivals, check in, book a free time) and a therapist's day into a treatment record.
Every page is checked with axe and for console errors (CSP violations among them).

Check-in and opening a record happen only on the visit's day, and the demo clinics are closed
at weekends, so each test brings a clinic of its own that is open every day, all day, with its
own front desk, therapist and patients (made through the services, in the server's database):
it runs on any day, and the demo practice the other tests share stays as it was. The clinic
keeps the time of a zone where it is now mid-morning, so whatever the hour the test runs at,
most of the clinic's day is still ahead to book.
"""

import datetime as dt
import re
import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.tests.second_step_helpers import pass_second_step
from needlecare.web.tests.test_messages_browser import page_passes_the_checks, run_setup
from needlecare.web.tests.test_screening_browser import VIEWPORTS, _collect_console_errors

pytestmark = pytest.mark.browser

# A clinic open every day, all day, with a front desk, a certified therapist working all day,
# half-hour appointment types and a consent form; and a patient screened for the neck (with a
# precaution), consented and booked for dry needling today at the first free time.
A_CLINIC_OPEN_TODAY = """
import datetime as dt, json
from django.utils import timezone
from needlecare.accounts.services import user_create
from needlecare.charting.services import (consent_countersign, consent_document_publish,
                                          consent_sign)
from needlecare.clinics import services as setup
from needlecare.clinics.models import Clinic, Credential, Room, StaffMembership, Therapist
from needlecare.common.time import clinic_today
from needlecare.patients.services import patient_register_by_staff
from needlecare.scheduling.models import AppointmentType
from needlecare.scheduling.selectors import slots_for
from needlecare.scheduling.services import (appointment_book, appointment_transition,
                                            appointment_type_save, working_hours_set)
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

ALL_DAY = [(d, dt.time(0, 0), dt.time(23, 59)) for d in range(7)]
fields = {"slug": f"walpole-{TAG}", "name": f"Walpole {TAG}", "city": "Walpole",
          "phone": "508-555-0150", "time_zone": ZONE}
clinic = setup.clinic_save(clinic=Clinic(**fields), by=None, fields=fields)
setup.opening_hours_set(clinic=clinic, hours=ALL_DAY, by=None)
for name in ("Room 1", "Room 2"):
    setup.room_save(room=Room(clinic=clinic, name=name), by=None)
kinds = {}
for code, name, certified in (("dry-needling", "Dry needling treatment", True),
                              ("initial-evaluation", "Initial evaluation", False)):
    kinds[code] = appointment_type_save(
        kind=AppointmentType(clinic=clinic, code=code, name=name, duration_minutes=30,
                             needs_certification=certified), by=None)

def staff(role, email, name):
    user = user_create(email=email, password=PASSWORD, full_name=name, role=role)
    setup.membership_save(membership=StaffMembership(user=user, clinic=clinic), by=None)
    return user

desk = staff("front_desk", DESK, f"Desk {TAG}")
therapist = setup.therapist_save(
    therapist=Therapist(user=staff("therapist", THERAPIST, THERAPIST_NAME), title="PT, DPT"),
    by=None)
today = clinic_today(clinic)
for kind in ("pt_license", "dry_needling"):
    spec = {"kind": kind, "issuer": "Test board", "number": f"{kind}-{TAG}",
            "valid_from": today - dt.timedelta(days=365),
            "expires_on": today + dt.timedelta(days=365)}
    setup.credential_save(credential=Credential(therapist=therapist, **spec), by=None, fields=spec)
working_hours_set(therapist=therapist, clinic=clinic, hours=ALL_DAY, by=None)
document = consent_document_publish(clinic=clinic, title="Consent to dry needling",
                                    body="## Risks\\n\\nSoreness and bruising.", by=None)

def patient(first, last):
    return patient_register_by_staff(
        details={"first_name": first, "last_name": last, "date_of_birth": dt.date(1980, 1, 2),
                 "phone": "508-555-0160", "email": f"{first}.{last}@example.org".lower()},
        clinic=clinic, by=desk)

arriving = patient(ARRIVING, TAG)
screening_record(patient=arriving, by=desk, intake=parse_intake(
    {"planned_regions": ["neck"], "conditions": [{"code": "diabetes"}]}))
consent = consent_sign(patient=arriving, document=document, signed_name=arriving.full_name,
                       agreed=True, by=desk, witness=desk)
consent_countersign(consent=consent, therapist=therapist, by=therapist.user)
free = slots_for(clinic=clinic, type=kinds["dry-needling"], first_day=today, last_day=today,
                 not_before=timezone.now() + dt.timedelta(minutes=5))
assert free, "too late in the clinic's day to book anything today"
visit = appointment_book(patient=arriving, clinic=clinic, type=kinds["dry-needling"],
                         therapist=therapist, starts_at=free[0].start, planned_regions=["neck"],
                         booked_by=desk)
if CHECKED_IN:
    appointment_transition(appointment=visit, action="check_in", by=desk)
walk_in = patient(WALK_IN, TAG)
print(json.dumps({"clinic": clinic.name, "slug": clinic.slug, "arriving": arriving.full_name,
                  "walk_in": walk_in.full_name, "visit": visit.pk}))
"""


def a_zone_where_it_is_mid_morning() -> str:
    """The fixed-offset zone (Etc/GMT...) where the hour now is 10, give or take DST's hour."""
    offset = (10 - dt.datetime.now(dt.UTC).hour + 12) % 24 - 12  # -12 .. +11 hours from UTC
    # The Etc zones' signs are POSIX's: Etc/GMT-3 is three hours ahead of UTC.
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def a_clinic_open_today(server_environment, *, checked_in: bool = False) -> dict:
    tag = secrets.token_hex(3)
    values = {
        "ZONE": a_zone_where_it_is_mid_morning(),
        "TAG": tag,
        "PASSWORD": DEMO_PASSWORD,
        "DESK": f"desk-{tag}@example.org",
        "THERAPIST": f"therapist-{tag}@example.org",
        "THERAPIST_NAME": f"Terry Tester {tag}",
        "ARRIVING": "Arriving",
        "WALK_IN": "Walkin",
        "CHECKED_IN": checked_in,
    }
    made = run_setup(server_environment, A_CLINIC_OPEN_TODAY, **values)
    return {**made, "desk": values["DESK"], "therapist": values["THERAPIST"]}


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    pass_second_step(page, email)
    expect(page).to_have_url(re.compile(r"/staff/$"))


def test_the_front_desks_morning_arrivals_check_in_and_a_booked_free_time(
    browser: Browser, live_server_url: str, server_environment
):
    base = live_server_url
    made = a_clinic_open_today(server_environment)
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        sign_in(page, base, made["desk"])
        expect(page.locator("h1")).to_have_text("Today at the front desk")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
        expect(nav.get_by_role("link", name="Is it for me?")).to_have_count(0)
        arrivals = page.get_by_role("table", name=re.compile(f"^Arrivals at {made['clinic']}"))
        row = arrivals.get_by_role("row").filter(has_text=made["arriving"])
        expect(row).to_contain_text("Dry needling treatment")
        expect(row).to_contain_text("Current")
        expect(row).to_contain_text("In force")
        page_passes_the_checks(page, errors, "today-desk-arrivals-desktop")

        row.get_by_role("button", name=f"Check in {made['arriving']}").click()
        expect(page).to_have_url(re.compile(r"/staff/$"))
        expect(page.locator(".message.success")).to_have_text(f"{made['arriving']}: checked in.")
        expect(row.locator(".badge").last).to_have_text("Checked in")
        page_passes_the_checks(page, errors, "today-desk-checked-in-desktop")

        # A free time of the day, booked for the walk-in.
        free = page.locator(".free-times")
        expect(free).to_contain_text(f"Terry Tester {made['slug'].split('-')[1]}")
        page.get_by_role("link", name=f"Book a free time at {made['clinic']}").click()
        expect(page.locator("h1")).to_have_text("Book for a patient")
        page.get_by_label("Find a patient").fill(made["walk_in"].split()[0])  # a first name
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=f"Book for {made['walk_in']}").click()
        expect(page.locator("h1")).to_have_text(f"Book for {made['walk_in']}")
        page.get_by_role("radio", name=re.compile("^Initial evaluation")).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Show free times").click()
        first = page.locator("a.time-chip").first
        expect(first).to_be_visible()
        page_passes_the_checks(page, errors, "today-desk-free-times-desktop")
        first.click()
        expect(page.get_by_role("heading", name="Check and book")).to_be_visible()
        page.get_by_role("button", name="Book this time").click()
        expect(page.locator(".message.success")).to_contain_text(f"{made['walk_in']} is booked")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
        booked = arrivals.get_by_role("row").filter(has_text=made["walk_in"])
        expect(booked).to_contain_text("Initial evaluation")
        expect(booked.get_by_role("button", name=f"Check in {made['walk_in']}")).to_be_visible()
        page_passes_the_checks(page, errors, "today-desk-booked-desktop")

        page.set_viewport_size(VIEWPORTS["phone"])
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
        page_passes_the_checks(page, errors, "today-desk-phone")
    finally:
        context.close()


def test_a_therapists_day_leads_into_the_treatment_record(
    browser: Browser, live_server_url: str, server_environment
):
    base = live_server_url
    made = a_clinic_open_today(server_environment, checked_in=True)
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        sign_in(page, base, made["therapist"])
        expect(page.locator("h1")).to_have_text("Your day")
        visit = page.locator("article.my-visit").filter(has_text=made["arriving"])
        expect(visit).to_contain_text("Checked in")
        safety = visit.get_by_role("list", name="Safety before the session")
        expect(safety).to_contain_text("Areas: cleared: Neck.")
        expect(safety).to_contain_text("Precautions: Diabetes")
        expect(safety).to_contain_text("Consent: signed")
        expect(page.get_by_role("link", name="Your calendar feed")).to_have_attribute(
            "href", "/staff/calendar/"
        )
        page_passes_the_checks(page, errors, "today-therapist-desktop")

        visit.get_by_role("link", name=f"Open treatment record of {made['arriving']}").click()
        expect(page.locator("h1")).to_have_text(f"Treatment record for {made['arriving']}")
        expect(page.get_by_role("checkbox", name="Neck")).to_be_checked()
        page_passes_the_checks(page, errors, "today-therapist-open-record-desktop")
        page.get_by_role("button", name="Open the treatment record").click()
        expect(page.locator(".message.success")).to_have_text("The treatment record is open.")
        found = re.search(r"/staff/sessions/(\d+)/$", page.url)
        assert found, page.url

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
        record = visit.get_by_role("link", name=f"Treatment record of {made['arriving']}")
        expect(record).to_have_attribute("href", f"/staff/sessions/{found.group(1)}/")
        page.set_viewport_size(VIEWPORTS["phone"])
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
        page_passes_the_checks(page, errors, "today-therapist-phone")
    finally:
        context.close()
