"""The public pages: what a prospective patient sees before signing in."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from needlecare.clinics.models import Clinic, OpeningHours

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "check", "book"]

# Every condition in the screening contract, by code, with the plain words a patient must find
# on the home page (matched case-insensitively in the page's text).
CONDITIONS = {
    "metal_allergy": "allergy to metals",
    "skin_lesion": "skin lesion",
    "rash": "rash",
    "spray_tan": "spray tan",
    "makeup": "makeup or lotion",
    "blood_disease": "blood disease",
    "systemic_disease": "serious systemic disease",
    "needle_phobia": "fear of needles",
    "cancer": "cancer",
    "lymphedema": "lymphedema",
    "spina_bifida": "spina bifida",
    "moderate_scoliosis": "scoliosis",
    "laminectomy": "laminectomy",
    "immunocompromised": "weakened immune system",
    "implant": "implant",
    "cognitive_impairment": "cognitive impairment",
    "pregnancy": "pregnancy",
    "blood_thinners": "blood thinners",
    "diabetes": "diabetes",
    "osteoporosis": "osteoporosis",
    "overtrained_athlete": "over-trained",
    "hyperalgesia": "hyperalgesia",
    "allodynia": "allodynia",
}


class _PageText(HTMLParser):
    """Collects the visible text and the attributes of every tag."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts: list[str] = []
        self._in_script_without_src = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script_without_src = "src" not in dict(attrs)
            self._skip += 1
        elif tag == "style":
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)
            self._in_script_without_src = False

    def handle_data(self, data: str) -> None:
        if self._in_script_without_src:
            self.inline_scripts.append(data)
        if not self._skip:
            self.text.append(data)

    def page_text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text)).lower()


def parse(html: str) -> _PageText:
    parser = _PageText()
    parser.feed(html)
    return parser


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
    OpeningHours.objects.create(
        clinic=stoughton, weekday=0, opens=dt.time(8, 0), closes=dt.time(12, 0)
    )
    OpeningHours.objects.create(
        clinic=stoughton, weekday=0, opens=dt.time(13, 0), closes=dt.time(18, 30)
    )
    OpeningHours.objects.create(
        clinic=foxboro, weekday=2, opens=dt.time(9, 0), closes=dt.time(17, 0)
    )
    return [stoughton, foxboro]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_for_anonymous_visitors(client, clinics, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'href="#main"' in html
    assert 'id="main"' in html


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_render_without_any_clinic(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'id="footer-call"' not in response.content.decode()


def test_healthz_answers_ok(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_lists_every_contraindication_and_precaution(client, clinics):
    text = parse(client.get(reverse("home")).content.decode()).page_text()

    missing = [code for code, words in CONDITIONS.items() if words not in text]
    assert missing == []


def test_home_explains_the_scopes_of_the_conditions(client, clinics):
    text = parse(client.get(reverse("home")).content.decode()).page_text()

    assert "only needling of the low back" in text
    assert "written recommendation from your physician" in text
    assert "the therapist does not needle that area" in text
    assert "extra care" in text


def test_checklist_covers_every_condition(client, clinics):
    html = client.get(reverse("check")).content.decode()
    boxes = {
        attrs["name"]
        for tag, attrs in parse(html).tags
        if tag == "input" and attrs.get("type") == "checkbox"
    }

    assert boxes == set(CONDITIONS)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_pages_show_both_clinics_with_phone_links(client, clinics, name):
    html = client.get(reverse(name)).content.decode()

    for clinic in clinics:
        assert clinic.name in html
        assert f'href="tel:{clinic.phone}"' in html
    # The footer repeats the phone numbers on every page that has the clinics.
    footer = html[html.index('<footer class="site-footer">') :]
    for clinic in clinics:
        assert f'href="tel:{clinic.phone}"' in footer


def test_home_and_book_show_opening_hours_and_flag_sample_hours(client, clinics):
    for name in ("home", "book"):
        text = parse(client.get(reverse(name)).content.decode()).page_text()

        assert "monday" in text
        assert "8:00 am to 12:00 pm, 1:00 pm to 6:30 pm" in text
        assert "wednesday" in text
        # Only Stoughton's hours are sample hours in this fixture.
        assert text.count("sample hours") == 1


def test_home_cites_the_practice_references(client, clinics):
    text = parse(client.get(reverse("home")).content.decode()).page_text()

    for citation in (
        "zhou et al. (2015)",
        "basbaum et al. (2009)",
        "gyer et al. (2016)",
        "sobrian et al. (2014)",
        "cagnie et al. (2016)",
        "sanchez-infante et al. (2021)",
    ):
        assert citation in text


def test_home_links_to_check_and_book(client, clinics):
    tags = parse(client.get(reverse("home")).content.decode()).tags
    hrefs = {attrs.get("href") for tag, attrs in tags if tag == "a"}

    assert reverse("check") in hrefs
    assert reverse("book") in hrefs


def test_anonymous_visitors_are_offered_sign_in_and_register(client, clinics):
    hrefs = {
        attrs.get("href")
        for tag, attrs in parse(client.get(reverse("book")).content.decode()).tags
        if tag == "a"
    }

    assert reverse("login") in hrefs
    assert reverse("register") in hrefs


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_pages_need_no_inline_styles_or_scripts(client, clinics, name):
    html = client.get(reverse(name)).content.decode()
    parsed = parse(html)

    assert "style=" not in html
    assert "<style" not in html
    assert [tag for tag, attrs in parsed.tags if "style" in attrs] == []
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts, "the page loads htmx"
    assert all(attrs.get("src") for attrs in scripts)
    assert [s for s in parsed.inline_scripts if s.strip()] == []
    assert not [attrs for _, attrs in parsed.tags if any(k.startswith("on") for k in attrs)]
