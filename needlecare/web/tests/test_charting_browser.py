"""Consent and the treatment record in headless Chromium against the demo server.

Maria signs the demo clinic's consent online; Dana, the demo therapist, countersigns it. With a
screening and a checked-in dry needling appointment for today set up in the server's database,
Dana opens the treatment record from the appointment, records a muscle and the details, and
signs it. Each page is checked with axe and for console errors (CSP violations among them).
"""

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from needlecare.web.tests.second_step_helpers import pass_second_step
from needlecare.web.tests.test_screening_browser import (
    DEMO_PASSWORD,
    MARIA,
    VIEWPORTS,
    _collect_console_errors,
    _screenshot,
    _serious_violations,
    _sign_in,
)

pytestmark = pytest.mark.browser

DANA = "dana.reyes@demo.needlecare.test"

# Run in the server's own database: a screening that covers the neck, and a dry needling
# appointment with Dana that is checked in now. It is written with the ORM because Dana's
# demo hours may not include today; it sits in the past of today (check-in and the record need
# the visit's day), at the latest start at which Dana, the room and Maria are all free in the
# demo's diary, so it never collides with a visit the demo or another test booked.
SETUP = """
import datetime as dt
import json

from django.db.models import Q
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.clinics.models import Room, Therapist
from needlecare.common.time import clinic_now
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment, AppointmentType
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

maria = Patient.objects.get(email="maria.lopez@demo.needlecare.test")
clinic = maria.preferred_clinic
dana = Therapist.objects.get(user__email="dana.reyes@demo.needlecare.test")
desk = User.objects.get(email="frontdesk.stoughton@demo.needlecare.test")
screening = screening_record(
    patient=maria,
    intake=parse_intake({"planned_regions": ["neck"], "conditions": []}),
    by=maria.user,
)
now = clinic_now(clinic)
midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
room = Room.objects.filter(clinic=clinic).order_by("name").first()
held = Appointment.objects.filter(status__in=["requested", "confirmed", "checked_in", "completed"])
held = held.filter(Q(therapist=dana) | Q(room=room) | Q(patient=maria))

def free(start):
    return not held.filter(starts_at__lt=start + dt.timedelta(minutes=60),
                           blocked_until__gt=start).exists()

starts = max(now - dt.timedelta(minutes=50), midnight)
while not free(starts) and starts - dt.timedelta(minutes=5) >= midnight:
    starts -= dt.timedelta(minutes=5)
assert free(starts), "no free hour today before now for Dana, the room and Maria"
appointment = Appointment.objects.create(
    clinic=clinic,
    type=AppointmentType.objects.get(clinic=clinic, code="dry-needling"),
    therapist=dana,
    room=room,
    patient=maria,
    starts_at=starts,
    ends_at=starts + dt.timedelta(minutes=45),
    blocked_until=starts + dt.timedelta(minutes=60),
    status="checked_in",
    planned_regions=["neck"],
    screening=screening,
    booked_by=desk,
)
print(json.dumps({"appointment": appointment.pk, "patient": maria.pk}))
"""


def _staff_sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    pass_second_step(page, email)
    expect(page).to_have_url(re.compile(r"/staff/$"))


