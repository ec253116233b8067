"""The services behind the patient's record: changing details (registration's checks, only
what changed, audited; a patient only their own contact details) and the invitation."""

import datetime as dt

import pytest

from needlecare.accounts.models import Role
from needlecare.audit.models import AuditEvent
from needlecare.common.errors import DomainError, NotAllowed
from needlecare.common.testing.factories import StaffFactory
from needlecare.outbox.models import Message
from needlecare.patients.services import PATIENT_INVITATION, patient_invite, patient_update

pytestmark = pytest.mark.django_db


def test_only_what_changed_is_written_and_audited(practice):
    patient = practice.patient
    same = {"phone": patient.phone, "city": ""}
    patient_update(patient=patient, fields=same, data=same, by=practice.front_desk)
    assert not AuditEvent.objects.filter(action="patient.updated").exists()
    changed = {"phone": " 781-555-0777 ", "city": "Sharon", "email": patient.email.upper()}
    patient_update(patient=patient, fields=changed, data=changed, by=practice.front_desk)
    patient.refresh_from_db()
    assert (patient.phone, patient.city) == ("781-555-0777", "Sharon")
    [event] = AuditEvent.objects.filter(action="patient.updated")
    assert event.data["fields"] == ["phone", "city"]  # the email only changed case
    assert list(event.clinics.values_list("clinic_id", flat=True)) == [practice.stoughton.pk]


def test_a_patient_changes_only_their_own_contact_details(practice):
    me = practice.patient
    with pytest.raises(DomainError) as refused:
        patient_update(patient=me, fields=["last_name"], data={"last_name": "X"}, by=me.user)
    assert refused.value.code == "patient.not_editable" and refused.value.field == "last_name"
    with pytest.raises(NotAllowed):
        patient_update(
            patient=practice.other_patient, fields=["city"], data={"city": "X"}, by=me.user
        )
    patient_update(patient=me, fields=["city"], data={"city": "Canton"}, by=me.user)
    me.refresh_from_db()
    assert me.city == "Canton"


def test_registrations_checks_hold_for_a_change(practice):
    patient = practice.patient
    for fields, code in (
        ({"date_of_birth": dt.date.today() + dt.timedelta(days=1)}, "patient.born_in_future"),
        ({"date_of_birth": None}, "patient.no_birth_date"),
        ({"first_name": " "}, "patient.required"),
        ({"email": practice.other_patient.email}, "patient.email_taken"),
        ({"state": "Mass"}, "invalid"),
    ):
        with pytest.raises(DomainError) as refused:
            patient_update(patient=patient, fields=fields, data=fields, by=practice.admin)
        assert refused.value.code == code, fields
    patient.refresh_from_db()
    assert patient.state != "MASS" and patient.first_name.strip()


def test_an_invitation_creates_a_passwordless_account_and_queues_one_message(practice):
    practice.patient.user = None
    practice.patient.email = "no.account.yet@example.org"
    practice.patient.save()
    user = patient_invite(patient=practice.patient, by=practice.front_desk)
    assert user.role == Role.PATIENT and not user.has_usable_password()
    [message] = Message.objects.filter(kind=PATIENT_INVITATION)
    assert (message.recipient, message.patient_id, message.user_id) == (
        "no.account.yet@example.org",
        practice.patient.pk,
        user.pk,
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.created", "patient.invited"} <= actions


def test_an_invitation_to_an_address_another_account_uses_is_refused(practice):
    staff = StaffFactory(email="shared@example.org", clinics=[practice.stoughton])
    practice.patient.user = None
    practice.patient.email = staff.email
    practice.patient.save()
    with pytest.raises(DomainError) as refused:
        patient_invite(patient=practice.patient, by=practice.front_desk)
    assert refused.value.code == "account.email_taken"
    assert not Message.objects.filter(kind=PATIENT_INVITATION).exists()
