"""Browser tests pass the real second step: demo staff with the published demo key's code,
a new account by enrolling (the key read from the enrolment page, as a phone would scan it)."""

import re

from playwright.sync_api import Page, expect

from needlecare.common.testing.two_factor import code_from_secret, fresh_demo_code

SECOND_STEP = re.compile(r"/accounts/two-factor/\?")
ENROLMENT = re.compile(r"/accounts/two-factor/setup/")


def pass_second_step(page: Page, account: str) -> None:
    """After `account`'s password: a demo code not sent before for that account (a code works
    once per account); an account without a device (made by the test, not the demo) enrols
    instead."""
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    if ENROLMENT.search(page.url):
        enrol_second_step(page)
        return
    page.get_by_label("Code (or a recovery code)").fill(fresh_demo_code(account))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(SECOND_STEP)


def enrol_second_step(page: Page) -> list[str]:
    """On the enrolment page: type the shown key's code; the recovery codes shown once."""
    page.wait_for_url(ENROLMENT)
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("The 6-digit code your app shows").fill(code_from_secret(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on two-step sign-in").click()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page).not_to_have_url(ENROLMENT)
    return codes
