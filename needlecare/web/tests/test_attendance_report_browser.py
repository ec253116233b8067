"""The attendance report in headless Chromium against the real server with the demo's year of
history: the demo's clinic admin opens it from the clinic's navigation, reads the tables and
the chart, downloads the CSV and goes on to all their clinics, on a phone and on a desktop,
each page checked with axe and for console errors. Screenshots are named "attendance-report-*".
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.tests.second_step_helpers import pass_second_step
from needlecare.web.tests.test_messages_browser import page_passes_the_checks
from needlecare.web.tests.test_screening_browser import VIEWPORTS, _collect_console_errors

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.needlecare.test"


def fits(page, width: int) -> None:
    """Nothing sticks out sideways: wide tables scroll inside their own region."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_clinic_admin_reads_the_attendance_report(
    browser: Browser, live_server_url: str, viewport: str
) -> None:
    base, width = live_server_url, VIEWPORTS[viewport]["width"]
    context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
    try:
        page = context.new_page()
        errors = _collect_console_errors(page)
        page.goto(f"{base}/accounts/login/")
        page.locator('input[name="username"]').fill(ADMIN)
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        pass_second_step(page, ADMIN)
        expect(page).to_have_url(re.compile(r"/staff/$"))

        # From Today's week card, then the clinic's own navigation.
        page.get_by_role("link", name="Attendance over the last 12 months at Stoughton").click()
        expect(page.locator("h1")).to_have_text("Attendance at Stoughton")
        page.get_by_role("navigation", name="Stoughton").get_by_role(
            "link", name="Attendance"
        ).click()
        expect(page.locator("h1")).to_have_text("Attendance at Stoughton")
        by_month = page.get_by_role("region", name=re.compile(r"^Attendance by month"))
        expect(by_month.get_by_role("row")).to_have_count(1 + 12 + 1)  # head, months, total
        expect(
            page.get_by_role("region", name=re.compile(r"^Attendance by therapist"))
        ).to_contain_text("Dana")
        chart = page.get_by_role("img", name=re.compile(r"^Attendance at Stoughton by month"))
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.naturalWidth") > 0
        fits(page, width)
        page_passes_the_checks(page, errors, f"attendance-report-stoughton-{viewport}")

        with page.expect_download() as download:
            page.get_by_role("button", name="Download as CSV").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert exported.startswith("Clinic,Month,Therapist,Booked,Attended,Cancelled,")
        assert download.value.suggested_filename.startswith("attendance-stoughton-")

        # Months of one's own choosing; then all the admin's clinics over the same months.
        page.get_by_label("From:", exact=True).fill("2025-01")
        page.get_by_label("To:", exact=True).fill("2024-01")
        page.get_by_role("button", name="Show").click()
        expect(page.get_by_role("alert")).to_contain_text("The first month comes after the last.")
        errors[:] = [e for e in errors if not e.startswith("400 for ")]
        page_passes_the_checks(page, errors, f"attendance-report-refused-{viewport}")

        page.goto(f"{base}/staff/clinics/stoughton/attendance/")
        page.get_by_role("link", name="All your clinics").click()
        expect(page.locator("h1")).to_have_text("Attendance at all your clinics")
        by_clinic = page.get_by_role("region", name=re.compile(r"^Attendance by clinic"))
        expect(by_clinic.get_by_role("link", name="Foxboro")).to_be_visible()
        expect(by_clinic.get_by_role("link", name="Stoughton")).to_be_visible()
        fits(page, width)
        page_passes_the_checks(page, errors, f"attendance-report-all-clinics-{viewport}")
    finally:
        context.close()
