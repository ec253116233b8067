"""The safety-screening questionnaire in headless Chromium, against a real server.

Keyboard alone, errors next to their fields, accessibility (axe), CSP (console errors) and
one patient never seeing another's result.
"""

import json
import re
import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from needlecare.screening.policy import QUESTIONNAIRE

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
# Screenshots go to the temporary directory (normally /tmp), never into the repository.
SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "needlecare-screenshots"

MARIA = "maria.lopez@demo.needlecare.test"
PRIYA = "priya.shah@demo.needlecare.test"
DEMO_PASSWORD = "needling-demo-2026"  # noqa: S105 - the demo accounts' published password

SUBMIT = 'form.questionnaire button[type="submit"]'
RESULT_URL = re.compile(r"/screening/(\d+)/$")


def _collect_console_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them), page errors and failed responses.

    A failed response is listed as "<status> for <url>" rather than the console's own "Failed to
    load resource", which does not say which one; so a test expecting one (a form sent back with
    errors answers 400) can say exactly which.
    """
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response: Response) -> None:
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


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


def _sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator('input[name="username"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/me/$"))


def _focused(page: Page, selector: str) -> bool:
    return page.evaluate("sel => document.activeElement?.matches(sel) ?? false", selector)


def _describe_focus(page: Page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? e.outerHTML.slice(0, 160) : 'nothing'; }"
    )


def tab_to(page: Page, selector: str, limit: int = 400) -> None:
    """Presses Tab until the focused element matches `selector`; fails if it never does."""
    assert page.locator(selector).count() == 1, f"{selector!r} must match exactly one element"
    for _ in range(limit):
        if _focused(page, selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(
        f"{limit} presses of Tab never reached {selector!r}; focus ended on {_describe_focus(page)}"
    )


def _tick(page: Page, selector: str) -> None:
    """Tabs to a checkbox and ticks it with the space bar."""
    tab_to(page, selector)
    page.keyboard.press("Space")
    expect(page.locator(selector)).to_be_checked()


def _screenings_of(server_environment, email: str) -> int:
    out = server_environment.run_ok(
        "shell",
        "-c",
        "from needlecare.screening.models import Screening\n"
        f"print(Screening.objects.filter(patient__user__email={email!r}).count())\n",
    )
    return int(out.strip().splitlines()[-1])


def _screening_card(page: Page, base_url: str) -> str:
    """The dashboard's screening card: its text and the link to the current result, if any."""
    page.goto(f"{base_url}/me/")
    card = page.locator(".card", has=page.get_by_role("heading", name="Your safety screening"))
    links = card.get_by_role("link").evaluate_all("els => els.map(e => e.href)")
    return json.dumps({"text": card.inner_text(), "links": links})


# The health questions in the page's order; each is answered yes or no.
ORDER = [code for _, _, codes in QUESTIONNAIRE for code in codes]
YES = ("rash", "blood_thinners")


def _answer(page: Page, code: str, *, yes: bool) -> None:
    """Tabs to the question's "Yes" and answers it: Space for yes, the down arrow for no."""
    tab_to(page, f"#id_has_{code}_0")
    page.keyboard.press("Space" if yes else "ArrowDown")
    expect(page.locator(f"#id_has_{code}_{0 if yes else 1}")).to_be_checked()


