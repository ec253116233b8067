"""Sign-in abuse: throttled per account and address, per address (spraying) and per account
from unknown browsers; never a lockout one stranger can impose on another; failures kept 90
days. Registration and reset answer alike whether or not the address is known, with limits."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from needlecare.accounts.models import User
from needlecare.accounts.signin import signin_failures_prune
from needlecare.common.testing.factories import PASSWORD
from needlecare.outbox.models import Message
from needlecare.web.mail.accounts import (
    PASSWORD_RESET,
    REGISTRATION_CONFIRM,
    REGISTRATION_EXISTING,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def _try(client, email, password, address="203.0.113.9"):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def _paused(response) -> int:
    assert response.status_code == 429, response.status_code
    assert "wait" in response.content.decode()
    return int(response["Retry-After"])


def test_five_failures_from_one_address_pause_that_pair_not_the_account(client, practice):
    email = practice.patient.user.email
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            assert _try(client, email, "wrong-password-123").status_code == 200
        retry = _paused(_try(client, email, PASSWORD))  # even the right password waits
        assert 0 < retry <= 15 * 60
        assert "_auth_user_id" not in client.session
        # The owner elsewhere is not kept out by the guesser.
        assert _try(Client(), email, PASSWORD, address="198.51.100.7").status_code == 302
        traveller.shift(dt.timedelta(seconds=retry))
        assert _try(client, email, PASSWORD).status_code == 302


def test_one_password_sprayed_across_accounts_is_throttled_by_address(client, practice):
    with time_machine.travel(START, tick=False):
        for n in range(20):
            assert _try(client, f"someone{n}@example.org", "Spring2026spring").status_code == 200
        _paused(_try(client, "someone-else@example.org", "Spring2026spring"))
        _paused(_try(client, practice.front_desk.email, "Spring2026spring"))
        # Other addresses go on as before.
        other = _try(Client(), practice.front_desk.email, PASSWORD, address="198.51.100.7")
        assert other.status_code == 302


def test_guessing_one_account_from_many_addresses_cannot_keep_its_owner_out(practice):
    email = practice.front_desk.email
    owner = Client()
    with time_machine.travel(START, tick=False) as traveller:
        assert _try(owner, email, PASSWORD, address="198.51.100.7").status_code == 302
        owner.post("/accounts/logout/")
        traveller.shift(dt.timedelta(minutes=1))
        for n in range(10):  # a botnet: one guess from each of ten addresses
            assert _try(Client(), email, f"guess-number-{n}", f"192.0.2.{n}").status_code == 200
        # A new browser at a new address now waits for this account...
        _paused(_try(Client(), email, PASSWORD, address="192.0.2.200"))
        # ...but the owner's browser, which has signed in before, does not.
        assert _try(owner, email, PASSWORD, address="198.51.100.7").status_code == 302


def test_no_account_is_ever_locked_and_every_failure_is_recorded(client, practice):
    email = practice.patient.user.email
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(12):
            _try(client, email, "wrong-password-123")
        assert AccessFailureLog.objects.filter(username=email).count() == 5  # then refused
        traveller.shift(dt.timedelta(minutes=16))
        assert _try(client, email, PASSWORD).status_code == 302
    assert AccessAttempt.objects.filter(username=email).exists()


def test_failed_sign_ins_are_kept_90_days_then_dropped(client, practice):
    email = practice.patient.user.email
    with time_machine.travel(START, tick=False) as traveller:
        _try(client, email, "wrong-password-123")
        assert AccessFailureLog.objects.filter(username=email).count() == 1
        traveller.shift(dt.timedelta(days=89))
        assert signin_failures_prune() == 0
        assert AccessFailureLog.objects.filter(username=email).count() == 1
        traveller.shift(dt.timedelta(days=2))
        # The next failure anywhere prunes (at most once a day, whichever process sees it).
        _try(Client(), "nobody@example.org", "wrong-password-123", address="198.51.100.7")
        assert not AccessFailureLog.objects.filter(username=email).exists()
        assert not AccessAttempt.objects.filter(username=email).exists()
        assert AccessFailureLog.objects.filter(username="nobody@example.org").count() == 1


def _register(client, practice, email, address="203.0.113.9"):
    password = "a-good-long-passphrase"
    data = {
        "email": email,
        "password": password,
        "password_again": password,
        "first_name": "Ada",
        "last_name": "Prober",
        "date_of_birth": "1980-01-01",
        "phone": "781-555-0100",
        "preferred_clinic": practice.stoughton.pk,
    }
    return client.post("/accounts/register/", data, REMOTE_ADDR=address)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _answer(response) -> tuple[int, str, str]:
    page = Client().get(response["Location"]).content.decode()
    # Each browser's own CSRF token (the language switcher's form) is not about the address.
    page = CSRF.sub('name="csrfmiddlewaretoken" value=""', page)
    return response.status_code, response["Location"], page


def test_registration_answers_alike_for_new_patient_and_staff_addresses(practice):
    new = _answer(_register(Client(), practice, "brand.new@example.org"))
    patient = _answer(_register(Client(), practice, practice.patient.user.email.upper()))
    staff = _answer(_register(Client(), practice, practice.admin.email))
    assert new == patient == staff
    assert new[0] == 302 and "Check your email" in new[2]
    # What differs goes by email, to the address's owner.
    made = User.objects.get(email="brand.new@example.org")
    assert not made.is_active
    assert Message.objects.filter(kind=REGISTRATION_CONFIRM, user=made).count() == 1
    for owner in (practice.patient.user, practice.admin):
        assert Message.objects.filter(kind=REGISTRATION_EXISTING, user=owner).count() == 1
        owner.refresh_from_db()
        assert owner.is_active and owner.check_password(PASSWORD)  # nothing changed


def test_registration_is_limited_per_address_and_per_email(practice):
    prober = Client()
    for n in range(10):
        assert _register(prober, practice, f"probe{n}@example.org").status_code == 302
    retry = _paused(_register(prober, practice, "probe-more@example.org"))
    assert 0 < retry <= 3600
    for n in range(3):
        assert (
            _register(Client(), practice, "target@example.org", f"192.0.2.{n}").status_code == 302
        )
    _paused(_register(Client(), practice, "target@example.org", "192.0.2.99"))
    assert Message.objects.filter(recipient="target@example.org").count() == 3


def test_password_reset_answers_alike_and_is_limited(practice):
    known = Client().post("/accounts/password/reset/", {"email": practice.admin.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Message.objects.filter(kind=PASSWORD_RESET, user=practice.admin).count() == 1
    for _ in range(2):
        Client().post("/accounts/password/reset/", {"email": practice.admin.email})
    _paused(Client().post("/accounts/password/reset/", {"email": practice.admin.email}))
    assert Message.objects.filter(kind=PASSWORD_RESET, user=practice.admin).count() == 3
    prober = Client()
    for n in range(5):  # ten requests from this address this hour
        prober.post("/accounts/password/reset/", {"email": f"who{n}@example.org"})
    _paused(prober.post("/accounts/password/reset/", {"email": "who-next@example.org"}))
