"""Links in messages, followed in headless Chromium: from the email to the page it opens.

Each flow ends in a message that `needlecare send_messages` sends to a real SMTP server with
links to the live server; the test takes the link from the email as received and opens it:
a forgotten password, the reminder's "nothing has changed", and the next-day check-in with a
red flag. Every page is checked with axe and for console errors (CSP violations among them).

The server is shared by the whole test session, so each flow has a patient of its own and the
mailbox is read by recipient only.
"""

import json
import re
import secrets
import subprocess

import pytest
from playwright.sync_api import Page, expect

from needlecare.common.testing.smtp import text_of
from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.tests.test_screening_browser import (
    VIEWPORTS,
    _collect_console_errors,
    _screenshot,
    _serious_violations,
    tab_to,
)

pytestmark = pytest.mark.browser

DANA = "dana.reyes@demo.needlecare.test"
NEW_PASSWORD = "harbour-lantern-quietly-47"

# A patient who signed up online, with an account whose password they forget.
REGISTERED_ONLINE = """
import datetime as dt
from needlecare.clinics.models import Clinic
from needlecare.patients.services import patient_register_online

patient_register_online(
    email=EMAIL,
    password=PASSWORD,
    details={"first_name": "Robin", "last_name": "Forgetful",
             "date_of_birth": dt.date(1984, 4, 4), "phone": "781-555-0144"},
    clinic=Clinic.objects.get(slug="stoughton"),
)
"""

# A fresh patient, registered by the front desk and screened for the neck, booked for dry
# needling with Dana at Stoughton on a Friday WEEKS weeks on (far from the days other tests
# book), at the first time `slots_for` finds free in the live server's own database.
BOOKED_VISIT = """
import datetime as dt, json
from django.utils import timezone
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today
from needlecare.outbox.models import Message
from needlecare.patients.services import patient_register_by_staff
from needlecare.scheduling.models import AppointmentType
from needlecare.scheduling.selectors import slots_for
from needlecare.scheduling.services import appointment_book
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

clinic = Clinic.objects.get(slug="stoughton")
desk = User.objects.get(email="frontdesk.stoughton@demo.needlecare.test")
dana = Therapist.objects.get(user__email="dana.reyes@demo.needlecare.test")
kind = AppointmentType.objects.get(clinic=clinic, code="dry-needling")
patient = patient_register_by_staff(
    details={"first_name": FIRST_NAME, "last_name": "Messages", "email": EMAIL,
             "date_of_birth": dt.date(1979, 9, 9), "phone": "781-555-0177"},
    clinic=clinic, by=desk,
)
screening_record(patient=patient, intake=parse_intake({"planned_regions": ["neck"]}), by=desk)
today = clinic_today(clinic)
friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 + 7 * WEEKS)
[first, *_] = slots_for(clinic=clinic, type=kind, first_day=friday, last_day=friday,
                        therapist_ids=[dana.pk])
appointment = appointment_book(patient=patient, clinic=clinic, type=kind, therapist=dana,
                               starts_at=first.start, planned_regions=["neck"], booked_by=desk)
"""

# `send_messages` has no "now" option: it sends what is due by the clock. The reminder was
# queued for a day before the visit, weeks away, so it is made due by moving its send_after
# to now; the sender then writes it exactly as it would on the day (nothing else is touched).
REMINDER_DUE = (
    BOOKED_VISIT
    + """
due = Message.objects.filter(kind="appointment.reminder", patient=patient, state="queued")
assert due.update(send_after=timezone.now()) == 1
print(json.dumps({"appointment": appointment.pk}))
"""
)

