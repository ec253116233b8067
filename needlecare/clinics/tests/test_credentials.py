import datetime as dt

import pytest

from needlecare.clinics.credentials import CredentialStatus, credential_status
from needlecare.clinics.models import Credential
from needlecare.clinics.selectors import clinic_therapists, therapist_can_dry_needle
from needlecare.clinics.services import credential_save
from needlecare.common.errors import DomainError
from needlecare.common.testing.factories import CredentialFactory, TherapistFactory

DAY = dt.timedelta(days=1)
FROM = dt.date(2026, 1, 1)
UNTIL = dt.date(2026, 12, 31)


def test_a_credential_is_valid_from_its_first_day_to_its_last():
    assert credential_status(FROM, UNTIL, FROM) is CredentialStatus.VALID
    assert credential_status(FROM, UNTIL, UNTIL) is CredentialStatus.EXPIRING_SOON
    assert credential_status(FROM, UNTIL, UNTIL).is_valid


def test_a_credential_is_not_valid_before_it_starts():
    status = credential_status(FROM, UNTIL, FROM - DAY)
    assert status is CredentialStatus.NOT_YET_VALID
    assert not status.is_valid


def test_a_credential_has_expired_the_day_after_its_expiry_date():
    status = credential_status(FROM, UNTIL, UNTIL + DAY)
    assert status is CredentialStatus.EXPIRED
    assert not status.is_valid


def test_expiring_within_thirty_days_is_flagged_but_still_valid():
    assert credential_status(FROM, UNTIL, UNTIL - 30 * DAY) is CredentialStatus.EXPIRING_SOON
    assert credential_status(FROM, UNTIL, UNTIL - 31 * DAY) is CredentialStatus.VALID
    assert CredentialStatus.EXPIRING_SOON.needs_attention
    assert not CredentialStatus.VALID.needs_attention


@pytest.mark.django_db
class TestCanDryNeedle:
    def _therapist(self, **dn):
        therapist = TherapistFactory()
        CredentialFactory(
            therapist=therapist,
            kind=Credential.Kind.PT_LICENSE,
            valid_from=FROM,
            expires_on=UNTIL + 365 * DAY,
        )
        CredentialFactory(therapist=therapist, kind=Credential.Kind.DRY_NEEDLING, **dn)
        return therapist

    def test_with_a_valid_certification_and_licence(self):
        therapist = self._therapist(valid_from=FROM, expires_on=UNTIL)
        assert therapist_can_dry_needle(therapist, on=FROM)
        assert therapist_can_dry_needle(therapist, on=UNTIL)

    def test_not_once_the_certification_has_expired(self):
        therapist = self._therapist(valid_from=FROM, expires_on=UNTIL)
        assert not therapist_can_dry_needle(therapist, on=UNTIL + DAY)

    def test_not_before_the_certification_starts(self):
        therapist = self._therapist(valid_from=FROM, expires_on=UNTIL)
        assert not therapist_can_dry_needle(therapist, on=FROM - DAY)

    def test_not_without_any_certification(self):
        therapist = TherapistFactory()
        CredentialFactory(
            therapist=therapist, kind=Credential.Kind.PT_LICENSE, valid_from=FROM, expires_on=UNTIL
        )
        assert not therapist_can_dry_needle(therapist, on=FROM)

    def test_not_with_a_certification_but_a_lapsed_licence(self):
        therapist = TherapistFactory()
        CredentialFactory(
            therapist=therapist,
            kind=Credential.Kind.PT_LICENSE,
            valid_from=FROM,
            expires_on=FROM + DAY,
        )
        CredentialFactory(
            therapist=therapist,
            kind=Credential.Kind.DRY_NEEDLING,
            valid_from=FROM,
            expires_on=UNTIL,
        )
        assert not therapist_can_dry_needle(therapist, on=FROM + 2 * DAY)

    def test_a_renewed_certification_covers_the_gap(self):
        therapist = self._therapist(valid_from=FROM, expires_on=UNTIL)
        CredentialFactory(
            therapist=therapist,
            kind=Credential.Kind.DRY_NEEDLING,
            valid_from=UNTIL + DAY,
            expires_on=UNTIL + 200 * DAY,
        )
        assert therapist_can_dry_needle(therapist, on=UNTIL + 10 * DAY)

    def test_the_staff_listing_agrees_and_flags_expiry(self):
        therapist = self._therapist(valid_from=FROM, expires_on=UNTIL)
        clinic = therapist.user.memberships.get().clinic
        [row] = clinic_therapists(clinic, on=UNTIL - 5 * DAY)
        assert row.can_dry_needle
        assert row.needs_attention
        [row] = clinic_therapists(clinic, on=UNTIL + DAY)
        assert not row.can_dry_needle


@pytest.mark.django_db
def test_a_credential_cannot_expire_before_it_starts():
    therapist = TherapistFactory()
    with pytest.raises(DomainError, match="cannot expire before"):
        credential_save(
            credential=Credential(
                therapist=therapist,
                kind="cpr",
                issuer="X",
                number="1",
                valid_from=UNTIL,
                expires_on=FROM,
            ),
            by=None,
        )
    assert not Credential.objects.exists()
