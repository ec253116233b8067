"""Chromium: a patient whose browser is set to Spanish or Portuguese signs in, answers the
screening questionnaire with the keyboard, reads the result and the clinic's consent form
(the clinic's translation of it), every page in their language
(`<html lang>`, no English catalogue sentence left), with no serious or critical axe violation;
and the decision is the one the English test gets (the codes do not depend on the language)."""

import re

import pytest
from playwright.sync_api import Browser, expect

from needlecare.demo.consent_translations import CONSENT_TRANSLATIONS
from needlecare.web.tests.test_public_pages_translated import (
    CATALOGUES,
    _collapse,
    _serious_violations,
    english_left_on,
)
from needlecare.web.tests.test_screening_browser import (
    DEMO_PASSWORD,
    PRIYA,
    RESULT_URL,
    _answer_by_keyboard,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_questionnaire_and_result_in_the_patients_language(
    browser: Browser, live_server_url: str, language: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # The switcher's cookie, as a browser that chose the language before signing in.
    host = live_server_url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server_url}/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.locator('input[name="username"]').fill(PRIYA)
        page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        page.locator('main form button[type="submit"]').click()
        expect(page).to_have_url(re.compile(r"/me/$"))

        page.goto(f"{live_server_url}/screening/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert english_left_on(_collapse(page.locator("main").inner_text()), language) == []
        assert _serious_violations(page) == []

        response = _answer_by_keyboard(page)
        assert response.status == 200
        expect(page).to_have_url(RESULT_URL)
        expect(page.locator("html")).to_have_attribute("lang", language)
        # The same decisions as in English: the neck ruled out (a rash there), the low back
        # with precautions (blood thinners); the classes carry the codes.
        expect(page.locator("section.result.result-contraindicated")).to_have_count(1)
        expect(page.locator("section.result.result-proceed_with_precautions")).to_have_count(1)
        assert english_left_on(_collapse(page.locator("main").inner_text()), language) == []
        assert _serious_violations(page) == []

        # The consent page: the clinic's translation of its consent form, in the page's language.
        page.goto(f"{live_server_url}/me/consent/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        title, body = CONSENT_TRANSLATIONS[language]
        expect(page.locator("#document-title")).to_have_text(title)
        first_heading = body.split("\n", 1)[0].removeprefix("## ")
        expect(page.locator(".consent-document h3").first).to_have_text(first_heading)
        expect(page.locator(".consent-original")).to_have_count(0)
        assert english_left_on(_collapse(page.locator("main").inner_text()), language) == []
        assert _serious_violations(page) == []
    finally:
        context.close()
