"""The home page in headless Chromium, against a real server: layout, accessibility, CSP."""

import re
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Response, expect

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
# Screenshots go to the temporary directory (normally /tmp), never into the repository.
SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "needlecare-screenshots"


def _collect_console_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_response(response: Response) -> None:
        # The console says only "Failed to load resource"; this says which one.
        if response.status >= 400:
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("response", on_response)
    return errors


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_home_page_is_accessible_and_complete(page, live_server_url, demo_clinics, viewport):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS[viewport])

    response = page.goto(f"{live_server_url}/")

    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_be_visible()
    for clinic in demo_clinics:
        clinics_section = page.locator("#clinics")
        expect(
            clinics_section.get_by_role("heading", name=clinic["name"], exact=True)
        ).to_be_visible()
        expect(clinics_section.get_by_role("link", name=clinic["phone"])).to_be_visible()
    # Nothing may stick out sideways, least of all on a phone.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= VIEWPORTS[viewport]["width"]

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"home-{viewport}.png"), full_page=True)

    assert _serious_violations(page) == []
    assert errors == []


def test_check_call_to_action_leads_to_the_checklist(page, live_server_url):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"{live_server_url}/")

    page.get_by_role("link", name="Check whether dry needling suits you").first.click()

    expect(page).to_have_url(re.compile(r"/check/$"))
    expect(page.locator("h1")).to_contain_text("Is dry needling right for you?")
    fear = page.get_by_role("checkbox", name="A fear of needles")
    fear.check()
    expect(fear).to_be_checked()
    page.screenshot(path=str(SCREENSHOT_DIR / "check-phone.png"), full_page=True)
    assert _serious_violations(page) == []
    assert errors == []


def test_book_call_to_action_leads_to_booking(page, live_server_url, demo_clinics):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.goto(f"{live_server_url}/")

    page.get_by_role("link", name="Book a visit").first.click()

    expect(page).to_have_url(re.compile(r"/book/$"))
    expect(page.locator("h1")).to_contain_text("Book")
    for clinic in demo_clinics:
        expect(page.locator("main").get_by_role("link", name=clinic["phone"])).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "book-desktop.png"), full_page=True)
    assert _serious_violations(page) == []
    assert errors == []


def test_skip_link_is_the_first_stop_and_moves_to_the_content(page, live_server_url):
    page.goto(f"{live_server_url}/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))
