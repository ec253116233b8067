"""Staff management in headless Chromium, against the real server: a clinic admin invites a
therapist (who chooses a password through the emailed link and signs in) and deactivates a
front-desk account (whose open session ends at its next request). Every page is checked with
axe and for console errors.

The server is shared by the whole test session, so the admin, the front desk and the invited
therapist are fresh accounts of this test's own; screenshots are named "staff-admin-*".
"""

import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.tests.second_step_helpers import pass_second_step
from needlecare.web.tests.test_messages_browser import (
    page_passes_the_checks,
    run_setup,
    send_the_due_messages,
    the_link_in_the_email,
)
from needlecare.web.tests.test_screening_browser import VIEWPORTS, _collect_console_errors

pytestmark = pytest.mark.browser

CHOSEN = "heron-lattice-orchard-53"

# A clinic admin and a front-desk colleague at Stoughton, with the demo password.
COLLEAGUES = """
from needlecare.accounts.services import user_create
from needlecare.clinics.models import Clinic, StaffMembership
from needlecare.clinics.services import membership_save

stoughton = Clinic.objects.get(slug="stoughton")
for email, name, role in ((ADMIN, "Avery Admin", "clinic_admin"), (DESK, DESK_NAME, "front_desk")):
    user = user_create(email=email, password=PASSWORD, full_name=name, role=role)
    membership_save(membership=StaffMembership(user=user, clinic=stoughton), by=None)
"""