def test_consent_then_a_treatment_record_from_gate_to_signature(
    browser: Browser, page: Page, live_server_url: str, server_environment
):
    base = live_server_url
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["desktop"])

    # 1. Maria reads and signs the consent online.
    _sign_in(page, base, MARIA)
    page.get_by_role("link", name="Your consent to dry needling").click()
    expect(page.locator("h1")).to_have_text("Your consent to dry needling")
    document = page.locator("article.consent-document")
    expect(document.get_by_role("heading", name="What dry needling is")).to_be_visible()
    expect(document).to_contain_text("Nothing is injected")
    expect(document).to_contain_text("shortness of breath")
    assert _serious_violations(page) == []
    _screenshot(page, "consent-patient-desktop")
    page.get_by_label("Your full name, typed as your signature").fill("Maria Lopez")
    page.get_by_label(re.compile("^I have read this consent form")).check()
    page.get_by_role("button", name="Sign the consent").click()
    expect(page.locator(".message.success")).to_contain_text("your consent is signed")
    expect(page.locator(".consent-status h2")).to_have_text("Consent not in force")
    expect(page.locator(".consent-status")).to_contain_text("has not countersigned")
    _screenshot(page, "consent-patient-signed-desktop")
    assert _serious_violations(page) == []
    assert errors == []

    setup = json.loads(
        server_environment.run_ok("shell", "--no-imports", "-c", SETUP).strip().splitlines()[-1]
    )

    # 2. Dana countersigns at the clinic.
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        staff = context.new_page()
        staff_errors = _collect_console_errors(staff)
        _staff_sign_in(staff, base, DANA)
        staff.goto(f"{base}/staff/patients/{setup['patient']}/consent/")
        expect(staff.locator("h1")).to_have_text("Consent of Maria Lopez")
        _screenshot(staff, "consent-staff-desktop")
        assert _serious_violations(staff) == []
        staff.get_by_role("button", name=re.compile("^Countersign")).first.click()
        expect(staff.locator(".message.success")).to_contain_text("You countersigned")
        expect(staff.locator(".consent-status h2")).to_have_text("Consent in force")

        # 3. From the checked-in appointment to the gate.
        staff.goto(f"{base}/staff/appointments/{setup['appointment']}/")
        staff.get_by_role("link", name="Open treatment record").click()
        expect(staff).to_have_url(re.compile(r"/staff/appointments/\d+/session/$"))
        expect(staff.locator(".gate-list .badge-ok")).to_have_count(3)
        expect(staff.get_by_role("checkbox", name="Neck")).to_be_checked()
        _screenshot(staff, "session-gate-desktop")
        assert _serious_violations(staff) == []
        staff.get_by_role("button", name="Open the treatment record").click()

        # 4. The session: a muscle, the details, the signature.
        expect(staff).to_have_url(re.compile(r"/staff/sessions/\d+/$"))
        expect(staff.locator(".message.success")).to_have_text("The treatment record is open.")
        form = staff.locator("form", has=staff.get_by_role("button", name="Add the muscle"))
        form.get_by_label("Muscle").select_option(label="Upper trapezius")
        form.get_by_role("radio", name="Left").check()
        form.get_by_label("Depth (mm)").fill("20")
        form.get_by_label("Technique").select_option(label="Pistoning")
        form.get_by_label("Insertions").fill("3")
        form.get_by_label("Local twitch response").check()
        form.get_by_role("button", name="Add the muscle").click()
        expect(staff.locator(".needling-table tbody tr")).to_have_count(1)
        expect(staff.locator(".billing")).to_contain_text("CPT 20560")

        details = staff.locator("form", has=staff.get_by_role("button", name="Save the details"))
        details.get_by_label("Position").select_option(label="Seated")
        details.get_by_label("Pain before (0 to 10)").fill("6")
        details.get_by_label("Needles in").fill("3")
        details.get_by_label("Needles out").fill("3")
        details.get_by_label("Pain after (0 to 10)").fill("3")
        details.get_by_label("Haemostasis achieved at every site").check()
        details.get_by_label("Advice given").fill("Heat and gentle movement.")
        details.get_by_label("Plan").fill("Review in a week.")
        _screenshot(staff, "session-open-desktop")
        assert _serious_violations(staff) == []
        details.get_by_role("button", name="Save the details").click()
        expect(staff.locator(".message.success")).to_have_text("The session details are saved.")

        staff.get_by_role("button", name="Sign the record").click()
        expect(staff.locator(".message.success")).to_contain_text("The session is signed")
        expect(staff.locator(".session-meta .badge")).to_contain_text("Signed")
        expect(staff.get_by_role("button", name="Add the muscle")).to_have_count(0)
        expect(staff.get_by_role("heading", name="Addenda")).to_be_visible()
        _screenshot(staff, "session-signed-desktop")
        assert _serious_violations(staff) == []

        # The signed record on a phone: nothing sticks out sideways.
        staff.set_viewport_size(VIEWPORTS["phone"])
        staff.reload()
        width = staff.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"]
        _screenshot(staff, "session-signed-phone")
        assert staff_errors == []
    finally:
        context.close()


ADMIN = "admin@demo.needlecare.test"


