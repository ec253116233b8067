"""The patient's own copy: a ZIP of records.json (every kind of record held about them) and
every PDF, for the patient and for clinical staff of their clinic, recorded as a read; nobody
else's data in it, and nobody else gets it."""

import io
import json
import zipfile

import pytest

from needlecare.audit.models import ReadEvent
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    CLEARANCE_PDF,
    Chart,
    chart_fixture,
    signed_in,
)

pytestmark = pytest.mark.django_db

KINDS = (
    "screenings",
    "clearances",
    "consents",
    "appointments",
    "sessions",
    "measures",
    "letters",
    "messages",
)


def _archive(content: bytes) -> tuple[dict, zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return json.loads(archive.read("records.json")), archive


def test_the_patient_downloads_everything_held_about_them(chart: Chart) -> None:
    patient = chart.visit.patient
    response = signed_in(patient.user).get("/me/records.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="records-')
    records, archive = _archive(response.content)
    assert records["format"] == "needlecare-patient-records"
    assert records["patient"]["id"] == patient.pk
    assert records["patient"]["last_name"] == patient.last_name
    for kind in KINDS:
        assert records[kind], f"no {kind} in the export"
        assert all(r["patient_id"] == patient.pk for r in records[kind]), kind
    [session] = records["sessions"]
    assert session["id"] == chart.session.pk
    assert session["needling"][0]["muscle"] == "upper_trapezius"
    assert session["adverse_events"][0]["id"] == chart.event.pk
    # The first, and the one decided again when the clearance was recorded.
    screening = records["screenings"][0]
    assert len(records["screenings"]) == 2
    assert screening["intake"]["planned_regions"] and screening["result"]["decision"]
    assert records["clearances"][0]["condition"] == "diabetes"
    assert records["measures"][0]["instrument"] == "nprs"
    # Messages: what was sent, not its body (which may hold single-use links).
    assert "body" not in records["messages"][0] and records["messages"][0]["kind"]
    pdfs = [records["consents"][0]["pdf"], records["letters"][0]["pdf"]]
    for name in pdfs:
        assert archive.read(name).startswith(b"%PDF")
    clearance = f"clearances/clearance-{chart.clearance.pk}-chen.pdf"
    assert archive.read(clearance) == CLEARANCE_PDF
    assert sorted(archive.namelist()) == sorted(["records.json", *pdfs, clearance])


def test_another_patients_data_is_absent(chart: Chart) -> None:
    other = chart.visit.practice.other_patient
    # A name no clinic person shares (a random persona may share the physician's surname).
    other.last_name = "Quillfeather-Oyelaran"
    other.save(update_fields=["last_name"])
    screening_record(
        patient=other, intake=parse_intake({"planned_regions": ["neck"]}), by=other.user
    )
    response = signed_in(chart.visit.patient.user).get("/me/records.zip")
    text = zipfile.ZipFile(io.BytesIO(response.content)).read("records.json").decode()
    assert other.last_name not in text and other.email not in text
    assert f'"patient_id": {other.pk},' not in text
    own = signed_in(other.user).get("/me/records.zip")
    records, _ = _archive(own.content)
    assert records["patient"]["id"] == other.pk
    assert [s["patient_id"] for s in records["screenings"]] == [other.pk]
    assert records["sessions"] == [] and records["consents"] == []


def test_clinical_staff_of_the_clinic_produce_the_same_copy(chart: Chart) -> None:
    patient = chart.visit.patient
    url = f"/staff/patients/{patient.pk}/records.zip"
    for user in (chart.visit.therapist_user, chart.visit.practice.admin):
        response = signed_in(user).get(url)
        assert response.status_code == 200
        records, _ = _archive(response.content)
        assert records["patient"]["id"] == patient.pk
        assert [s["id"] for s in records["sessions"]] == [chart.session.pk]


def test_nobody_else_gets_the_copy(chart: Chart) -> None:
    p = chart.visit.practice
    url = f"/staff/patients/{chart.visit.patient.pk}/records.zip"
    # Another clinic's clinical staff: not found, as for a patient who does not exist.
    assert signed_in(p.outsider_admin).get(url).status_code == 404
    # Roles that may not produce it at all (treatment notes): refused before any lookup.
    assert signed_in(p.front_desk).get(url).status_code == 403
    assert signed_in(p.other_patient.user).get(url).status_code == 403
    assert (
        signed_in(p.other_patient.user).get("/staff/patients/999999/records.zip").status_code == 403
    )
    assert not ReadEvent.objects.filter(what="records export").exists()


def test_each_download_is_recorded(chart: Chart) -> None:
    patient = chart.visit.patient
    signed_in(patient.user).get("/me/records.zip", REMOTE_ADDR="192.0.2.7")
    signed_in(chart.visit.therapist_user).get(f"/staff/patients/{patient.pk}/records.zip")
    reads = ReadEvent.objects.filter(what="records export").order_by("id")
    assert [(r.actor, r.role, r.patient_id) for r in reads] == [
        (patient.user, "patient", patient.pk),
        (chart.visit.therapist_user, "therapist", patient.pk),
    ]
    assert reads[0].address == "192.0.2.7"