def sign_in(page: Page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    pass_second_step(page, email)
    expect(page).to_have_url(re.compile(r"/staff/$"))


def invite_a_therapist(page: Page, errors: list[str], base: str, email: str, taken: str) -> None:
    page.get_by_role("link", name="Invite a member of staff").click()
    expect(page.locator("h1")).to_have_text("Invite a member of staff")
    page_passes_the_checks(page, errors, "staff-admin-invite-desktop")
    expect(page.get_by_role("checkbox", name="Stoughton")).to_be_checked()
    page.get_by_label("Full name").fill("Casey Morgan")
    page.get_by_label("Email").fill(taken)
    page.get_by_role("radio", name="Therapist").check()
    page.get_by_label("Title").fill("PT, DPT")
    for kind, number in (("PT licence", "PT-12345"), ("Dry needling certification", "DN-678")):
        page.get_by_label(f"{kind}: issuer").fill("Massachusetts")
        page.get_by_label(f"{kind}: number").fill(number)
        page.get_by_label(f"{kind}: valid from").fill("2025-01-01")
        page.get_by_label(f"{kind}: expires on").fill("2099-12-31")
    page.get_by_role("button", name="Send the invitation").click()

    # The address belongs to someone already: said next to the field, nothing written.
    expect(page.locator(".field.has-error")).to_contain_text(
        "An account with this email already exists."
    )
    assert errors == [f"400 for {base}/staff/clinics/stoughton/staff/invite/"]
    errors.clear()
    page_passes_the_checks(page, errors, "staff-admin-invite-refused-desktop")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Casey Morgan is invited")


def test_an_admin_invites_a_therapist_and_deactivates_a_front_desk_account(
    browser: Browser, page: Page, live_server_url: str, server_environment, smtp_server
):
    base = live_server_url
    tag = secrets.token_hex(4)
    admin, desk = f"admin-{tag}@example.org", f"desk-{tag}@example.org"
    therapist, desk_name = f"casey-{tag}@example.org", f"Quinn Desk {tag}"
    run_setup(
        server_environment,
        COLLEAGUES,
        ADMIN=admin,
        DESK=desk,
        DESK_NAME=desk_name,
        PASSWORD=DEMO_PASSWORD,
    )
    # The front desk is signed in, in a browser of their own, before their account is closed.
    desk_context = browser.new_context()
    desk_page = desk_context.new_page()
    sign_in(desk_page, base, desk)

    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["desktop"])
    sign_in(page, base, admin)
    page.goto(f"{base}/staff/clinics/stoughton/staff/")
    expect(page.locator("h1")).to_have_text("Staff at Stoughton")
    page_passes_the_checks(page, errors, "staff-admin-list-desktop")

    invite_a_therapist(page, errors, base, therapist, taken=desk)
    row = page.get_by_role("row", name=re.compile("Casey Morgan"))
    expect(row).to_contain_text("Invited")
    expect(row).to_contain_text("Certified")
    page_passes_the_checks(page, errors, "staff-admin-invited-desktop")

    page.get_by_role("link", name=f"Deactivate {desk_name}").click()
    expect(page.locator("h1")).to_have_text(f"Deactivate {desk_name}'s account?")
    page_passes_the_checks(page, errors, "staff-admin-deactivate-confirm-desktop")
    page.get_by_role("button", name="Deactivate the account").click()
    expect(page.get_by_role("status")).to_contain_text(f"{desk_name}'s account is deactivated.")
    expect(page.get_by_role("row", name=re.compile(desk_name))).to_contain_text("Inactive")
    page_passes_the_checks(page, errors, "staff-admin-deactivated-desktop")

    # Both changes are in the audit trail, under the admin's name, and in its CSV download.
    page.get_by_role("navigation", name="Staff management at Stoughton").get_by_role(
        "link", name="Audit trail"
    ).click()
    page.get_by_label("Who").select_option(label=f"Avery Admin ({admin})")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main table")).to_contain_text("user.deactivated")
    expect(page.locator("main table")).to_contain_text("user.invited")
    page_passes_the_checks(page, errors, "staff-admin-audit-desktop")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("When,Who,Email,Action,Record type,Record id,Record,Details")
    assert "user.deactivated" in exported and desk_name in exported

    # The front desk's open session ends at their next request.
    desk_page.goto(f"{base}/staff/")
    expect(desk_page).to_have_url(re.compile(r"/accounts/login/"))
    desk_context.close()

    # The invited therapist chooses a password through the emailed link, once, and signs in.
    send_the_due_messages(server_environment, smtp_server, base)
    link = the_link_in_the_email(smtp_server, therapist, "Choose your password", base)
    invited = browser.new_context(viewport=VIEWPORTS["phone"])
    try:
        phone = invited.new_page()
        phone_errors = _collect_console_errors(phone)
        phone.goto(link)
        expect(phone.locator("h1")).to_have_text("Choose a new password")
        page_passes_the_checks(phone, phone_errors, "staff-admin-invitation-password-phone")
        phone.get_by_label("New password:", exact=True).fill(CHOSEN)
        phone.get_by_label("New password confirmation:", exact=True).fill(CHOSEN)
        phone.get_by_role("button", name="Save my new password").click()
        expect(phone.locator("h1")).to_have_text("Your password is changed")
        sign_in(phone, base, therapist, CHOSEN)
        page_passes_the_checks(phone, phone_errors, "staff-admin-invited-signed-in-phone")
        phone.goto(link)
        expect(phone.locator("h1")).to_have_text("This link cannot be used")
    finally:
        invited.close()


ADMIN_PAGES = [
    "/staff/",
    "/staff/clinics/stoughton/",
    "/staff/clinics/stoughton/staff/",
    "/staff/clinics/stoughton/staff/invite/",
    "/staff/clinics/stoughton/audit/",
    "/staff/clinics/stoughton/schedule/",
    "/staff/clinics/stoughton/policy/",
]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_clinic_admins_pages_fit_the_screen(
    browser: Browser, live_server_url: str, viewport: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        page.goto(f"{live_server_url}/accounts/login/")
        page.locator('input[name="username"]').fill("admin@demo.needlecare.test")
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        pass_second_step(page, "admin@demo.needlecare.test")
        expect(page).to_have_url(re.compile(r"/staff/$"))
        width = VIEWPORTS[viewport]["width"]
        too_wide = {}
        for path in ADMIN_PAGES:
            response = page.goto(f"{live_server_url}{path}")
            assert response is not None and response.status == 200, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[path] = scroll
            name = path.strip("/").replace("/", "-").replace("staff-clinics-", "")
            page_passes_the_checks(page, errors, f"admin-{name or 'today'}-{viewport}")
        assert too_wide == {}, f"wider than the {width}px screen: {too_wide}"
    finally:
        context.close()
