"""audit_read: one INSERT a read, outside any transaction, a row a target."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from needlecare.audit.models import ReadEvent
from needlecare.audit.selectors import read_events_filtered
from needlecare.audit.services import audit_read
from needlecare.clinics.models import Clinic

pytestmark = pytest.mark.django_db


def _request(address: str = "10.1.2.3"):
    return RequestFactory().get("/", REMOTE_ADDR=address)


def test_a_read_of_a_patients_record_is_one_insert(practice):
    with CaptureQueriesContext(connection) as queries:
        rows = audit_read(
            actor=practice.front_desk,
            request=_request(),
            what="record",
            patient_id=practice.patient.pk,
        )
    assert rows == 1
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    read = ReadEvent.objects.get()
    assert (read.actor, read.actor_label, read.role) == (
        practice.front_desk,
        practice.front_desk.email,
        "front_desk",
    )
    assert (read.record_type, read.record_id) == ("patients.patient", str(practice.patient.pk))
    assert (read.patient_id, read.address, read.what) == (practice.patient.pk, "10.1.2.3", "record")
    assert read.at is not None and read.at.tzinfo is not None


@pytest.mark.django_db(transaction=True)
def test_a_read_needs_no_transaction_of_its_own():
    clinic = Clinic.objects.create(name="Lone", slug="lone", city="Canton", phone="781-555-0000")
    audit_read(actor=None, request=None, what="feed", targets=[clinic])
    read = ReadEvent.objects.get()
    # The read's commit does not wait for the disk; every later commit still does.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL, as the settings set it
        else:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert (read.actor_label, read.record_type, read.patient_id) == (
        "system",
        "clinics.clinic",
        None,
    )


def test_several_records_are_one_insert_with_a_row_each(practice):
    patients = [practice.patient, practice.other_patient]
    with CaptureQueriesContext(connection) as queries:
        rows = audit_read(actor=practice.admin, request=_request(), what="list", targets=patients)
    assert rows == 2 and len(queries.captured_queries) == 1
    assert sorted(ReadEvent.objects.values_list("patient_id", flat=True)) == sorted(
        p.pk for p in patients
    )


def test_a_list_names_its_kind_without_an_id(practice):
    audit_read(
        actor=practice.patient.user,
        request=_request(),
        what="letters",
        targets=[Clinic],
        patient_id=practice.patient.pk,
    )
    read = ReadEvent.objects.get()
    assert (read.record_type, read.record_id, read.patient_id) == (
        "clinics.clinic",
        "",
        practice.patient.pk,
    )


def test_the_reads_of_a_patient_are_narrowed_by_person(practice):
    for user in (practice.front_desk, practice.admin, practice.front_desk):
        audit_read(actor=user, request=None, what="record", patient_id=practice.patient.pk)
    audit_read(
        actor=practice.outsider, request=None, what="record", patient_id=practice.other_patient.pk
    )
    assert read_events_filtered([practice.patient.pk]).count() == 3
    mine = read_events_filtered([practice.patient.pk], actor_id=practice.front_desk.pk)
    assert [r.actor for r in mine] == [practice.front_desk, practice.front_desk]
