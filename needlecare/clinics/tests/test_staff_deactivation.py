"""A clinic admin closes the account of someone only their own clinics rely on; someone who also
works elsewhere is taken off the admin's clinic instead. Both are audited."""

import datetime as dt

import pytest

from needlecare.accounts.models import Role
from needlecare.audit.models import AuditEvent
from needlecare.clinics.models import StaffMembership
from needlecare.clinics.selectors import therapists_at
from needlecare.clinics.services import (
    INVITATION,
    staff_deactivate,
    staff_invitation_resend,
    staff_reactivate,
    staff_remove,
)
from needlecare.common.errors import DomainError
from needlecare.common.testing.factories import PASSWORD, StaffFactory, TherapistFactory
from needlecare.outbox.models import Message
from needlecare.scheduling.models import WorkingHours
from needlecare.scheduling.services import appointment_book, appointment_cancel

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    client.pass_second_step(user)  # staff sign in with a code as well (the real second step)
    assert client.get("/staff/").status_code == 200


def test_a_deactivated_member_of_staff_is_signed_out_at_their_next_request(client, practice):
    desk = practice.front_desk
    sign_in(client, desk)

    staff_deactivate(user=desk, by=practice.admin)

    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/clinics/stoughton/therapists").status_code == 401
    again = client.post("/accounts/login/", {"username": desk.email, "password": PASSWORD})
    assert again.status_code == 200  # the login page again: inactive accounts cannot sign in


def test_deactivation_is_audited_for_the_clinics_of_the_account(practice):
    staff_deactivate(user=practice.front_desk, by=practice.admin)
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.actor == practice.admin
    assert event.target_id == str(practice.front_desk.pk)
    assert list(event.clinics.values_list("clinic_id", flat=True)) == [practice.stoughton.pk]


def test_a_deactivated_therapist_can_no_longer_be_booked_and_can_be_reactivated(practice):
    staff_deactivate(user=practice.therapist.user, by=practice.admin)
    assert practice.therapist not in therapists_at(practice.stoughton)

    staff_reactivate(user=practice.therapist.user, by=practice.admin)
    assert practice.therapist in therapists_at(practice.stoughton)
    assert AuditEvent.objects.filter(action="user.reactivated").count() == 1


def test_an_admin_cannot_deactivate_themself(practice):
    with pytest.raises(DomainError) as refused:
        staff_deactivate(user=practice.admin, by=practice.admin)
    assert refused.value.code == "staff.not_yourself"


def test_an_admin_of_stoughton_cannot_touch_foxboro_only_staff(practice):
    for write in (staff_deactivate, staff_reactivate, staff_invitation_resend):
        with pytest.raises(DomainError) as refused:
            write(user=practice.outsider, by=practice.admin)
        assert refused.value.code == "staff.not_yours"
    with pytest.raises(DomainError):
        staff_remove(user=practice.outsider, clinic=practice.foxboro, by=practice.admin)
    practice.outsider.refresh_from_db()
    assert practice.outsider.is_active
    assert not AuditEvent.objects.filter(target_id=str(practice.outsider.pk)).exists()


def test_patients_and_front_desk_cannot_deactivate_anyone(practice):
    with pytest.raises(DomainError) as refused:
        staff_deactivate(user=practice.patient.user, by=practice.admin)
    assert refused.value.code == "staff.not_yours"
    with pytest.raises(DomainError) as refused:
        staff_deactivate(user=practice.therapist.user, by=practice.front_desk)
    assert refused.value.code == "staff.not_an_admin"


def test_someone_who_also_works_elsewhere_is_removed_from_the_admins_clinic_instead(practice):
    shared = TherapistFactory(user__clinics=[practice.stoughton, practice.foxboro])
    for clinic in (practice.stoughton, practice.foxboro):
        WorkingHours.objects.create(
            therapist=shared,
            clinic=clinic,
            weekday=clinic.pk % 5,
            starts=dt.time(9),
            ends=dt.time(12),
        )
    with pytest.raises(DomainError) as refused:
        staff_deactivate(user=shared.user, by=practice.admin)
    assert refused.value.code == "staff.works_elsewhere"

    staff_remove(user=shared.user, clinic=practice.stoughton, by=practice.admin)

    shared.user.refresh_from_db()
    assert shared.user.is_active
    assert list(shared.user.clinics.all()) == [practice.foxboro]
    assert list(WorkingHours.objects.filter(therapist=shared).values_list("clinic", flat=True)) == [
        practice.foxboro.pk
    ]
    deleted = AuditEvent.objects.filter(action__endswith=".deleted").values_list(
        "action", flat=True
    )
    assert sorted(deleted) == ["staffmembership.deleted", "workinghours.deleted"]


def test_an_only_clinic_is_not_removed_but_the_account_deactivated(practice):
    with pytest.raises(DomainError) as refused:
        staff_remove(user=practice.front_desk, clinic=practice.stoughton, by=practice.admin)
    assert refused.value.code == "staff.only_clinic"
    assert StaffMembership.objects.filter(user=practice.front_desk).exists()


def test_an_admin_of_both_clinics_deactivates_someone_working_at_both(practice):
    practice.admin.memberships.create(clinic=practice.foxboro)
    shared = StaffFactory(role=Role.FRONT_DESK, clinics=[practice.stoughton, practice.foxboro])
    staff_deactivate(user=shared, by=practice.admin)
    shared.refresh_from_db()
    assert not shared.is_active


def test_a_therapist_with_visits_to_come_is_not_deactivated_until_they_are_moved(schedule):
    practice = schedule.practice
    schedule.screen()
    visit = appointment_book(
        patient=practice.patient,
        clinic=practice.stoughton,
        type=schedule.dry_needling,
        therapist=practice.therapist,
        starts_at=schedule.at(9),
        planned_regions=["neck"],
        booked_by=practice.front_desk,
    )
    with pytest.raises(DomainError) as refused:
        staff_deactivate(user=practice.therapist.user, by=practice.admin)
    assert refused.value.code == "staff.has_upcoming_visits"
    assert refused.value.details == {"visits": 1}

    appointment_cancel(appointment=visit, by=practice.front_desk, reason="Therapist leaving")
    staff_deactivate(user=practice.therapist.user, by=practice.admin)


def test_an_invitation_is_sent_again_only_to_someone_without_a_password(practice):
    with pytest.raises(DomainError) as refused:
        staff_invitation_resend(user=practice.front_desk, by=practice.admin)
    assert refused.value.code == "staff.not_invited"

    practice.front_desk.set_unusable_password()
    practice.front_desk.save()
    staff_invitation_resend(user=practice.front_desk, by=practice.admin)
    staff_invitation_resend(user=practice.front_desk, by=practice.admin)
    assert Message.objects.filter(kind=INVITATION, user=practice.front_desk).count() == 2
