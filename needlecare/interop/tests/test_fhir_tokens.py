"""FHIR integration tokens: made by a clinic admin (or the command line) for their own clinic,
stored only as a digest, audited, refused when revoked or expired, and used at most a write a
minute."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.utils import timezone

from needlecare.audit.models import AuditEvent
from needlecare.common.errors import DomainError
from needlecare.common.testing.leaks import tables_containing
from needlecare.common.testing.personas import Practice
from needlecare.interop.models import FhirToken
from needlecare.interop.selectors import fhir_token_authenticate, fhir_tokens_of
from needlecare.interop.services import fhir_token_create, fhir_token_revoke

pytestmark = pytest.mark.django_db


def make(practice: Practice, name: str = "Regional exchange", **kwargs: object) -> tuple:
    kwargs.setdefault("clinic", practice.stoughton)
    kwargs.setdefault("by", practice.admin)
    return fhir_token_create(name=name, **kwargs)  # type: ignore[arg-type]


def refusal(call) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_an_admin_gets_a_recognisable_token_once_and_only_its_digest_is_stored(practice):
    token, raw = make(practice)
    assert raw.startswith("nct_") and len(raw) > 40
    row = FhirToken.objects.filter(pk=token.pk).values().get()
    assert row["token_digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(row) and raw[4:] not in str(row)
    assert tables_containing(raw[4:]) == []
    assert tables_containing(token.token_digest) == ["interop_fhirtoken"]  # the search works
    assert row["clinic_id"] == practice.stoughton.pk
    assert row["created_by_id"] == practice.admin.pk
    assert row["revoked_at"] is None and row["last_used_at"] is None


def test_a_token_lasts_ninety_days_unless_told_otherwise(practice):
    token, _ = make(practice)
    assert token.expires_at - token.created_at == dt.timedelta(days=90)
    short, _ = make(practice, "Short", days=1)
    long, _ = make(practice, "Long", days=366)
    assert short.expires_at - short.created_at == dt.timedelta(days=1)
    assert long.expires_at - long.created_at == dt.timedelta(days=366)
    for days in (0, -5, 367):
        error = refusal(lambda days=days: make(practice, f"Days {days}", days=days))
        assert error.code == "fhir_token.days"
    assert FhirToken.objects.count() == 3


def test_making_a_token_is_audited_under_its_clinic_without_the_secret(practice):
    token, raw = make(practice)
    event = AuditEvent.objects.get(action="fhir_token.created")
    assert event.actor == practice.admin
    assert event.target_type == "interop.fhirtoken" and event.target_id == str(token.pk)
    assert event.target_label == 'FHIR token "Regional exchange" for Stoughton'
    assert event.data["name"] == "Regional exchange" and event.data["days"] == 90
    assert list(event.clinics.values_list("clinic_id", flat=True)) == [practice.stoughton.pk]
    assert token.token_digest not in event.target_label + str(event.data)
    assert raw not in event.target_label + str(event.data)


def test_the_command_line_makes_and_revokes_tokens_as_the_system(practice):
    token, _ = fhir_token_create(clinic=practice.foxboro, name="Analytics", by=None)
    assert token.created_by is None
    fhir_token_revoke(token=token, by=None)
    labels = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label", "actor"))
    assert labels == [
        ("fhir_token.created", "system", None),
        ("fhir_token.revoked", "system", None),
    ]


def test_a_name_is_needed_short_enough_and_not_taken_by_an_active_token(practice):
    assert refusal(lambda: make(practice, "   ")).code == "fhir_token.name_missing"
    assert refusal(lambda: make(practice, "x" * 81)).code == "fhir_token.name_too_long"
    first, _ = make(practice, "Dr Patel's EHR")
    taken = refusal(lambda: make(practice, "  dr patel's   ehr "))
    assert taken.code == "fhir_token.name_taken" and taken.field == "name"
    assert "Dr Patel's EHR" in taken.message
    # The other clinic may use the name; and so may Stoughton once the first is revoked.
    make(practice, "Dr Patel's EHR", clinic=practice.foxboro, by=practice.outsider_admin)
    fhir_token_revoke(token=first, by=practice.admin)
    again, _ = make(practice, "Dr Patel's EHR")
    assert again.name == "Dr Patel's EHR"
    assert make(practice, "x" * 80)[0].name == "x" * 80


def test_an_expired_tokens_name_may_be_used_again(practice):
    make(practice, "Exchange", days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        token, _ = make(practice, "Exchange")
    assert FhirToken.objects.filter(name="Exchange").count() == 2
    assert token.pk == FhirToken.objects.latest("pk").pk


@pytest.mark.parametrize("who", ["outsider_admin", "front_desk", "outsider"])
def test_only_a_clinic_admin_of_the_clinic_makes_its_tokens(practice, who):
    error = refusal(lambda: make(practice, by=getattr(practice, who)))
    assert error.code == "fhir_token.not_yours"
    therapist = refusal(lambda: make(practice, by=practice.therapist.user))
    assert therapist.code == "fhir_token.not_yours"
    assert FhirToken.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="fhir_token.").exists()


def test_an_inactive_admin_makes_no_token(practice):
    practice.admin.is_active = False
    practice.admin.save(update_fields=["is_active"])
    assert refusal(lambda: make(practice)).code == "fhir_token.not_yours"


def test_revoking_is_audited_once_and_only_by_the_clinics_admin(practice):
    token, _ = make(practice)
    error = refusal(lambda: fhir_token_revoke(token=token, by=practice.outsider_admin))
    assert error.code == "fhir_token.not_yours"
    token.refresh_from_db()
    assert token.revoked_at is None
    fhir_token_revoke(token=token, by=practice.admin)
    assert token.revoked_at is not None
    fhir_token_revoke(token=token, by=practice.admin)
    events = AuditEvent.objects.filter(action="fhir_token.revoked")
    assert events.count() == 1
    assert events.get().actor == practice.admin
    assert list(events.get().clinics.values_list("clinic_id", flat=True)) == [practice.stoughton.pk]


def test_an_active_token_authenticates_with_its_clinic_loaded(practice, django_assert_num_queries):
    token, raw = make(practice)
    found = fhir_token_authenticate(raw)
    assert found is not None and found.pk == token.pk
    with django_assert_num_queries(0):
        assert found.clinic.slug == "stoughton"
    assert found.role == "integration"
    assert found.is_active(timezone.now())


@pytest.mark.parametrize("wrong", ["", "nct_", "nct_not-a-token-we-issued", "x" * 129])
def test_a_wrong_token_authenticates_nobody(practice, wrong):
    make(practice)
    assert fhir_token_authenticate(wrong) is None


def test_a_token_with_only_its_digest_authenticates_nobody(practice):
    token, _ = make(practice)
    assert fhir_token_authenticate(token.token_digest) is None


def test_a_revoked_token_authenticates_nobody(practice):
    token, raw = make(practice)
    fhir_token_revoke(token=token, by=practice.admin)
    assert fhir_token_authenticate(raw) is None
    token.refresh_from_db()
    assert token.state(timezone.now()) == "revoked"


def test_an_expired_token_authenticates_nobody(practice):
    token, raw = make(practice, days=1)
    with time_machine.travel(token.expires_at - dt.timedelta(seconds=1)):
        assert fhir_token_authenticate(raw) is not None
    with time_machine.travel(token.expires_at):
        assert fhir_token_authenticate(raw) is None
        token.refresh_from_db()
        assert token.state(timezone.now()) == "expired"
        assert not token.is_active(timezone.now())


def test_use_is_recorded_at_most_once_a_minute(practice):
    token, raw = make(practice)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fhir_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=59), tick=False):
        found = fhir_token_authenticate(raw)
    assert found is not None and found.last_used_at == start
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        fhir_token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_recent_use_costs_one_query(practice, django_assert_num_queries):
    _, raw = make(practice)
    fhir_token_authenticate(raw)
    with django_assert_num_queries(1):
        assert fhir_token_authenticate(raw) is not None


def test_the_page_lists_only_the_clinics_own_tokens_newest_first(practice):
    first, _ = make(practice, "First")
    second, _ = make(practice, "Second")
    make(practice, "Theirs", clinic=practice.foxboro, by=practice.outsider_admin)
    assert [t.pk for t in fhir_tokens_of(practice.stoughton)] == [second.pk, first.pk]
    assert [t.name for t in fhir_tokens_of(practice.foxboro)] == ["Theirs"]
