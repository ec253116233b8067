"""The public pages in Spanish and Brazilian Portuguese: the right `<html lang>`, the translated
words, and no English sentence from the catalogue left on the page; in Chromium, the switcher
works and axe finds no serious or critical violation in either language."""

import datetime as dt
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Page, expect

from needlecare.clinics.models import Clinic, OpeningHours

LOCALE = Path(__file__).resolve().parents[2] / "locale"
CATALOGUES = {"es": "es", "pt-br": "pt_BR"}
PAGES = ["/", "/check/", "/book/"]
# Attributes whose words a patient sees or hears (a screen reader reads aria-label).
SPOKEN_ATTRIBUTES = {"aria-label", "alt", "title", "placeholder"}

# A few sentences each page must show, per language.
EXPECTED = {
    "es": {
        "/": [
            "Punción seca, como parte de su fisioterapia",
            "Quién no debe recibir punción seca y quién necesita precauciones adicionales",
            "busque atención médica de inmediato y avísenos",
            "Lunes",
            "8:00 AM a 12:00 PM",
        ],
        "/check/": [
            "¿Es la punción seca adecuada para usted?",
            "Alergia a metales, como el níquel o el cromo",
            "Un embarazo, o la posibilidad de estar embarazada",
        ],
        "/book/": [
            "Reserve una cita de punción seca",
            "Sin ella no podemos ofrecerle punción seca.",
            "Miércoles",
        ],
    },
    "pt-br": {
        "/": [
            "Agulhamento a seco, como parte da sua fisioterapia",
            "Quem não deve fazer agulhamento a seco e quem precisa de cuidado extra",
            "procure atendimento médico imediatamente e nos avise",
            "Segunda-feira",
            "08:00 às 12:00, 13:00 às 18:30",
        ],
        "/check/": [
            "O agulhamento a seco é indicado para você?",
            "Alergia a metais, como níquel ou cromo",
            "Gravidez, ou a possibilidade de estar grávida",
        ],
        "/book/": [
            "Agende uma consulta de agulhamento a seco",
            "Sem ela, não podemos oferecer o agulhamento a seco.",
            "Quarta-feira",
        ],
    },
}
FOOTER = {
    "es": "En una emergencia médica, llame al 911.",
    "pt-br": "Em uma emergência médica, ligue para o 911.",
}


class _Text(HTMLParser):
    """The words of a page: its text and its spoken attributes, without scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in SPOKEN_ATTRIBUTES and value)
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.parts.append(dict(attrs).get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return _collapse(" ".join(parser.parts))


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@cache
def english_sentences(language: str) -> tuple[str, ...]:
    """The catalogue's English msgids of more than three words that have a different translation,
    as a reader sees them (tags and placeholders removed)."""
    po = (LOCALE / CATALOGUES[language] / "LC_MESSAGES" / "django.po").read_text()
    entries = re.findall(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', po, flags=re.M)
    sentences = []
    for raw_id, raw_str in entries:
        msgid, msgstr = _unquote(raw_id), _unquote(raw_str)
        if not msgid or msgstr == msgid:
            continue
        visible = _collapse(re.sub(r"%\(\w+\)s", " ", re.sub(r"<[^>]+>", "", msgid)))
        if len(visible.split()) > 3:
            sentences.append(visible)
    return tuple(sentences)


def english_left_on(text: str, language: str) -> list[str]:
    folded = text.casefold()
    return [s for s in english_sentences(language) if s.casefold() in folded]


@pytest.fixture
def clinics() -> list[Clinic]:
    stoughton = Clinic.objects.create(
        name="Stoughton",
        slug="stoughton",
        street="1 Example Street",
        city="Stoughton",
        postal_code="02072",
        phone="781-436-0391",
        hours_are_demo=True,
    )
    foxboro = Clinic.objects.create(
        name="Foxboro",
        slug="foxboro",
        street="2 Example Street",
        city="Foxborough",
        postal_code="02035",
        phone="774-332-1723",
    )
    for clinic, weekday, opens, closes in (
        (stoughton, 0, dt.time(8, 0), dt.time(12, 0)),
        (stoughton, 0, dt.time(13, 0), dt.time(18, 30)),
        (foxboro, 2, dt.time(9, 0), dt.time(17, 0)),
    ):
        OpeningHours.objects.create(clinic=clinic, weekday=weekday, opens=opens, closes=closes)
    return [stoughton, foxboro]


def _client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", list(CATALOGUES))
def test_public_page_is_translated(clinics, language: str, path: str) -> None:
    response = _client(language).get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    text = page_text(html)
    for sentence in [*EXPECTED[language][path], FOOTER[language]]:
        assert sentence in text, sentence
    assert english_left_on(text, language) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(CATALOGUES))
def test_not_found_page_is_translated(language: str) -> None:
    response = _client(language).get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert english_left_on(page_text(html), language) == []


@pytest.mark.django_db
def test_the_check_finds_english_when_the_page_is_english(clinics) -> None:
    """The detector works: on the English page it finds the catalogue's sentences."""
    text = page_text(Client().get("/").content.decode())
    found = english_left_on(text, "es")
    assert "Dry needling, as part of your physical therapy" in found
    assert "Dry needling is offered as part of a physical therapy plan" in " ".join(found)


SWITCHER_LABEL = {"es": "Español", "pt-br": "Português brasileiro"}
HEADINGS = {
    "es": {
        "/check/": "¿Es la punción seca adecuada para usted?",
        "/book/": "Reserve una cita de punción seca",
    },
    "pt-br": {
        "/check/": "O agulhamento a seco é indicado para você?",
        "/book/": "Agende uma consulta de agulhamento a seco",
    },
}


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.browser
@pytest.mark.parametrize("language", list(CATALOGUES))
def test_switching_language_in_chromium(page: Page, live_server_url: str, language: str) -> None:
    page.goto(f"{live_server_url}/")
    page.get_by_label("Language · Idioma").select_option(value=language)
    page.locator(".language-switcher button").click()

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#language-choice option:checked")).to_have_text(
        re.compile(SWITCHER_LABEL[language], re.IGNORECASE)
    )
    expect(page.locator("h1")).to_have_text(EXPECTED[language]["/"][0])
    assert english_left_on(_collapse(page.locator("body").inner_text()), language) == []
    assert _serious_violations(page) == []
    for path, heading in HEADINGS[language].items():
        page.goto(f"{live_server_url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("h1")).to_have_text(heading)
        assert english_left_on(_collapse(page.locator("body").inner_text()), language) == []
        assert _serious_violations(page) == []