def test_measures_letters_and_the_admin_pages_pass_axe(browser: Browser, live_server_url: str):
    """Dana sets Maria's plan of care and scores her pain at the clinic, Maria scores it again
    online and sees her progress chart; the admin's report and consent pages; all pass axe."""
    base = live_server_url
    patient_id = None
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        staff = context.new_page()
        errors = _collect_console_errors(staff)
        _staff_sign_in(staff, base, DANA)
        staff.goto(f"{base}/staff/clinics/stoughton/patients/?q=Lopez")
        staff.get_by_role("link", name="Lopez, Maria").first.click()
        found = re.search(r"/staff/patients/(\d+)/$", staff.url)
        assert found, staff.url
        patient_id = found.group(1)
        staff.get_by_role("link", name="Outcome measures").click()
        expect(staff.locator("h1")).to_have_text("Outcome measures for Maria Lopez")
        staff.get_by_text("Set the plan").or_(staff.get_by_text("Change the plan")).click()
        plan = staff.locator("details.plan-form")
        plan.get_by_role("checkbox", name="Numeric Pain Rating Scale").check()
        plan.get_by_role("button", name="Save the plan").click()
        expect(staff.locator(".message.success")).to_have_text("The plan of care is saved.")
        staff.get_by_role("link", name="Numeric Pain Rating Scale").click()
        staff.get_by_role("radio", name="6", exact=True).check()
        _screenshot(staff, "measure-nprs-staff-desktop")
        assert _serious_violations(staff) == []
        staff.get_by_role("button", name="Save the answers").click()
        expect(staff.locator(".message.success")).to_contain_text("Numeric Pain Rating Scale: 6")
        expect(staff.locator(".progress-chart").first).to_be_visible()
        _screenshot(staff, "measures-staff-desktop")
        assert _serious_violations(staff) == []
        staff.get_by_role("link", name="Letters").first.click()
        expect(staff.locator("h1")).to_have_text("Letters for Maria Lopez")
        _screenshot(staff, "letters-staff-desktop")
        assert _serious_violations(staff) == []
        assert errors == []
    finally:
        context.close()

    # Maria answers the pain scale again and sees her progress.
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        _sign_in(page, base, MARIA)
        page.get_by_role("link", name="Your progress questionnaires").click()
        page.get_by_role("link", name="Numeric Pain Rating Scale").first.click()
        page.get_by_role("radio", name="3", exact=True).check()
        page.get_by_role("button", name="Save the answers").click()
        expect(page.locator(".message.success")).to_contain_text("score is 3")
        card = page.locator(".progress-card", has_text="Numeric Pain Rating Scale")
        expect(card.locator(".progress-statement")).to_contain_text("improved from 6 to 3")
        chart = card.locator("img.progress-chart")
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
        _screenshot(page, "measures-patient-desktop")
        assert _serious_violations(page) == []
        page.set_viewport_size(VIEWPORTS["phone"])
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
        _screenshot(page, "measures-patient-phone")
        assert errors == []
    finally:
        context.close()

    # The clinic admin: the adverse event report and the consent form.
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        admin = context.new_page()
        errors = _collect_console_errors(admin)
        _staff_sign_in(admin, base, ADMIN)
        admin.goto(f"{base}/staff/clinics/stoughton/schedule/")
        admin.get_by_role("navigation", name="Stoughton").get_by_role(
            "link", name="Adverse events"
        ).click()
        expect(admin.locator("h1")).to_have_text("Adverse events at Stoughton")
        expect(admin.get_by_role("row", name=re.compile("^Bruising"))).to_contain_text("7.55")
        _screenshot(admin, "adverse-events-admin-desktop")
        assert _serious_violations(admin) == []
        admin.get_by_role("navigation", name="Stoughton").get_by_role(
            "link", name="Consent form"
        ).click()
        expect(admin.locator("h1")).to_have_text("Consent form for Stoughton")
        _screenshot(admin, "consent-document-admin-desktop")
        assert _serious_violations(admin) == []
        admin.goto(f"{base}/staff/patients/{patient_id}/consent/")
        assert _serious_violations(admin) == []
        assert errors == []
    finally:
        context.close()