# The visit goes ahead on its day (the script travels there: check-in and the record's opening
# happen only on the visit's day, and the patient screens again that morning): consent signed
# at the desk and countersigned by Dana, the patient checked in, a muscle needled and the record
# signed, which queues aftercare now and the check-in for the next day. As with the reminder,
# the check-in is made due by moving its send_after to now, since the sender has no "now"
# option.
SIGNED_SESSION = (
    BOOKED_VISIT
    + """
import time_machine
from needlecare.charting.consent_documents import consent_document_current
from needlecare.charting.services import (consent_countersign, consent_sign, needling_add,
                                          session_open, session_sign, session_update)
from needlecare.common.time import clinic_zone
from needlecare.scheduling.services import appointment_transition

morning = dt.datetime.combine(friday, dt.time(7, 0), tzinfo=clinic_zone(clinic))
with time_machine.travel(morning, tick=True):
    screening_record(patient=patient, intake=parse_intake({"planned_regions": ["neck"]}),
                     by=desk)
    consent = consent_sign(patient=patient, document=consent_document_current(clinic),
                           signed_name=patient.full_name, agreed=True, by=desk, witness=desk)
    consent_countersign(consent=consent, therapist=dana, by=dana.user)
    appointment_transition(appointment=appointment, action="check_in", by=desk)
    session = session_open(appointment=appointment, regions=["neck"], by=dana.user,
                           no_changes_confirmed=True)
    needling_add(session=session, by=dana.user, muscle="upper_trapezius", side="left",
                 needle_diameter_mm="0.25", needle_length_mm=40, depth_mm=20,
                 technique="pistoning", insertions=3, minutes_in_place=10)
    session_update(session=session, by=dana.user, position="prone", pain_before=6,
                   pain_after=3, needles_in=2, needles_out=2, plan="Review in a week")
    session_sign(session=session, by=dana.user)
due = Message.objects.filter(kind="session.check_in", patient=patient, state="queued")
assert due.update(send_after=timezone.now()) == 1
print(json.dumps({"session": session.pk, "patient": patient.full_name}))
"""
)


def a_fresh_address(what: str) -> str:
    return f"{what}-{secrets.token_hex(4)}@example.org"


def run_setup(server_environment, script: str, **values: object) -> dict:
    """Runs a setup script in the server's own database, with `values` as its globals."""
    given = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    out = server_environment.run_ok("shell", "--no-imports", "-c", given + script)
    lines = out.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def send_the_due_messages(server_environment, smtp_server, live_server_url: str) -> None:
    """Runs the real sender once: mail to the test SMTP server, links to the live server."""
    env = {
        **server_environment.env,
        "NEEDLECARE_EMAIL_URL": smtp_server.url,
        "NEEDLECARE_BASE_URL": live_server_url,
    }
    result = subprocess.run(
        [*server_environment.command, "send_messages", "--once"],
        env=env,
        cwd=server_environment.data_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"send_messages failed:\n{result.stdout}\n{result.stderr}"


def the_link_in_the_email(smtp_server, address: str, label: str, base_url: str) -> str:
    """The one link labelled `label` in the plain text of the mail `address` received."""
    received = smtp_server.to(address)
    lines = [line for message in received for line in text_of(message).splitlines()]
    links = [line.removeprefix(f"{label}: ") for line in lines if line.startswith(f"{label}: ")]
    subjects = [str(message["Subject"]) for message in received]
    assert len(links) == 1, f"{address} received {subjects}; links labelled {label!r}: {links}"
    assert links[0].startswith(f"{base_url}/"), links[0]
    return links[0]


def page_passes_the_checks(page: Page, errors: list[str], screenshot: str) -> None:
    """No serious or critical axe violation and no console error on the page as it is now."""
    _screenshot(page, screenshot)
    assert _serious_violations(page) == [], page.url
    assert errors == [], page.url


def test_a_forgotten_password_is_reset_through_the_emailed_link_which_then_stops_working(
    page: Page, live_server_url: str, server_environment, smtp_server
):
    base = live_server_url
    email = a_fresh_address("forgetful")
    run_setup(server_environment, REGISTERED_ONLINE, EMAIL=email, PASSWORD=DEMO_PASSWORD)
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["phone"])

    page.goto(f"{base}/accounts/login/")
    page_passes_the_checks(page, errors, "reset-sign-in-phone")
    tab_to(page, 'main a[href$="/accounts/password/reset/"]')
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Forgot your password?")
    page_passes_the_checks(page, errors, "reset-ask-phone")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me the link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    page_passes_the_checks(page, errors, "reset-sent-phone")

    send_the_due_messages(server_environment, smtp_server, base)
    [message] = smtp_server.to(email)
    assert message["Subject"] == "Reset your needlecare password"
    link = the_link_in_the_email(smtp_server, email, "Choose a new password", base)

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Choose a new password")
    page_passes_the_checks(page, errors, "reset-choose-phone")
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation:", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    expect(page.locator("h1")).to_have_text("Your password is changed")
    page_passes_the_checks(page, errors, "reset-done-phone")

    page.locator("main").get_by_role("link", name="Sign in").click()
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    page_passes_the_checks(page, errors, "reset-signed-in-phone")

    page.goto(link)
    expect(page.locator("h1")).to_have_text("This link cannot be used")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    expect(page.get_by_role("button", name="Save my new password")).to_have_count(0)
    page_passes_the_checks(page, errors, "reset-used-link-phone")


