"""Consent documents per language: a clinic admin publishes a translation of the English version
in force; a patient reading in that language reads and signs it; the signature holds as one on
the English version (and falls with it); the signed copy is a tagged PDF in that language; the
admin sees which translations await a qualified medical translator's review and records it."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from needlecare.audit.models import AuditEvent
from needlecare.charting.consent_documents import consent_document_in, consent_signable
from needlecare.charting.models import Consent, TranslationReview
from needlecare.charting.selectors import NotConsented, consent_in_force
from needlecare.charting.services import (
    consent_countersign,
    consent_document_publish,
    consent_sign,
    consent_translation_publish,
    consent_translation_review,
)
from needlecare.common.errors import DomainError
from needlecare.common.testing.charting import CONSENT_TEXT
from needlecare.common.testing.clock import on_the_day
from needlecare.common.testing.two_factor import VerifiedClient
from needlecare.reports.pdf import consent_pdf
from needlecare.reports.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db

SPANISH = (
    "## Qué es la punción seca\n\n"
    "Una aguja fina, sólida y estéril; no se inyecta nada.\n\n"
    "## Riesgos\n\n"
    "El dolor leve y los moretones son frecuentes y desaparecen en uno o dos días."
)
PORTUGUESE = (
    "## O que é o agulhamento a seco\n\n"
    "Uma agulha fina, sólida e estéril; nada é injetado.\n\n"
    "## Riscos\n\n"
    "Dor leve e hematomas são comuns e passam em um ou dois dias."
)
CONSENT = "/me/consent/"


def _translate(visit, language="es", body=SPANISH, title="Consentimiento para la punción seca"):  # type: ignore[no-untyped-def]
    return consent_translation_publish(
        original=visit.document, language=language, title=title, body=body, by=visit.practice.admin
    )


def _sign(visit, document, *, by=None, witness=None):  # type: ignore[no-untyped-def]
    p = visit.practice
    return consent_sign(
        patient=p.patient,
        document=document,
        signed_name=p.patient.full_name,
        agreed=True,
        by=by or p.patient.user,
        witness=witness,
        interpreter_name="Rosa Almeida" if witness else "",
    )


def _countersign(visit, consent):  # type: ignore[no-untyped-def]
    p = visit.practice
    return consent_countersign(consent=consent, therapist=p.therapist, by=p.therapist.user)


def _refused(code: str, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code


# --- Publishing ---------------------------------------------------------------------------------


def test_a_translation_is_a_document_of_the_english_version(visit) -> None:
    spanish = _translate(visit)
    assert (spanish.language, spanish.version, spanish.translates) == ("es", 1, visit.document)
    assert spanish.valid_days == visit.document.valid_days
    assert consent_document_in(visit.practice.stoughton, "es") == spanish
    # No Portuguese translation: a Portuguese reader gets the English text.
    assert consent_document_in(visit.practice.stoughton, "pt-br") == visit.document
    assert consent_document_in(visit.practice.stoughton, "en") == visit.document
    event = AuditEvent.objects.get(action="consent_document.translated")
    assert event.data == {"version": 1, "language": "es"}


def test_bad_translations_are_refused_and_nothing_is_stored(visit) -> None:
    before = visit.document.__class__.objects.count()
    _refused("consent_translation.language", lambda: _translate(visit, language="en"))
    _refused("consent_translation.language", lambda: _translate(visit, language="fr"))
    _refused("consent_document.incomplete", lambda: _translate(visit, body="  "))
    _refused("consent_translation.untranslated", lambda: _translate(visit, body=CONSENT_TEXT))
    # A section left out (one heading fewer than the English).
    _refused("consent_translation.headings", lambda: _translate(visit, body=SPANISH[:60]))
    _translate(visit)
    _refused("consent_document.unchanged", lambda: _translate(visit))
    # Once the English changes, the old version can no longer be translated.
    consent_document_publish(
        clinic=visit.practice.stoughton,
        title="Consent to dry needling",
        body=CONSENT_TEXT + "\n\nUpdated.",
        by=visit.practice.admin,
    )
    _refused("consent_translation.not_current", lambda: _translate(visit, body=PORTUGUESE))
    assert visit.document.__class__.objects.count() == before + 2


# --- Signing and whether it holds ---------------------------------------------------------------


def test_a_consent_signed_in_spanish_holds_and_falls_with_the_english_version(visit) -> None:
    p = visit.practice
    spanish = _translate(visit)
    with on_the_day(visit.schedule, hour=9):
        consent = _countersign(visit, _sign(visit, spanish))
        assert consent.document.language == "es"
        held = consent_in_force(patient=p.patient, clinic=p.stoughton, regions=["neck"])
        assert held == consent
        # A corrected translation: the Spanish signature still holds (same English version),
        # but new signatures are taken only on the correction.
        corrected = _translate(visit, body=SPANISH.replace("moretones", "hematomas"))
        assert consent_in_force(patient=p.patient, clinic=p.stoughton, regions=[]) == consent
        assert not consent_signable(spanish) and consent_signable(corrected)
        _refused("consent.document_replaced", lambda: _sign(visit, spanish))
        # A new English version: every signature, in any language, must be given again.
        consent_document_publish(
            clinic=p.stoughton, title="Consent", body=CONSENT_TEXT + "\n\nNew.", by=p.admin
        )
        with pytest.raises(NotConsented) as caught:
            consent_in_force(patient=p.patient, clinic=p.stoughton, regions=[])
        assert caught.value.code == "consent.outdated"
        _refused("consent.document_replaced", lambda: _sign(visit, corrected))
    signed = AuditEvent.objects.filter(action="consent.signed").latest("pk")
    assert signed.data["language"] == "es"


def test_the_patient_page_shows_and_signs_the_translation_in_their_language(visit) -> None:
    p = visit.practice
    portuguese = _translate(visit, "pt-br", PORTUGUESE, "Consentimento para agulhamento a seco")
    client = Client()
    client.cookies["django_language"] = "pt-br"
    client.force_login(p.patient.user)
    html = client.get(CONSENT).content.decode()
    assert '<html lang="pt-br">' in html
    assert "O que é o agulhamento a seco" in html
    assert "What dry needling is" not in html
    # In the page's own language: no lang="en" wrapper, no "the text is in English" notice,
    # but the notice that the translation awaits review.
    assert 'class="consent-original"' not in html
    assert "O texto do consentimento abaixo está em inglês" not in html
    assert "ainda não foi revisada por um tradutor médico qualificado" in html
    response = client.post(
        CONSENT,
        {"document": portuguese.pk, "signed_name": p.patient.full_name, "agreed": "on"},
    )
    assert response.status_code == 302
    consent = Consent.objects.latest("pk")
    assert consent.document == portuguese and consent.signed_online
    # Reviewed: the notice goes.
    consent_translation_review(document=portuguese, translator_name="Ana Souza", by=p.admin)
    html = client.get(CONSENT).content.decode()
    assert "ainda não foi revisada" not in html
    assert "Português (Brasil)" in html  # the signed consent's language, in the history


def test_staff_show_the_form_in_the_patients_language_and_witness_it(visit) -> None:
    p = visit.practice
    spanish = _translate(visit)
    p.patient.preferred_language = "es"
    p.patient.save(update_fields=["preferred_language"])
    client = VerifiedClient()
    client.force_login(p.front_desk)
    url = f"/staff/patients/{p.patient.pk}/consent/"
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    # The patient's language by default, marked as Spanish inside the English page.
    assert '<div lang="es" class="consent-original">' in html
    assert "Qué es la punción seca" in html
    assert "has not yet been reviewed by a qualified medical translator" in html
    english = client.get(url + "?language=en").content.decode()
    assert "What dry needling is" in english and "Qué es" not in english
    response = client.post(
        url + "?language=es",
        {
            "document": spanish.pk,
            "signed_name": p.patient.full_name,
            "agreed": "on",
            "interpreter_name": "Rosa Almeida",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    consent = Consent.objects.latest("pk")
    assert (consent.document, consent.witnessed_by) == (spanish, p.front_desk)
    assert consent.interpreter_name == "Rosa Almeida"


# --- The signed copy ----------------------------------------------------------------------------


def _root(pdf: bytes):  # type: ignore[no-untyped-def]
    return PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def test_a_consent_signed_in_spanish_gives_a_spanish_tagged_pdf(visit, tmp_path) -> None:
    spanish = _translate(visit)
    with on_the_day(visit.schedule, hour=9):
        consent = _countersign(
            visit,
            _sign(visit, spanish, by=visit.practice.front_desk, witness=visit.practice.front_desk),
        )
    pdf = consent_pdf(consent)
    root = _root(pdf)
    assert str(root["/Lang"]) == "es"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    text = pdf_text(pdf, tmp_path)
    for words in (
        "Consentimiento para la punción seca",
        "Versión 1, publicada el",
        "Qué es la punción seca",
        "Firma del fisioterapeuta",
        "Idioma de la firma",
        "Español",
        "traducción de la versión 1 en inglés",
        "Intérprete",
        "Rosa Almeida",
        "En persona, con",
        "Información confidencial del paciente",
        "Página 1 de 1",
    ):
        assert words in text, words
    for english in ("Signature", "Countersigned", "Confidential", " at ", "Page", "Version"):
        assert english not in text, english
    # The English consent's copy is still English.
    assert str(_root(consent_pdf(visit.consent))["/Lang"]) == "en"


# --- The admin's view of translations -----------------------------------------------------------


def test_the_admin_publishes_a_translation_and_records_its_review(visit) -> None:
    p = visit.practice
    client = VerifiedClient()
    client.force_login(p.admin)
    page = f"/staff/clinics/{p.stoughton.slug}/consent/"
    html = client.get(page).content.decode()
    assert "not translated" in html and "Publish the Español translation" in html
    form_url = f"/staff/clinics/{p.stoughton.slug}/consent/translations/es/"
    assert "What dry needling is" in client.get(form_url).content.decode()
    bad = client.post(form_url, {"title": "Consentimiento", "body": CONSENT_TEXT})
    assert bad.status_code == 400
    assert "still the English text" in bad.content.decode()
    done = client.post(form_url, {"title": "Consentimiento", "body": SPANISH}, follow=True)
    assert done.status_code == 200
    spanish = consent_document_in(p.stoughton, "es")
    assert spanish is not None and spanish.language == "es"
    html = done.content.decode()
    assert "Translations awaiting review" in html and "awaiting review" in html
    review_url = f"/staff/clinics/{p.stoughton.slug}/consent/{spanish.pk}/review/"
    assert client.post(review_url, {"translator_name": " "}).status_code == 302
    assert not TranslationReview.objects.exists()
    client.post(review_url, {"translator_name": "Lucía Ortega, CMI"})
    review = TranslationReview.objects.get()
    assert (review.document, review.translator_name, review.recorded_by) == (
        spanish,
        "Lucía Ortega, CMI",
        p.admin,
    )
    html = client.get(page).content.decode()
    assert "Translations awaiting review" not in html and "Lucía Ortega, CMI" in html
    # Once only; the English text is never "reviewed".
    _refused(
        "consent_translation.already_reviewed",
        lambda: consent_translation_review(document=spanish, translator_name="X", by=p.admin),
    )
    _refused(
        "consent_translation.not_translation",
        lambda: consent_translation_review(
            document=visit.document, translator_name="X", by=p.admin
        ),
    )
    english_review = f"/staff/clinics/{p.stoughton.slug}/consent/{visit.document.pk}/review/"
    assert client.post(english_review, {"translator_name": "X"}).status_code == 302
    assert TranslationReview.objects.count() == 1
    assert (
        client.get(f"/staff/clinics/{p.stoughton.slug}/consent/translations/fr/").status_code == 404
    )


def test_another_clinics_admin_cannot_translate_or_review(visit) -> None:
    p = visit.practice
    spanish = _translate(visit)
    client = VerifiedClient()
    client.force_login(p.outsider_admin)
    base = f"/staff/clinics/{p.stoughton.slug}/consent"
    assert (
        client.post(f"{base}/translations/pt-br/", {"title": "T", "body": PORTUGUESE}).status_code
        == 404
    )
    assert client.post(f"{base}/{spanish.pk}/review/", {"translator_name": "X"}).status_code == 404
    assert consent_document_in(p.stoughton, "pt-br") == visit.document
    assert not TranslationReview.objects.exists()