def _answer_by_keyboard(page: Page, screenshot: str = "") -> Response:
    """Fills in the questionnaire with the keyboard alone and sends it; returns the response."""
    tab_to(page, 'input[name="regions"][value="neck"]')
    page.keyboard.press("Space")
    _tick(page, 'input[name="regions"][value="low_back"]')
    expect(page.locator('input[name="regions"][value="neck"]')).to_be_checked()
    _tick(page, 'input[name="indications"][value="neck_pain"]')
    for code in ORDER[: ORDER.index("rash") + 1]:
        _answer(page, code, yes=code in YES)

    summary = ".question:has(#id_has_rash_0) details.where > summary"
    tab_to(page, summary)
    expect(page.locator(".question:has(#id_has_rash_0) details.where")).not_to_have_attribute(
        "open", ""
    )
    page.keyboard.press("Enter")
    where = page.locator(".question:has(#id_has_rash_0) details.where")
    expect(where).to_have_attribute("open", "")
    _tick(page, 'input[name="where_rash"][value="neck"]')
    # Shift+Tab goes back, Tab forward again: the answer stays ticked.
    page.keyboard.press("Shift+Tab")
    assert _focused(page, 'input[name="where_rash"][value="face"]')
    page.keyboard.press("Tab")
    expect(page.locator('input[name="where_rash"][value="neck"]')).to_be_checked()

    for code in ORDER[ORDER.index("rash") + 1 :]:
        _answer(page, code, yes=code in YES)
    _tick(page, "#id_confirm")
    tab_to(page, SUBMIT)
    if screenshot:
        _screenshot(page, screenshot)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None
    return response


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_questionnaire_layout_is_accessible(page, live_server_url, viewport):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS[viewport])
    _sign_in(page, live_server_url, MARIA)

    response = page.goto(f"{live_server_url}/screening/")

    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("Is dry needling right for you?")
    expect(page.get_by_role("group", name="Which areas would you like treated?")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Low back", exact=True)).to_be_visible()
    expect(page.locator("details.where[open]")).to_have_count(0)
    # Nothing may stick out sideways, least of all on a phone.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= VIEWPORTS[viewport]["width"]
    _screenshot(page, f"screening-questionnaire-{viewport}")
    assert _serious_violations(page) == []
    assert errors == []


def test_empty_submission_shows_errors_next_to_the_fields(
    page, live_server_url, server_environment
):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["phone"])
    _sign_in(page, live_server_url, MARIA)
    before = _screening_card(page, live_server_url)
    stored_before = _screenings_of(server_environment, MARIA)
    page.goto(f"{live_server_url}/screening/")

    tab_to(page, SUBMIT)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")

    response = navigation.value
    assert response is not None and response.status == 400
    expect(page).to_have_url(re.compile(r"/screening/$"))
    expect(page.locator(".errorlist-box")).to_have_attribute("role", "alert")
    regions = page.get_by_role("group", name="Which areas would you like treated?")
    expect(regions.locator(".errorlist")).to_have_text(
        "Choose at least one area you would like treated."
    )
    expect(regions).to_have_attribute("aria-describedby", "id_regions_error")
    confirm_error = page.locator("#id_confirm_error")
    expect(confirm_error).to_have_text("Please confirm your answers before you continue.")
    expect(page.locator("#id_confirm")).to_have_attribute("aria-describedby", "id_confirm_error")
    expect(page.locator("#id_confirm")).to_have_attribute("aria-invalid", "true")
    _screenshot(page, "screening-questionnaire-errors-phone")
    assert _serious_violations(page) == []

    # The summary's links lead the keyboard to the error text by each field, and from there
    # the next Tab goes into that field.
    summary = page.locator(".errorlist-box")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2 + len(ORDER))
    expect(links.first).to_have_text("Choose at least one area you would like treated.")
    expect(links.nth(1)).to_contain_text("Answer yes or no.")
    expect(links.last).to_have_text("Please confirm your answers before you continue.")
    tab_to(page, '.errorlist-box a[href="#id_regions_error"]')
    page.keyboard.press("Enter")
    expect(page.locator("#id_regions_error")).to_be_focused()
    expect(page.locator("#id_regions_error")).to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(page.locator("#id_regions_0")).to_be_focused()
    # Back past the top of the form: the summary's last link.
    page.keyboard.press("Shift+Tab")
    assert _focused(page, '.errorlist-box a[href="#id_confirm_error"]')
    page.keyboard.press("Enter")
    expect(confirm_error).to_be_focused()
    expect(confirm_error).to_be_in_viewport()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#id_confirm")).to_be_focused()

    assert _screenings_of(server_environment, MARIA) == stored_before
    assert _screening_card(page, live_server_url) == before
    if stored_before == 0:
        expect(page.get_by_role("link", name="Answer the screening questions")).to_be_visible()
    assert errors == [f"400 for {live_server_url}/screening/"]


def test_patient_completes_the_questionnaire_with_the_keyboard_alone(page, live_server_url):
    errors = _collect_console_errors(page)
    page.set_viewport_size(VIEWPORTS["desktop"])
    _sign_in(page, live_server_url, MARIA)
    page.goto(f"{live_server_url}/screening/")
    assert _serious_violations(page) == []

    response = _answer_by_keyboard(page, screenshot="screening-questionnaire-answered-desktop")

    assert response.status == 200
    expect(page).to_have_url(RESULT_URL)
    expect(page.locator("h1")).to_have_text("Your screening result")
    neck = page.locator(
        "section.result", has=page.get_by_role("heading", name=re.compile("^Neck:"))
    )
    expect(neck).to_have_class(re.compile(r"\bresult-contraindicated\b"))
    expect(neck.get_by_role("heading")).to_have_text("Neck: Dry needling cannot be offered here")
    expect(neck).to_contain_text("You reported a rash in an area planned for needling.")
    expect(neck).to_contain_text("For your safety this area cannot be needled.")
    low_back = page.locator(
        "section.result", has=page.get_by_role("heading", name=re.compile("^Low back:"))
    )
    expect(low_back).to_have_class(re.compile(r"\bresult-proceed_with_precautions\b"))
    expect(low_back.get_by_role("heading")).to_have_text(
        "Low back: Dry needling can be offered here, with extra care"
    )
    shared = page.locator(".card", has=page.get_by_role("heading", name=re.compile("every area")))
    expect(shared).to_contain_text("You reported taking blood thinners.")
    expect(low_back).not_to_contain_text("blood thinners")
    expect(low_back).to_contain_text("You can book.")
    expect(low_back).not_to_contain_text("rash")
    next_steps = page.locator(".card", has=page.get_by_role("heading", name="What next"))
    expect(next_steps.get_by_role("link", name="Book a visit")).to_be_visible()
    expect(next_steps.get_by_role("link", name="Answer the questions again")).to_be_visible()
    _screenshot(page, "screening-result-desktop")
    assert _serious_violations(page) == []
    assert errors == []


def test_another_patient_cannot_open_the_result(browser: Browser, page, live_server_url):
    maria = browser.new_context()
    try:
        maria_page = maria.new_page()
        _sign_in(maria_page, live_server_url, MARIA)
        maria_page.goto(f"{live_server_url}/screening/")
        _answer_by_keyboard(maria_page)
        expect(maria_page).to_have_url(RESULT_URL)
        result_url = maria_page.url
    finally:
        maria.close()

    errors = _collect_console_errors(page)
    _sign_in(page, live_server_url, PRIYA)
    response = page.goto(result_url)

    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("We could not find that page")
    body = page.locator("body").inner_text()
    for secret in ("Maria", "Lopez", "Neck", "rash", "blood thinners", "Dry needling cannot"):
        assert secret not in body
    assert errors == [f"404 for {result_url}"]