def test_the_reminders_nothing_has_changed_link_records_it_with_a_keyboard_press(
    page: Page, live_server_url: str, server_environment, smtp_server
):
    base = live_server_url
    email = a_fresh_address("reminded")
    # Three weeks on: past the demo's bookings, and inside the screening's 30 days (a visit
    # beyond them is reminded to answer the questions again, not to confirm them unchanged).
    run_setup(server_environment, REMINDER_DUE, EMAIL=email, FIRST_NAME="Reminded", WEEKS=3)
    send_the_due_messages(server_environment, smtp_server, base)
    subjects = [str(message["Subject"]) for message in smtp_server.to(email)]
    assert any(subject.startswith("Reminder: your appointment on") for subject in subjects)
    link = the_link_in_the_email(smtp_server, email, "Nothing has changed", base)

    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Your safety screening before your visit")
    expect(page.locator("main")).to_contain_text("with Dana Reyes at Stoughton")
    page_passes_the_checks(page, errors, "reminder-link-phone")

    tab_to(page, 'main form button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("We have recorded that nothing has changed")
    expect(page.get_by_role("button", name="Nothing has changed")).to_have_count(0)
    page_passes_the_checks(page, errors, "reminder-link-done-phone")


def test_a_red_flag_in_the_next_day_check_in_shows_emergency_instructions(
    page: Page, live_server_url: str, server_environment, smtp_server
):
    base = live_server_url
    email = a_fresh_address("checked-in")
    setup = run_setup(
        server_environment, SIGNED_SESSION, EMAIL=email, FIRST_NAME="Breathless", WEEKS=6
    )
    send_the_due_messages(server_environment, smtp_server, base)
    link = the_link_in_the_email(smtp_server, email, "Tell us how you are", base)

    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(link)
    expect(page.locator("h1")).to_have_text("How are you after your visit?")
    page_passes_the_checks(page, errors, "check-in-phone")

    page.get_by_role("radio", name="4", exact=True).check()
    breathing = page.get_by_label("I am short of breath, or I have pain in my chest")
    tab_to(page, 'input[name="breathing"]')
    page.keyboard.press("Space")
    expect(breathing).to_be_checked()
    page.get_by_role("button", name="Send my answers").click()

    expect(page.locator("h1")).to_have_text("Get help now")
    expect(page.get_by_role("alert")).to_contain_text(
        "Call 911 or go to the nearest emergency department"
    )
    page_passes_the_checks(page, errors, "check-in-red-flag-phone")

    # The red flag reaches the therapist too, by email, naming the patient.
    send_the_due_messages(server_environment, smtp_server, base)
    alerts = [
        text_of(message)
        for message in smtp_server.to(DANA)
        if str(message["Subject"]).startswith("Urgent: a patient's check-in needs a call")
    ]
    assert any(setup["patient"] in alert for alert in alerts), alerts
