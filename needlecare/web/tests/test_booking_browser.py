"""Booking in headless Chromium against the demo server.

Maria screens herself, books dry needling at Stoughton through the steps and finds it on her
appointments; the front desk sees it on the day's schedule. Every page is checked with axe and
for console errors (CSP violations among them). The demo server is shared by the session, so
times are never guessed: the test takes the first one offered.
"""

import datetime as dt
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

FRONT_DESK = "frontdesk.stoughton@demo.needlecare.test"
WHEN = re.compile(r"^(\w+, \w+ \d+), (\d{4}) at (\d+:\d\d [AP]M)$")


def _screen_without_concerns(page: Page, base_url: str) -> None:
    """Answers the questionnaire: neck and low back, nothing to report, so both are cleared."""
    page.goto(f"{base_url}/screening/")
    page.get_by_role("checkbox", name="Neck", exact=True).first.check()
    page.get_by_role("checkbox", name="Low back", exact=True).first.check()
    for no in page.get_by_role("radio", name="No", exact=True).all():
        no.check()
    page.locator("#id_confirm").check()
    page.locator('form.questionnaire button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/screening/\d+/$"))


def _no_sideways_scroll(page: Page, viewport: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]


def test_patient_books_dry_needling_and_the_front_desk_sees_it(
    browser: Browser, page: Page, live_server_url: str
):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["desktop"])
    _sign_in(page, live_server_url, MARIA)
    _screen_without_concerns(page, live_server_url)

    # 1. The clinic: hers is chosen already.
    page.goto(f"{live_server_url}/book/online/")
    expect(page.locator("h1")).to_have_text("Book online")
    expect(page.get_by_role("radio", name=re.compile("^Stoughton"))).to_be_checked()
    _screenshot(page, "booking-clinic-desktop")
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Continue").click()

    # 2. What to book.
    page.get_by_role("radio", name=re.compile("^Dry needling treatment")).check()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Continue").click()

    # 3. The areas her screening clears, then the free times.
    areas = page.get_by_role("group", name="Areas to be treated")
    expect(areas.get_by_role("checkbox")).to_have_count(2)
    areas.get_by_role("checkbox", name="Neck").check()
    page.get_by_role("button", name="Show free times").click()
    first = page.locator("a.time-chip").first
    expect(first).to_be_visible()
    expect(page.locator(".times-who").first).to_have_text("Dana Reyes")
    times_url = page.url
    # With JavaScript the week links swap the times in place (htmx) and update the address.
    # (Before axe runs: axe leaves empty style="" attributes behind, which htmx then copies
    # onto the swapped-in elements with the same ids, and the CSP rightly reports that.)
    heading = page.locator("#times-title")
    this_week = heading.inner_text()
    page.get_by_role("link", name="Later week").click()
    expect(heading).not_to_have_text(this_week)
    expect(page).to_have_url(re.compile(r"week=\d{4}-\d\d-\d\d"))
    expect(page.get_by_role("heading", name="Book online")).to_have_count(1)
    page.get_by_role("link", name="Earlier week").click()
    expect(heading).to_have_text(this_week)
    _screenshot(page, "booking-times-desktop")
    assert _serious_violations(page) == []
    first.click()

    # 4. Check and book.
    expect(page.get_by_role("heading", name="Check and book")).to_be_visible()
    when = page.locator(".booking-confirm dd strong").inner_text()
    match = WHEN.match(when)
    assert match, when
    day, year, time = match.groups()
    _screenshot(page, "booking-confirm-desktop")
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Book this time").click()

    expect(page).to_have_url(re.compile(r"/me/appointments/$"))
    expect(page.locator(".message.success")).to_contain_text(f"on {day} at {time}")
    card = page.locator(
        "article.appointment-card", has=page.get_by_role("heading", name=f"{day} at {time}")
    )
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Dry needling treatment")
    expect(card).to_contain_text("Dana Reyes")
    expect(card).to_contain_text("Stoughton")
    expect(card.locator(".badge")).to_have_text("Confirmed")
    _screenshot(page, "booking-appointments-desktop")
    assert _serious_violations(page) == []  # with the success message showing

    # The times page on a phone: nothing sticks out sideways, and it still passes axe.
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(times_url)
    expect(page.locator("a.time-chip").first).to_be_visible()
    _no_sideways_scroll(page, "phone")
    _screenshot(page, "booking-times-phone")
    assert _serious_violations(page) == []
    page.goto(f"{live_server_url}/me/appointments/")
    _no_sideways_scroll(page, "phone")
    assert errors == []

    # The front desk's day view shows her with Dana Reyes.
    desk = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        staff = desk.new_page()
        staff_errors = _collect_console_errors(staff)
        staff.goto(f"{live_server_url}/accounts/login/")
        staff.locator('input[name="username"]').fill(FRONT_DESK)
        staff.locator('input[name="password"]').fill(DEMO_PASSWORD)
        staff.locator("main").get_by_role("button", name="Sign in").click()
        pass_second_step(staff, FRONT_DESK)
        expect(staff).to_have_url(re.compile(r"/staff/$"))
        iso = dt.datetime.strptime(f"{day}, {year}", "%A, %B %d, %Y").date().isoformat()
        staff.goto(f"{live_server_url}/staff/clinics/stoughton/schedule/?day={iso}")
        expect(staff.locator("h1")).to_contain_text(f"{day}, {year}")
        dana = staff.get_by_role("columnheader", name="Dana Reyes")
        expect(dana).to_be_visible()
        visit = staff.locator(".visit", has=staff.get_by_role("link", name="Maria Lopez")).filter(
            has_text=time.split(" ")[0]
        )
        expect(visit.first).to_contain_text("Dry needling treatment")
        expect(visit.first).to_contain_text("Neck")
        _screenshot(staff, "schedule-day-desktop")
        assert _serious_violations(staff) == []
        staff.goto(f"{live_server_url}/staff/clinics/stoughton/schedule/?day={iso}&view=week")
        expect(staff.locator(".week-visit", has_text="Maria Lopez").first).to_be_visible()
        _screenshot(staff, "schedule-week-desktop")
        assert _serious_violations(staff) == []
        assert staff_errors == []
    finally:
        desk.close()
