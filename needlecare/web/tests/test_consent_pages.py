"""Charting pages for consent: signing online or at the clinic, countersigning, new versions."""

import io

import pytest
from django.core.management import call_command

from needlecare.charting.models import Consent, ConsentDocument, TranslationReview
from needlecare.charting.services import consent_document_publish
from needlecare.web.tests.charting_helpers import BODY, CONSENT, as_, text

pytestmark = pytest.mark.django_db


# --- Consent ------------------------------------------------------------------------------------


def test_a_patient_signs_online_and_the_therapist_countersigns(client, practice):
    p = practice
    document = consent_document_publish(
        clinic=p.stoughton, title="Consent to dry needling", body=BODY, by=p.admin
    )
    as_(client, p.patient.user)
    page = client.get(CONSENT)
    assert page.status_code == 200
    assert "<h3>What dry needling is</h3>" in page.content.decode()
    assert "has not signed the consent" in text(page)

    form = {"document": document.pk, "signed_name": "Somebody Else", "agreed": "on"}
    wrong = client.post(CONSENT, form)
    assert wrong.status_code == 400
    assert f"Type your full name exactly as registered ({p.patient.full_name})" in text(wrong)
    unticked = client.post(CONSENT, {**form, "signed_name": p.patient.full_name, "agreed": ""})
    assert unticked.status_code == 400
    assert "Tick the box to say you agree" in text(unticked)
    assert not Consent.objects.exists()

    signed = client.post(
        CONSENT, {**form, "signed_name": f"  {p.patient.full_name.upper()} ", "covers_thorax": "on"}
    )
    assert signed.status_code == 302
    consent = Consent.objects.get()
    assert consent.signed_online and consent.covers_thorax and consent.witnessed_by is None
    page = client.get(CONSENT)
    assert "The therapist has not countersigned the consent yet." in text(page)
    pdf = client.get(f"/me/consent/{consent.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")

    # The front desk cannot countersign; the therapist can, once.
    as_(client, p.front_desk)
    assert client.post(f"/staff/consents/{consent.pk}/countersign/").status_code == 403
    as_(client, p.therapist.user)
    staff_page = client.get(f"/staff/patients/{p.patient.pk}/consent/")
    assert "Countersign" in text(staff_page)
    done = client.post(f"/staff/consents/{consent.pk}/countersign/")
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.countersigned_by == p.therapist
    again = client.post(f"/staff/consents/{consent.pk}/countersign/")
    assert again.status_code == 400
    assert "already countersigned" in text(again)
    as_(client, p.patient.user)
    assert "Consent in force" in text(client.get(CONSENT))


def test_staff_record_a_signature_at_the_clinic_as_its_witness(client, practice):
    p = practice
    document = consent_document_publish(clinic=p.stoughton, title="Consent", body=BODY, by=None)
    as_(client, p.front_desk)
    url = f"/staff/patients/{p.patient.pk}/consent/"
    response = client.post(
        url,
        {
            "document": document.pk,
            "signed_name": "Pat Guardian",
            "guardian_name": "Pat Guardian",
            "interpreter_name": "Ana Silva",
            "agreed": "on",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert not consent.signed_online
    assert consent.witnessed_by == p.front_desk
    assert consent.guardian_name == "Pat Guardian"
    assert "witnessed by" in text(client.get(url))


def test_a_replaced_document_is_not_signed(client, practice):
    p = practice
    first = consent_document_publish(clinic=p.stoughton, title="Consent", body=BODY, by=None)
    consent_document_publish(clinic=p.stoughton, title="Consent", body=BODY + " More.", by=None)
    as_(client, p.patient.user)
    response = client.post(
        CONSENT, {"document": first.pk, "signed_name": p.patient.full_name, "agreed": "on"}
    )
    assert response.status_code == 400
    assert "has been replaced" in text(response)
    assert not Consent.objects.exists()


def test_no_published_document_says_so(client, practice):
    as_(client, practice.patient.user)
    response = client.get(CONSENT)
    assert "has not published its consent form yet" in text(response)


def test_a_clinic_admin_publishes_a_new_version(client, visit):
    p = visit.schedule.practice
    url = "/staff/clinics/stoughton/consent/"
    as_(client, p.admin)
    page = client.get(url)
    assert page.context["form"].initial["body"] == visit.document.body
    as_a_browser_sends_it = visit.document.body.replace("\n", "\r\n")
    same = client.post(
        url, {"title": visit.document.title, "body": as_a_browser_sends_it, "valid_days": 365}
    )
    assert same.status_code == 400
    assert "already in force" in text(same)
    response = client.post(url, {"title": "Consent v2", "body": BODY, "valid_days": 180})
    assert response.status_code == 302
    assert ConsentDocument.objects.filter(clinic=p.stoughton).first().version == 2
    # Every patient signs afresh: the old consent no longer holds.
    as_(client, p.patient.user)
    assert "must read and sign it again" in text(client.get(CONSENT))


# --- The demo -----------------------------------------------------------------------------------


def test_the_demo_publishes_one_consent_form_per_clinic_once():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    documents = ConsentDocument.objects.order_by("clinic__name", "language")
    assert [(d.clinic.name, d.version, d.language) for d in documents] == [
        (clinic, 1, language)
        for clinic in ("Foxboro", "Stoughton")
        for language in ("en", "es", "pt-br")
    ]
    body = documents[0].body
    for words in ("Nothing is injected", "not acupuncture", "pneumothorax", "shortness of breath"):
        assert words in body, words
    spanish, portuguese = documents[1], documents[2]
    assert spanish.translates == portuguese.translates == documents[0]
    assert "punción seca" in spanish.body and "neumotórax" in spanish.body
    assert "agulhamento a seco" in portuguese.body and "pneumotórax" in portuguese.body
    # Our own translations: listed as awaiting a qualified medical translator's review.
    assert not TranslationReview.objects.exists()
