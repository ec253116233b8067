"""The patient's consent page in Spanish and Brazilian Portuguese: before signing, with a form
error and after signing, it has the right `<html lang>`, the translated words and no English
sentence from the catalogue, and signing still records the consent.

The consent document itself (the clinic's title and text) stays in the language the clinic wrote
it: the page marks it `lang="en"` and says so, in the page's language, above it."""

import re

import pytest
from django.test import Client

from needlecare.charting.models import Consent
from needlecare.charting.services import consent_countersign, consent_document_publish
from needlecare.web.tests.charting_helpers import BODY, CONSENT
from needlecare.web.tests.test_public_pages_translated import (
    CATALOGUES,
    english_left_on,
    page_text,
)

pytestmark = pytest.mark.django_db

TITLE = "Consent to dry needling"
# The clinic's own text, inside the lang="en" elements (no nested <div> in them).
ORIGINAL = re.compile(r'<div lang="en"[^>]*>(.*?)</div>', flags=re.S)

WORDS = {
    "es": {
        "title": "Su consentimiento para la punción seca",
        "notice": "El texto del consentimiento que aparece abajo está en inglés.",
        "before": [
            "Consentimiento no vigente",
            "aún no ha firmado el consentimiento para la punción seca.",
            "Lea el formulario que aparece abajo y fírmelo.",
            "Su nombre completo, escrito como su firma",
            "Firmar el consentimiento",
            "Usted aún no ha firmado ningún consentimiento.",
        ],
        "error": [
            "Marque la casilla para indicar que está de acuerdo; sin ella, no se firma nada.",
        ],
        "name_error": "Para firmar, escriba su nombre completo exactamente como está registrado",
        "thanks": "Gracias: su consentimiento está firmado.",
        "after": [
            "El fisioterapeuta aún no ha añadido su firma al consentimiento.",
            "Usted ya firmó esta versión.",
            "Sus consentimientos firmados",
            "En línea",
            "Todavía no",
        ],
        "in_force": [
            "Consentimiento vigente",
            "No incluye el tórax ni la parte superior de la espalda",
            "añadió su firma el",
        ],
    },
    "pt-br": {
        "title": "Seu consentimento para o agulhamento a seco",
        "notice": "O texto do consentimento abaixo está em inglês.",
        "before": [
            "Consentimento não está em vigor",
            "ainda não assinou o consentimento para o agulhamento a seco.",
            "Leia o formulário abaixo e assine-o.",
            "Seu nome completo, digitado como sua assinatura",
            "Assinar o consentimento",
            "Você ainda não assinou nenhum consentimento.",
        ],
        "error": [
            "Marque a caixa para indicar que você concorda; sem ela, nada é assinado.",
        ],
        "name_error": "Para assinar, digite o seu nome completo exatamente como está cadastrado",
        "thanks": "Obrigado: o seu consentimento está assinado.",
        "after": [
            "O fisioterapeuta ainda não acrescentou a assinatura ao consentimento.",
            "Você já assinou esta versão.",
            "Seus consentimentos assinados",
            "On-line",
            "Ainda não",
        ],
        "in_force": [
            "Consentimento em vigor",
            "Não inclui o tórax nem a parte superior das costas",
            "acrescentou a assinatura em",
        ],
    },
}


def _client(language: str, user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def _translated(response, language: str, expected: list[str], status: int = 200) -> str:  # type: ignore[no-untyped-def]
    """The page's words outside the clinic's English text, checked; the English text checked to be
    inside its lang="en" elements."""
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    original = " ".join(ORIGINAL.findall(html))
    assert TITLE in original and "What dry needling is" in original and "Bruising." in original
    rest = page_text(ORIGINAL.sub(" ", html))
    assert "What dry needling is" not in rest and "Bruising." not in rest
    assert WORDS[language]["notice"] in rest
    assert WORDS[language]["title"] in rest
    for sentence in expected:
        assert sentence in rest, (sentence, rest)
    assert english_left_on(rest, language) == []
    return rest


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_the_patient_reads_and_signs_the_consent_in_their_language(practice, language) -> None:
    p = practice
    words = WORDS[language]
    document = consent_document_publish(clinic=p.stoughton, title=TITLE, body=BODY, by=p.admin)
    client = _client(language, p.patient.user)

    _translated(client.get(CONSENT), language, words["before"])

    form = {"document": document.pk, "signed_name": p.patient.full_name, "agreed": ""}
    _translated(client.post(CONSENT, form), language, words["error"], status=400)
    wrong = client.post(CONSENT, {**form, "signed_name": "Somebody Else", "agreed": "on"})
    _translated(wrong, language, [words["name_error"]], status=400)
    assert not Consent.objects.exists()

    signed = client.post(CONSENT, {**form, "agreed": "on"}, follow=True)
    _translated(signed, language, [words["thanks"], *words["after"]])
    consent = Consent.objects.get()
    assert consent.patient == p.patient and consent.signed_online and consent.agreed

    consent_countersign(consent=consent, therapist=p.therapist, by=p.therapist.user)
    _translated(client.get(CONSENT), language, words["in_force"])


def test_the_english_page_has_no_notice_and_no_lang_en_element(practice) -> None:
    p = practice
    consent_document_publish(clinic=p.stoughton, title=TITLE, body=BODY, by=p.admin)
    client = Client()
    client.force_login(p.patient.user)
    html = client.get(CONSENT).content.decode()
    assert '<html lang="en">' in html
    assert 'lang="en" class="consent-original"' not in html
    assert "The consent text below is in English" not in html
    assert "Please read the form below and sign it." in page_text(html)
