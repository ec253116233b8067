"""The audit trail for a clinic's admins: narrowed by who, which patient, what and when, and
downloaded as CSV that a spreadsheet cannot mistake for formulas."""

import csv
import datetime as dt
import io

import pytest

from needlecare.audit.models import AuditEvent
from needlecare.common.testing.factories import PatientFactory
from needlecare.common.time import clinic_zone
from needlecare.patients.services import patient_record_viewed
from needlecare.scheduling.services import appointment_book

pytestmark = pytest.mark.django_db
AUDIT = "/staff/clinics/stoughton/audit/"
EXPORT = "/staff/clinics/stoughton/audit/export/"


@pytest.fixture
def trail(practice):
    """Reads of two Stoughton patients by two people, and one at Foxboro."""
    p = practice
    # A name no other label contains (a random short one, "Li", is inside "HYPERLINK").
    p.patient.last_name = "Okonkwo-Haley"
    p.patient.save(update_fields=["last_name"])
    patient_record_viewed(patient=p.patient, by=p.therapist.user)
    patient_record_viewed(patient=p.patient, by=p.front_desk)
    sneaky = PatientFactory(
        preferred_clinic=p.stoughton, first_name="=HYPERLINK(1)", last_name="-2+3"
    )
    patient_record_viewed(patient=sneaky, by=p.front_desk)
    patient_record_viewed(patient=p.other_patient, by=p.outsider)
    return sneaky


@pytest.fixture
def admin(client, practice):
    client.force_login(practice.admin)
    return client


def shown(response):
    return [(e.actor_label, e.action, e.target_label) for e in response.context["page"]]


def csv_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-stoughton-')
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_the_trail_shows_only_this_clinics_events(admin, practice, trail):
    response = admin.get(AUDIT)
    assert response.status_code == 200
    labels = {row[2] for row in shown(response)}
    assert practice.patient.full_name in labels
    assert practice.other_patient.full_name not in labels


def test_an_admin_of_foxboro_cannot_read_or_export_stoughtons_trail(client, practice, trail):
    client.force_login(practice.outsider_admin)
    assert client.get(AUDIT).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_the_trail_is_narrowed_to_one_person(admin, practice, trail):
    response = admin.get(AUDIT, {"person": practice.therapist.user.pk})
    assert shown(response) == [
        (practice.therapist.user.email, "patient.viewed", practice.patient.full_name)
    ]


def test_the_trail_is_narrowed_to_one_patient_by_name_or_record_number(admin, practice, trail):
    by_name = admin.get(AUDIT, {"patient": practice.patient.last_name})
    by_number = admin.get(AUDIT, {"patient": str(practice.patient.pk)})
    expected = {practice.patient.full_name}
    assert {row[2] for row in shown(by_name)} == {row[2] for row in shown(by_number)} == expected
    assert len(shown(by_number)) == 2


def test_the_patient_filter_keeps_events_about_the_patients_appointments(admin, schedule):
    practice = schedule.practice
    patient_record_viewed(patient=practice.patient, by=practice.front_desk)
    schedule.screen()
    appointment_book(
        patient=practice.patient,
        clinic=practice.stoughton,
        type=schedule.dry_needling,
        therapist=practice.therapist,
        starts_at=schedule.at(9),
        planned_regions=["neck"],
        booked_by=practice.front_desk,
    )
    actions = {row[1] for row in shown(admin.get(AUDIT, {"patient": str(practice.patient.pk)}))}
    assert {"patient.viewed", "screening.recorded", "appointment.booked"} <= actions


def test_a_patient_of_another_clinic_is_not_found_by_the_filter(admin, practice, trail):
    response = admin.get(AUDIT, {"patient": str(practice.other_patient.pk)})
    assert response.status_code == 400
    assert response.context["form"].errors["patient"] == ["No patient of this clinic matches."]
    assert shown(response) == []


def test_the_trail_is_narrowed_to_an_action_and_to_dates(admin, practice, trail):
    zone = clinic_zone(practice.stoughton)
    old = AuditEvent.objects.filter(actor=practice.therapist.user)
    old.update(at=dt.datetime(2024, 3, 10, 23, 30, tzinfo=zone))
    response = admin.get(
        AUDIT, {"action": "patient.viewed", "since": "2024-03-10", "until": "2024-03-10"}
    )
    assert [row[0] for row in shown(response)] == [practice.therapist.user.email]
    assert shown(admin.get(AUDIT, {"since": "2024-03-11", "until": "2024-03-11"})) == []
    backwards = admin.get(AUDIT, {"since": "2024-03-11", "until": "2024-03-10"})
    assert backwards.status_code == 400
    assert backwards.context["form"].errors["until"] == ["The end comes before the start."]


def test_the_export_is_a_csv_of_the_filtered_rows_with_a_header(admin, practice, trail):
    rows = csv_of(admin.get(EXPORT, {"person": practice.front_desk.pk}))
    assert rows[0] == [
        "When",
        "Who",
        "Email",
        "Action",
        "Record type",
        "Record id",
        "Record",
        "Details",
    ]
    body = rows[1:]
    assert {r[2] for r in body} == {practice.front_desk.email}
    assert {r[6] for r in body} == {practice.patient.full_name, "'=HYPERLINK(1) -2+3"}
    assert all(r[3] == "patient.viewed" and r[4] == "patients.patient" for r in body)
    assert body[0][7] == '{"what": "record"}'


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_written_as_text(admin, practice, trail):
    trail.first_name, trail.last_name = "-1", "x"
    trail.save()
    patient_record_viewed(patient=trail, by=practice.front_desk)
    AuditEvent.objects.filter(action="patient.viewed").update(actor_label="@SUM(A1)")
    rows = csv_of(admin.get(EXPORT, {"patient": str(trail.pk)}))
    risky = [cell for row in rows[1:] for cell in row if cell[:2] in ("'=", "'-", "'@", "'+")]
    assert {cell[1] for cell in risky} == {"=", "-", "@"}
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)


def test_the_export_keeps_unicode_and_is_itself_recorded(admin, practice, trail):
    practice.patient.first_name = "Zoë"
    practice.patient.save()
    patient_record_viewed(patient=practice.patient, by=practice.front_desk)
    rows = csv_of(admin.get(EXPORT, {"action": "patient.viewed"}))
    assert any(row[6] == practice.patient.full_name and "Zoë" in row[6] for row in rows)
    event = AuditEvent.objects.get(action="audit.exported")
    assert event.actor == practice.admin
    assert event.data["filters"] == {"action": "patient.viewed"}
    assert list(event.clinics.values_list("clinic_id", flat=True)) == [practice.stoughton.pk]


def test_an_export_with_a_bad_filter_is_refused_with_the_form(admin, practice, trail):
    response = admin.get(EXPORT, {"since": "not a date"})
    assert response.status_code == 400
    assert "since" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
