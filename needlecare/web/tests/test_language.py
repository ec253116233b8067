"""The language a page speaks: the switcher's choice (for the browser session, and on a signed-in
patient's record), a patient's preference, the browser's Accept-Language; staff pages stay
English. The catalogues have no untranslated or fuzzy string."""

import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from needlecare.audit.models import AuditEvent
from needlecare.web.tests.read_audit_helpers import signed_in

pytestmark = pytest.mark.django_db
LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANG = re.compile(r'<html lang="([^"]+)">')


def lang_of(response) -> str:
    match = LANG.search(response.content.decode())
    assert match, response.content[:200]
    return match[1]


def test_the_switcher_is_on_public_pages_and_changes_the_language(practice) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/")
    assert lang_of(page) == "en"
    html = page.content.decode()
    # A visitor's switcher is a GET: the public page carries no CSRF token and sets no cookie.
    assert 'class="language-switcher" method="get"' in html and 'name="language"' in html
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in page.cookies
    answer = client.get("/language/", {"language": "es", "next": "/check/"})
    assert (answer.status_code, answer["Location"]) == (302, "/check/")
    assert "no-store" in answer["Cache-Control"]
    again = client.get("/check/")
    assert lang_of(again) == "es"
    assert "Saltar al contenido principal" in again.content.decode()
    assert again["Content-Language"] == "es"
    client.get("/language/", {"language": "pt-br", "next": "/"})
    assert lang_of(client.get("/")) == "pt-br"


def test_the_browsers_language_is_used_until_one_is_chosen(practice) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9,en;q=0.5")
    assert lang_of(client.get("/")) == "pt-br"
    assert lang_of(Client(HTTP_ACCEPT_LANGUAGE="fr-FR").get("/")) == "en"


def test_a_patients_choice_is_kept_on_their_record_and_follows_them(practice) -> None:
    patient = practice.patient
    client = signed_in(patient.user)
    client.post("/language/", {"language": "es", "next": "/me/"})
    patient.refresh_from_db()
    assert patient.preferred_language == "es"
    assert AuditEvent.objects.filter(action="patient.language_set").count() == 1
    elsewhere = signed_in(patient.user)  # another browser: no cookie, the record decides
    assert lang_of(elsewhere.get("/me/")) == "es"
    assert 'class="language-switcher" method="post"' in elsewhere.get("/me/").content.decode()


def test_a_get_only_sets_the_browsers_cookie_never_the_record(practice) -> None:
    # A link from anywhere can switch what this browser shows, but not what the patient's
    # messages and letters follow: that takes the POST, which CSRF protects.
    patient = practice.patient
    client = signed_in(patient.user)
    answer = client.get("/language/", {"language": "pt-br", "next": "/me/"})
    assert answer.status_code == 302 and answer.cookies["django_language"].value == "pt-br"
    patient.refresh_from_db()
    assert patient.preferred_language != "pt-br"
    assert not AuditEvent.objects.filter(action="patient.language_set").exists()
    assert lang_of(client.get("/me/")) == "pt-br"


def test_staff_pages_stay_english_and_offer_no_switcher(practice) -> None:
    desk = signed_in(practice.front_desk)
    desk.cookies["django_language"] = "es"
    page = desk.get("/staff/", HTTP_ACCEPT_LANGUAGE="es")
    assert lang_of(page) == "en"
    assert 'name="language"' not in page.content.decode()


def test_a_bad_choice_or_an_outside_next_changes_nothing(practice) -> None:
    client = Client()
    answer = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert (answer.status_code, answer["Location"]) == (302, "/")
    assert "django_language" not in answer.cookies
    bare = Client().get("/language/")
    assert (bare.status_code, bare["Location"], bare.cookies) == (302, "/", {})


@pytest.mark.parametrize("language", ["es", "pt_BR"])
def test_the_catalogue_has_no_untranslated_or_fuzzy_string(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert "AWAITING REVIEW by a qualified medical translator" in po.read_text()


@pytest.mark.parametrize("language", ["es", "pt_BR"])
def test_the_compiled_catalogue_is_up_to_date(language: str, tmp_path: Path) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(folder / "django.po")], check=True)
    assert fresh.read_bytes() == (folder / "django.mo").read_bytes(), "run compilemessages"
