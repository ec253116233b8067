"""The idle warning in a real browser against the real server: it appears before the idle
sign-out, counts down, and "Stay signed in" keeps the session (no inline script: the CSP)."""

import json

import pytest
from playwright.sync_api import Page, expect

from needlecare.demo.data import DEMO_PASSWORD
from needlecare.web.tests.second_step_helpers import pass_second_step

pytestmark = [pytest.mark.browser, pytest.mark.server]

FRONT_DESK = "frontdesk.stoughton@demo.needlecare.test"


def test_the_idle_warning_appears_and_stay_signed_in_keeps_the_session(
    page: Page, live_server_url: str
):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.clock.install()
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Email").fill(FRONT_DESK)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    pass_second_step(page, FRONT_DESK)
    page.wait_for_url(f"{live_server_url}/staff/**")
    script = page.locator("script[src$='idle-logout.js']")
    assert script.get_attribute("data-idle-seconds") == "1800"

    # The server's clock is real, so its answer is stood in for: 90 seconds left.
    stayed: list[int] = []

    def session(route):  # type: ignore[no-untyped-def]
        if route.request.method == "GET":
            route.fulfill(content_type="application/json", body=json.dumps({"seconds_left": 90}))
        else:
            response = route.fetch()
            stayed.append(response.json()["seconds_left"])
            route.fulfill(response=response)

    page.route("**/accounts/session/", session)
    dialog = page.get_by_role("dialog", name="Are you still there?")
    page.clock.run_for(27 * 60 * 1000)
    expect(dialog).to_be_hidden()
    page.clock.run_for(60 * 1000 + 500)  # 28 minutes in: two minutes before the sign-out
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1:30")
    page.clock.run_for(10 * 1000)
    expect(dialog).to_contain_text("1:20")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert len(stayed) == 1 and 30 * 60 - 2 <= stayed[0] <= 30 * 60  # counted as activity
    assert problems == []
