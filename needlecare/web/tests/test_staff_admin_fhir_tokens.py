"""A clinic admin makes, sees once, and revokes their clinic's FHIR integration tokens; nobody
else reaches the page or another clinic's tokens."""

import re

import pytest

from needlecare.audit.models import AuditEvent
from needlecare.common.testing.leaks import tables_containing
from needlecare.interop.models import FhirToken
from needlecare.interop.services import fhir_token_create

pytestmark = pytest.mark.django_db

PAGE = "/staff/clinics/stoughton/fhir-tokens/"
TOKEN = re.compile(r'data-testid="fhir-token">(nct_[A-Za-z0-9_-]+)<')


def revoke_url(token, clinic="stoughton"):
    return f"/staff/clinics/{clinic}/fhir-tokens/{token.pk}/revoke/"


@pytest.fixture
def admin(client, practice):
    client.force_login(practice.admin)
    return client


def test_the_page_says_what_a_token_is_for_and_who_can_read_with_it(admin):
    page = admin.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "FHIR integration tokens for Stoughton" in text
    assert "referring physician’s EHR" in text and "/fhir/R4/" in text
    assert "Whoever holds a token can read the clinic’s patient records" in text
    assert 'name="name"' in text and 'name="days"' in text and 'value="90"' in text
    assert "No tokens yet" in text
    assert TOKEN.search(text) is None


def test_the_clinic_navigation_links_the_page_for_admins_only(client, practice):
    client.force_login(practice.admin)
    assert PAGE in client.get("/staff/clinics/stoughton/patients/").content.decode()
    client.force_login(practice.front_desk)
    patients = client.get("/staff/clinics/stoughton/patients/")
    assert patients.status_code == 200
    assert PAGE not in patients.content.decode()


def test_a_new_token_is_shown_once_and_never_again(admin, practice):
    made = admin.post(PAGE, {"name": "Regional exchange", "days": "30"})
    assert made.status_code == 200
    text = made.content.decode()
    raw = TOKEN.search(text).group(1)
    assert "it is shown this once" in text
    assert made["Cache-Control"] == "no-store, private"
    token = FhirToken.objects.get()
    assert (token.clinic, token.name, token.created_by) == (
        practice.stoughton,
        "Regional exchange",
        practice.admin,
    )
    assert (token.expires_at - token.created_at).days == 30
    assert AuditEvent.objects.filter(action="fhir_token.created", actor=practice.admin).exists()
    # Neither the table, nor the session, nor the audit trail keeps it.
    assert tables_containing(raw) == []
    again = admin.get(PAGE).content.decode()
    assert raw not in again and TOKEN.search(again) is None
    assert "Regional exchange" in again and "Active" in again


def test_bad_input_is_a_form_error_not_a_token(admin, practice):
    fhir_token_create(clinic=practice.stoughton, name="Analytics", by=practice.admin)
    cases = [
        ({"name": "", "days": "90"}, "This field is required"),
        ({"name": "X", "days": "0"}, "greater than or equal to 1"),
        ({"name": "X", "days": "367"}, "less than or equal to 366"),
        ({"name": "X", "days": "soon"}, "Enter a whole number"),
        ({"name": "x" * 81, "days": "90"}, "at most 80 characters"),
        ({"name": "analytics", "days": "90"}, "already has an active token named"),
    ]
    for data, message in cases:
        answer = admin.post(PAGE, data)
        assert answer.status_code == 400, data
        text = answer.content.decode()
        assert message in text, (data, text[:2000])
        assert TOKEN.search(text) is None
    assert FhirToken.objects.count() == 1


def test_an_admin_revokes_a_token(admin, practice):
    token, raw = fhir_token_create(clinic=practice.stoughton, name="Old EHR", by=None)
    listed = admin.get(PAGE).content.decode()
    assert "on the command line" in listed and revoke_url(token) in listed
    answer = admin.post(revoke_url(token), follow=True)
    assert answer.redirect_chain == [(PAGE, 302)]
    text = answer.content.decode()
    assert "The token “Old EHR” is revoked" in text
    assert "Revoked" in text and revoke_url(token) not in text
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="fhir_token.revoked")
    assert event.actor == practice.admin
    assert raw not in text


def test_revoking_takes_a_post(admin, practice):
    token, _ = fhir_token_create(clinic=practice.stoughton, name="EHR", by=None)
    assert admin.get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_clinics_admin_finds_neither_the_page_nor_the_token(client, practice):
    token, _ = fhir_token_create(clinic=practice.stoughton, name="EHR", by=None)
    client.force_login(practice.outsider_admin)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"name": "Mine now", "days": "90"}).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    # Their own clinic's address with Stoughton's token id: not found either.
    assert client.post(revoke_url(token, clinic="foxboro")).status_code == 404
    assert client.get("/staff/clinics/foxboro/fhir-tokens/").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None
    assert FhirToken.objects.count() == 1


@pytest.mark.parametrize("who", ["front_desk", "therapist"])
def test_front_desk_and_therapists_are_refused(client, practice, who):
    token, _ = fhir_token_create(clinic=practice.stoughton, name="EHR", by=None)
    user = practice.front_desk if who == "front_desk" else practice.therapist.user
    client.force_login(user)
    assert client.get(PAGE).status_code in (403, 404)
    assert client.post(PAGE, {"name": "Sneaky", "days": "90"}).status_code in (403, 404)
    assert client.post(revoke_url(token)).status_code in (403, 404)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert FhirToken.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, practice):
    answer = client.get(PAGE)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")
