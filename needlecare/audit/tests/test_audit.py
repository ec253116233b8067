import pytest
from django.db import transaction

from needlecare.audit.models import AuditEvent
from needlecare.audit.selectors import audit_events_for_clinics, audit_events_for_target
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic, Room
from needlecare.clinics.services import clinic_save, room_save

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_a_change_and_its_audit_row_are_written_together(practice):
    room = room_save(room=Room(clinic=practice.stoughton, name="Room 9"), by=practice.admin)
    [event] = audit_events_for_target("clinics.room", room.pk)
    assert event.action == "room.added"
    assert event.actor == practice.admin
    assert event.actor_label == practice.admin.email
    assert list(event.clinics.values_list("clinic_id", flat=True)) == [practice.stoughton.pk]


def test_a_rolled_back_change_leaves_no_audit_row(practice):
    before = AuditEvent.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        practice.stoughton.phone = "781-000-0000"
        clinic_save(clinic=practice.stoughton, by=practice.admin, fields=["phone"])
        assert AuditEvent.objects.count() == before + 1
        raise Boom
    assert AuditEvent.objects.count() == before
    assert Clinic.objects.get(pk=practice.stoughton.pk).phone == "781-436-0391"


def test_a_failed_change_writes_no_audit_row(practice):
    room_save(room=Room(clinic=practice.stoughton, name="Room 1"), by=practice.admin)
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - the unique constraint refuses a second "Room 1"
        room_save(room=Room(clinic=practice.stoughton, name="Room 1"), by=practice.admin)
    assert AuditEvent.objects.count() == before
    assert Room.objects.filter(clinic=practice.stoughton).count() == 1


@pytest.mark.django_db(transaction=True)
def test_audit_refuses_to_write_outside_a_transaction():
    clinic = Clinic.objects.create(name="Lone", slug="lone", city="Canton", phone="781-555-0000")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="x", target=clinic)
    assert not AuditEvent.objects.exists()


def test_the_update_records_what_changed(practice):
    practice.stoughton.phone = "781-111-2222"
    clinic_save(clinic=practice.stoughton, by=practice.admin, fields=["phone"])
    event = audit_events_for_target("clinics.clinic", practice.stoughton.pk).get()
    assert event.data == {"phone": ["781-436-0391", "781-111-2222"]}


def test_each_clinic_reads_only_its_own_trail(practice):
    room_save(room=Room(clinic=practice.stoughton, name="S1"), by=practice.admin)
    room_save(room=Room(clinic=practice.foxboro, name="F1"), by=practice.outsider_admin)
    stoughton = {e.target_label for e in audit_events_for_clinics([practice.stoughton.pk])}
    assert "Stoughton: S1" in stoughton
    assert "Foxboro: F1" not in stoughton
