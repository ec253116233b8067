"""Who looked at this patient: the latest views on the record for clinic admins, and the audit
trail narrowed to the patient shows every view, by person and day, of that patient only."""

import datetime as dt

import pytest

from needlecare.audit.models import ReadEvent
from needlecare.audit.services import audit_read
from needlecare.common.testing.factories import PatientFactory

pytestmark = pytest.mark.django_db
AUDIT = "/staff/clinics/stoughton/audit/"


@pytest.fixture
def reads(practice):
    """Views of the patient by the therapist and the front desk, of a neighbour, and at Foxboro."""
    p = practice
    neighbour = PatientFactory(preferred_clinic=p.stoughton, last_name="Neighbour")
    for user, patient in (
        (p.therapist.user, p.patient),
        (p.front_desk, p.patient),
        (p.front_desk, neighbour),
        (p.outsider, p.other_patient),
    ):
        audit_read(actor=user, request=None, what="record", patient_id=patient.pk)
    return neighbour


def _views(response):
    return [(r.actor_label, r.patient_id) for r in response.context["views"]]


def test_the_trail_narrowed_to_a_patient_shows_who_looked(client, practice, reads):
    client.force_login(practice.admin)
    response = client.get(AUDIT, {"patient": str(practice.patient.pk)})
    assert response.status_code == 200
    assert sorted(_views(response)) == sorted(
        [
            (practice.therapist.user.email, practice.patient.pk),
            (practice.front_desk.email, practice.patient.pk),
        ]
    )
    assert b"Who looked at the patient's records" in response.content


def test_the_patient_filter_also_narrows_by_person_and_day(client, practice, reads):
    client.force_login(practice.admin)
    by_desk = client.get(
        AUDIT, {"patient": str(practice.patient.pk), "person": practice.front_desk.pk}
    )
    assert _views(by_desk) == [(practice.front_desk.email, practice.patient.pk)]
    ReadEvent.objects.update(at=dt.datetime(2024, 3, 10, 15, tzinfo=dt.UTC))
    old = client.get(AUDIT, {"patient": str(practice.patient.pk), "since": "2024-03-11"})
    assert _views(old) == []


def test_without_a_patient_the_trail_shows_no_views(client, practice, reads):
    client.force_login(practice.admin)
    response = client.get(AUDIT)
    assert response.status_code == 200
    assert response.context["views"] is None


def test_another_clinics_patient_cannot_be_named(client, practice, reads):
    client.force_login(practice.admin)
    response = client.get(AUDIT, {"patient": str(practice.other_patient.pk)})
    assert response.status_code == 400
    assert response.context["views"] is None
    assert practice.outsider.email.encode() not in response.content


def test_the_record_shows_its_admin_who_looked(client, practice, reads):
    client.force_login(practice.admin)
    response = client.get(f"/staff/patients/{practice.patient.pk}/")
    assert response.status_code == 200
    shown = [(r.actor_label, r.what) for r in response.context["reads"]]
    # This very view first, then the two before it; the neighbour's are not here.
    assert shown == [
        (practice.admin.email, "record"),
        (practice.front_desk.email, "record"),
        (practice.therapist.user.email, "record"),
    ]
    assert f"{AUDIT}?patient={practice.patient.pk}".encode() in response.content


def test_the_record_shows_views_to_clinic_admins_only(client, practice, reads):
    client.force_login(practice.front_desk)
    response = client.get(f"/staff/patients/{practice.patient.pk}/")
    assert response.status_code == 200
    assert response.context["reads"] is None
    assert b"Who looked at this patient" not in response.content
