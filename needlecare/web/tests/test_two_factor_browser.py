"""Two-step sign-in in headless Chromium, against the real server: a new member of staff
enrols (QR code and key on our own page, a code from the key, recovery codes shown once),
signs in again with password then code (a wrong code is refused on the page), and a clinic
admin resets their second factor, after which they enrol again. Every page is checked with axe
and for console errors; screenshots are named "two-factor-*"."""

import re
import secrets

from playwright.sync_api import Browser, Page, expect

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.tests.second_step_helpers import ENROLMENT, code_from_secret
from needlecare.web.tests.test_messages_browser import page_passes_the_checks, run_setup
from needlecare.web.tests.test_screening_browser import VIEWPORTS, _collect_console_errors
from needlecare.web.tests.test_staff_admin_browser import COLLEAGUES, sign_in


def _password(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def _enrol(page: Page, errors: list[str], name: str) -> str:
    expect(page).to_have_url(ENROLMENT)
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")
    expect(page.locator("figure.qr svg")).to_be_visible()
    page_passes_the_checks(page, errors, f"two-factor-enrol-{name}")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("The 6-digit code your app shows").fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    expect(page.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    page_passes_the_checks(page, errors, f"two-factor-codes-{name}")
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    return secret


def test_staff_enrol_sign_in_with_a_code_and_are_reset_by_their_admin(
    browser: Browser, live_server_url: str, server_environment
) -> None:
    base, tag = live_server_url, secrets.token_hex(4)
    admin, desk, desk_name = f"admin-{tag}@example.org", f"desk-{tag}@example.org", f"Quinn {tag}"
    run_setup(
        server_environment,
        COLLEAGUES,
        ADMIN=admin,
        DESK=desk,
        DESK_NAME=desk_name,
        PASSWORD=DEMO_PASSWORD,
    )
    first = browser.new_context(viewport=VIEWPORTS["phone"])
    page = first.new_page()
    errors = _collect_console_errors(page)
    _password(page, base, desk)
    secret = _enrol(page, errors, "phone")
    first.close()

    again = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = again.new_page()
    errors = _collect_console_errors(page)
    _password(page, base, desk)
    expect(page.locator("h1")).to_have_text("Enter your code")
    page_passes_the_checks(page, errors, "two-factor-verify-desktop")
    page.get_by_label("Code (or a recovery code)").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#code-error")).to_contain_text("That code did not work")
    assert errors == [f"400 for {base}/accounts/two-factor/?next=%2Faccounts%2Fafter-login%2F"]
    errors.clear()
    page_passes_the_checks(page, errors, "two-factor-wrong-code-desktop")
    # The enrolment used this window's code; the app's next one is accepted.
    page.get_by_label("Code (or a recovery code)").fill(code_from_secret(secret, drift=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    again.close()

    # Their admin resets the second factor from the staff page (the admin enrols first).
    admin_context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = admin_context.new_page()
    errors = _collect_console_errors(page)
    sign_in(page, base, admin)
    page.goto(f"{base}/staff/clinics/stoughton/staff/")
    page.get_by_role("link", name=f"Reset second factor of {desk_name}").click()
    expect(page.locator("h1")).to_have_text(f"Reset {desk_name}'s second factor?")
    page_passes_the_checks(page, errors, "two-factor-reset-desktop")
    page.get_by_role("button", name="Reset the second factor").click()
    expect(page.get_by_role("status")).to_contain_text("set up two-step sign-in again")
    admin_context.close()

    last = browser.new_context(viewport=VIEWPORTS["phone"])
    page = last.new_page()
    errors = _collect_console_errors(page)
    _password(page, base, desk)
    _enrol(page, errors, "again-phone")
    last.close()
