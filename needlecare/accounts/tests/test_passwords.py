"""One password rule everywhere (NIST 800-63B): 12 characters at least, not a common password,
not like the account's own details, and no composition rules: registration, change, reset."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from needlecare.accounts.models import User
from needlecare.accounts.tests.registration_helpers import emailed_link
from needlecare.audit.models import AuditEvent
from needlecare.common.testing.factories import PASSWORD
from needlecare.common.testing.two_factor import VerifiedClient as Client
from needlecare.web.mail.accounts import PASSWORD_RESET

pytestmark = pytest.mark.django_db

REFUSED = [
    ("eleven-char", "at least 12"),  # 11 characters
    ("password123456", "too common"),
    ("qwertyuiop123", "too common"),
]
ACCEPTED = [
    "plain lowercase words",  # no capitals, digits or symbols needed
    "73920485716283",  # digits only are fine too: no composition rules
    "needling-demo-2026",  # the demo password
]


def _register(client, practice, password):
    return client.post(
        "/accounts/register/",
        {
            "email": "rule.tester@example.org",
            "password": password,
            "password_again": password,
            "first_name": "Rula",
            "last_name": "Tester",
            "date_of_birth": "1985-05-05",
            "phone": "781-555-0100",
            "preferred_clinic": practice.stoughton.pk,
        },
    )


def _change(client, user, password):
    client.force_login(user)
    return client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )


def _reset(client, user, password):
    assert client.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    link = emailed_link(user, PASSWORD_RESET)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    url = form_page.redirect_chain[-1][0]
    return client.post(url, {"new_password1": password, "new_password2": password})


def _errors(response) -> str:
    form = response.context["form"]
    return " ".join(" ".join(v) for v in form.errors.values())


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_a_weak_password_is_refused_on_registration(client, practice, password, reason):
    response = _register(client, practice, password)
    assert response.status_code == 400
    assert reason in _errors(response)
    assert not User.objects.filter(email="rule.tester@example.org").exists()


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_a_weak_password_is_refused_on_change(client, practice, password, reason):
    user = practice.patient.user
    response = _change(client, user, password)
    assert response.status_code == 200 and reason in _errors(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_a_weak_password_is_refused_on_reset(client, practice, password, reason):
    user = practice.front_desk
    response = _reset(client, user, password)
    assert response.status_code == 200 and reason in _errors(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("password", ACCEPTED)
def test_long_passwords_need_no_particular_characters(client, practice, password):
    assert _register(client, practice, password).status_code == 302
    user = User.objects.get(email="rule.tester@example.org")
    assert user.check_password(password)
    other = practice.patient.user
    # A name of its own: a random one can be "too similar" to a password (the rule working).
    other.full_name = "Ines Okafor"
    other.save(update_fields=["full_name"])
    assert _change(client, other, password).status_code == 302
    other.refresh_from_db()
    assert other.check_password(password)


def test_a_password_like_the_accounts_own_details_is_refused_everywhere(client, practice):
    user = practice.front_desk
    like_email = user.email + "!"
    assert len(like_email) >= 12
    with pytest.raises(ValidationError, match="too similar"):
        validate_password(like_email, user=user)
    assert "too similar" in _errors(_change(client, user, like_email))
    response = _reset(Client(), user, like_email)
    assert "too similar" in _errors(response)
    registered = _register(Client(), practice, "rula tester rula")
    assert registered.status_code == 400 and "too similar" in _errors(registered)


def test_a_reset_ends_every_session_of_the_account(client, practice):
    user = practice.patient.user
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/me/").status_code == 200
    response = _reset(client, user, "a-fresh-reset-passphrase")
    assert response.status_code == 302
    after = signed_in.get("/me/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="user.sessions_ended", target_id=str(user.pk)).exists()
