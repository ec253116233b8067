"""The patient's record in headless Chromium, against the shared live server: a patient changes
their own contact details from their dashboard and downloads the letter asking their physician
for a clearance, and the front desk opens a walk-in's record and
invites them online. Each test makes a patient of its own; every page is checked with axe and for
console errors (CSP violations among them)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.screening.policy import CONDITION_INFO
from needlecare.web.tests.second_step_helpers import pass_second_step
from needlecare.web.tests.test_messages_browser import (
    REGISTERED_ONLINE,
    a_fresh_address,
    page_passes_the_checks,
    run_setup,
)
from needlecare.web.tests.test_screening_browser import (
    VIEWPORTS,
    _collect_console_errors,
    _sign_in,
)

pytestmark = pytest.mark.browser

FRONT_DESK = "frontdesk.stoughton@demo.needlecare.test"

# A patient the Stoughton front desk registered, with an email but no online account yet.
WALK_IN = """
import datetime as dt, json
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic
from needlecare.patients.services import patient_register_by_staff

patient = patient_register_by_staff(
    details={"first_name": "Walter", "last_name": LAST_NAME, "email": EMAIL,
             "date_of_birth": dt.date(1969, 6, 9), "phone": "781-555-0188"},
    clinic=Clinic.objects.get(slug="stoughton"),
    by=User.objects.get(email="frontdesk.stoughton@demo.needlecare.test"),
)
print(json.dumps({"patient": patient.pk, "name": patient.full_name}))
"""


def test_a_patient_changes_their_contact_details_from_the_dashboard(
    page: Page, live_server_url: str, server_environment
):
    base = live_server_url
    email = a_fresh_address("moving")
    run_setup(server_environment, REGISTERED_ONLINE, EMAIL=email, PASSWORD=DEMO_PASSWORD)
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    _sign_in(page, base, email)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Is it for me?")).to_be_visible()
    expect(nav.get_by_role("link", name="Today")).to_have_count(0)

    page.get_by_role("link", name="Change your contact details").click()
    expect(page.locator("h1")).to_have_text("Your contact details")
    expect(page.get_by_label("First name")).to_have_count(0)  # the clinic changes names
    page_passes_the_checks(page, errors, "my-details-form-phone")

    page.get_by_label("Phone").fill("")
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator(".has-error")).to_contain_text("This field is required.")
    assert errors == [f"400 for {base}/me/details/"]
    errors.clear()
    page_passes_the_checks(page, errors, "my-details-refused-phone")

    page.get_by_label("Phone").fill("508-555-0199")
    page.get_by_label("Street address").fill("12 Pleasant St")
    page.get_by_label("City").fill("Canton")
    page.get_by_label("State").fill("ma")
    page.get_by_label("ZIP code").fill("02021")
    page.get_by_role("button", name="Save my details").click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator(".message.success")).to_have_text("Your details are saved.")
    details = page.locator(".card", has=page.get_by_role("heading", name="Your details"))
    expect(details).to_contain_text("508-555-0199")
    expect(details).to_contain_text("12 Pleasant St, Canton, MA 02021")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    page_passes_the_checks(page, errors, "my-details-saved-phone")


def test_the_front_desk_opens_a_walk_ins_record_and_invites_them_online(
    browser: Browser, live_server_url: str, server_environment
):
    base = live_server_url
    email = a_fresh_address("walk-in")
    made = run_setup(server_environment, WALK_IN, EMAIL=email, LAST_NAME=email.split("@")[0])
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        page.goto(f"{base}/accounts/login/")
        page.locator('input[name="username"]').fill(FRONT_DESK)
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        pass_second_step(page, FRONT_DESK)
        expect(page).to_have_url(re.compile(r"/staff/$"))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
        page.get_by_label("Find a patient").fill(email.split("@")[0])
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=re.compile(email.split("@")[0])).first.click()
        expect(page).to_have_url(re.compile(rf"/staff/patients/{made['patient']}/$"))
        expect(page.locator("h1")).to_have_text(made["name"])
        expect(page.get_by_role("link", name="Book for Walter")).to_have_attribute(
            "href", f"/staff/clinics/stoughton/schedule/book/?patient={made['patient']}"
        )
        expect(page.get_by_role("heading", name="Treatment sessions")).to_have_count(0)
        page_passes_the_checks(page, errors, "record-desk-desktop")

        page.get_by_role("button", name="Invite to an online account").click()
        expect(page.locator(".message.success")).to_have_text(
            f"The invitation is on its way to {email}."
        )
        expect(page.get_by_role("button", name="Send the invitation again")).to_be_visible()
        page_passes_the_checks(page, errors, "record-desk-invited-desktop")

        page.get_by_role("link", name=f"Change the details of {made['name']}").click()
        page.get_by_label("City").fill("Stoughton")
        page.get_by_role("button", name="Save the details").click()
        saved = f"{made['name']}'s details are saved."
        expect(page.locator(".message.success")).to_have_text(saved)
        # No street: no address shown.
        expect(page.locator(".details").first).to_contain_text("—")
        page_passes_the_checks(page, errors, "record-desk-saved-desktop")
    finally:
        context.close()


def test_a_patient_whose_result_needs_a_clearance_downloads_the_letter_for_their_physician(
    page: Page, live_server_url: str, server_environment
):
    base = live_server_url
    email = a_fresh_address("clearance")
    run_setup(server_environment, REGISTERED_ONLINE, EMAIL=email, PASSWORD=DEMO_PASSWORD)
    errors = _collect_console_errors(page)
    _sign_in(page, base, email)
    page.goto(f"{base}/screening/")
    page.locator('input[name="regions"][value="neck"]').check()
    for code in CONDITION_INFO:
        page.locator(f"#id_has_{code}_{0 if code == 'cancer' else 1}").check()
    page.locator("#id_confirm").check()
    page.locator('form.questionnaire button[type="submit"]').click()

    expect(page.locator("main")).to_contain_text("Your physician's recommendation is needed")
    # Blocked until cleared: no booking offered, the letter is.
    expect(page.get_by_role("link", name="Book a visit")).to_have_count(0)
    page_passes_the_checks(page, errors, "screening-clearance-needed-desktop")
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Get the letter for your physician (PDF)").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
