"""A course of care booked from the front desk's booking steps in headless Chromium: a 6-visit
weekly course whose third visit is taken, shown with the times to choose instead, resolved and
booked at once; then the course on a visit's page. Every page is checked with axe and for
console errors. The clinic is the test's own, open every day (see `test_today_browser`)."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, expect

from needlecare.web.tests.course_helpers import course_clinic
from needlecare.web.tests.test_messages_browser import page_passes_the_checks
from needlecare.web.tests.test_screening_browser import VIEWPORTS, _collect_console_errors
from needlecare.web.tests.test_today_browser import sign_in

pytestmark = pytest.mark.browser


def long_day(day: dt.date) -> str:
    return f"{day:%A, %B} {day.day}"


def test_the_front_desk_books_a_weekly_course_and_resolves_a_visit_that_is_not_free(
    browser: Browser, live_server_url: str, server_environment
):
    base = live_server_url
    # Patient 1 already has the therapist at 10:00 on the third Monday... of the course.
    made = course_clinic(server_environment, count=2, taken=[(1, 14, 10)], first="Coursetaker")
    first_day = dt.date.fromisoformat(made["first_day"])
    third = first_day + dt.timedelta(days=14)
    name = made["names"][0]
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        sign_in(page, base, made["desk"])
        page.goto(f"{base}/staff/clinics/{made['slug']}/schedule/book/")
        page.get_by_label("Find a patient").fill(f"{made['tag']} 0")  # a last name
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=f"Book for {name}").click()
        page.get_by_role("radio", name=re.compile("^Dry needling treatment")).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Show a week of free times from").fill(first_day.isoformat())
        page.get_by_role("button", name="Show free times").click()
        day = page.locator(f"section.times-day:has(h3:text-is('{long_day(first_day)}'))")
        day.get_by_role("link", name=re.compile(r"^10:00 AM with ")).click()
        expect(page.get_by_role("heading", name="Check and book")).to_be_visible()

        page.get_by_role("link", name="Book a course of visits from this time").click()
        expect(page.get_by_role("heading", name="6 visits, every week")).to_be_visible()
        plan = page.locator(".course-plan")
        expect(plan).to_contain_text("1 of the 6 visits is not free")
        expect(plan).to_contain_text(
            f"Visit 3: {long_day(third)} at 10:00 AM is not free: that time is not free."
        )
        for n in (1, 2, 4, 5, 6):
            visit = first_day + dt.timedelta(days=7 * (n - 1))
            expect(plan).to_contain_text(f"Visit {n}: {long_day(visit)} at 10:00 AM with Terry")
        page_passes_the_checks(page, errors, "course-plan-conflict-desktop")

        choices = plan.get_by_role("group", name=re.compile("^Visit 3:"))
        nearest = choices.get_by_role("radio").first
        expect(choices.locator("label").first).to_contain_text(f"{long_day(third)} at")
        nearest.check()
        page.get_by_role("button", name="Book all 6 visits").click()

        expect(page.get_by_role("heading", name="Course of care: visit 1 of 6")).to_be_visible()
        expect(page.locator(".message.success")).to_contain_text(
            f"{name} is booked for a course of 6 visits of dry needling treatment"
        )
        course = page.locator("section.course")
        expect(course.get_by_role("listitem")).to_have_count(6)
        expect(course.get_by_role("listitem").nth(2)).to_contain_text(long_day(third))
        expect(course.get_by_role("listitem").nth(2)).not_to_contain_text("10:00 AM")
        expect(course.get_by_role("link", name="Cancel the rest of the course")).to_be_visible()
        page_passes_the_checks(page, errors, "course-booked-desktop")

        course.get_by_role("link", name=re.compile("^Visit 3:")).click()
        expect(page.get_by_role("heading", name="Course of care: visit 3 of 6")).to_be_visible()
        page.set_viewport_size(VIEWPORTS["phone"])
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
        page_passes_the_checks(page, errors, "course-visit-phone")

        page.get_by_role("link", name="Cancel the rest of the course").click()
        expect(page.locator("h1")).to_have_text(f"Cancel the rest of {name}'s course")
        expect(page.get_by_role("heading", name="These 4 visits are still to come")).to_be_visible()
        page_passes_the_checks(page, errors, "course-cancel-rest-phone")
    finally:
        context.close()
