"""A clinic admin invites staff to their own clinics: everything is written at once, with one
invitation queued, or nothing is."""

import datetime as dt

import pytest

from needlecare.accounts.models import Role, User
from needlecare.audit.models import AuditEvent
from needlecare.clinics.models import Credential, StaffMembership, Therapist
from needlecare.clinics.selectors import therapist_can_dry_needle, therapists_at
from needlecare.clinics.services import INVITATION, CredentialDetails, staff_invite
from needlecare.common.errors import DomainError
from needlecare.outbox.models import Message

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
LICENCE = CredentialDetails(
    Credential.Kind.PT_LICENSE,
    "MA Board of Allied Health",
    "PT-12345",
    TODAY,
    TODAY.replace(year=TODAY.year + 2),
)
NEEDLING = CredentialDetails(
    Credential.Kind.DRY_NEEDLING,
    "Myopain Seminars",
    "DN-678",
    TODAY,
    TODAY.replace(year=TODAY.year + 3),
)


def invite(practice, **changes):
    given = {
        "by": practice.admin,
        "email": "Casey.Morgan@Example.org",
        "full_name": "Casey Morgan",
        "role": Role.THERAPIST,
        "clinics": [practice.stoughton],
        "title": "PT, DPT",
        "credentials": [LICENCE, NEEDLING],
    } | changes
    return staff_invite(**given)


def counts():
    return (
        User.objects.count(),
        StaffMembership.objects.count(),
        Therapist.objects.count(),
        Credential.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.count(),
    )


def test_an_invited_therapist_gets_an_account_without_a_password_and_everything_else(practice):
    user = invite(practice)

    assert user.email == "casey.morgan@example.org"
    assert user.role == Role.THERAPIST and user.is_active and not user.is_staff
    assert not user.has_usable_password()
    assert list(user.clinics.all()) == [practice.stoughton]
    assert user.therapist.title == "PT, DPT"
    kinds = set(user.therapist.credentials.values_list("kind", flat=True))
    assert kinds == {Credential.Kind.PT_LICENSE, Credential.Kind.DRY_NEEDLING}
    assert therapist_can_dry_needle(user.therapist, on=TODAY)
    assert user.therapist in therapists_at(practice.stoughton)


def test_one_invitation_is_queued_to_the_new_address(practice):
    user = invite(practice)
    [message] = Message.objects.filter(kind=INVITATION)
    assert message.recipient == "casey.morgan@example.org"
    assert (message.target_type, message.target_id) == ("accounts.user", str(user.pk))
    assert message.clinic_id == practice.stoughton.pk


def test_every_part_of_an_invitation_is_audited_for_the_clinic(practice):
    user = invite(practice)
    actions = list(
        AuditEvent.objects.filter(clinics__clinic_id=practice.stoughton.pk, actor=practice.admin)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "user.invited",
        "staffmembership.added",
        "therapist.added",
        "credential.added",
        "credential.added",
    ]
    assert AuditEvent.objects.get(action="user.invited").target_id == str(user.pk)


def test_front_desk_and_admins_are_invited_without_a_therapist_profile(practice):
    desk = invite(
        practice, email="desk@example.org", role=Role.FRONT_DESK, title="", credentials=[]
    )
    admin = invite(
        practice, email="boss@example.org", role=Role.CLINIC_ADMIN, title="", credentials=[]
    )
    assert not Therapist.objects.filter(user__in=[desk, admin]).exists()
    assert admin.is_staff and not desk.is_staff  # Django's admin, for clinic admins only


def test_a_therapist_without_valid_credentials_is_invited_but_cannot_dry_needle(practice):
    expired = CredentialDetails(
        Credential.Kind.DRY_NEEDLING,
        "Myopain Seminars",
        "DN-1",
        dt.date(2020, 1, 1),
        dt.date(2021, 1, 1),
    )
    user = invite(practice, credentials=[LICENCE, expired])
    assert not therapist_can_dry_needle(user.therapist, on=TODAY)
    bare = invite(practice, email="bare@example.org", credentials=[])
    assert not therapist_can_dry_needle(bare.therapist, on=TODAY)


def test_an_admin_invites_to_several_of_their_clinics(practice):
    practice.admin.memberships.create(clinic=practice.foxboro)
    user = invite(practice, clinics=[practice.stoughton, practice.foxboro])
    assert set(user.clinics.all()) == {practice.stoughton, practice.foxboro}


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"email": "DANA.REYES@example.org"}, "account.email_taken", "email"),
        ({"clinics": "foxboro"}, "staff.clinic_not_yours", "clinics"),
        ({"clinics": "both"}, "staff.clinic_not_yours", "clinics"),
        ({"clinics": []}, "staff.clinic_not_yours", "clinics"),
        ({"role": Role.PATIENT, "title": "", "credentials": []}, "staff.unknown_role", "role"),
        ({"role": Role.FRONT_DESK}, "staff.not_a_therapist", "role"),
        ({"title": ""}, "invalid", "title"),
        ({"email": "not an address"}, "invalid", "email"),
        ({"full_name": "  "}, "invalid", "full_name"),
        (
            {
                "credentials": [
                    LICENCE,
                    CredentialDetails(
                        "dry_needling", "X", "1", TODAY, TODAY - dt.timedelta(days=1)
                    ),
                ]
            },
            "credential.expires_before_valid",
            "expires_on",
        ),
    ],
)
def test_a_refused_invitation_leaves_nothing_behind(practice, changes, code, field):
    practice.therapist.user.email = "dana.reyes@example.org"
    practice.therapist.user.save()
    where = {"foxboro": [practice.foxboro], "both": [practice.stoughton, practice.foxboro]}
    if isinstance(changes.get("clinics"), str):
        changes = changes | {"clinics": where[changes["clinics"]]}
    before = counts()
    with pytest.raises(DomainError) as refused:
        invite(practice, **changes)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert counts() == before


def test_only_an_active_clinic_admin_invites(practice):
    before = counts()
    with pytest.raises(DomainError) as refused:
        invite(practice, by=practice.front_desk)
    assert refused.value.code == "staff.not_an_admin"
    practice.admin.is_active = False
    practice.admin.save()
    with pytest.raises(DomainError):
        invite(practice)
    assert counts() == before
