"""Letter services: render outside the transaction, store file and row together, audited."""

import pytest

from needlecare.audit.selectors import audit_events_for_target
from needlecare.common.errors import DomainError, NotAllowed
from needlecare.reports.models import Letter
from needlecare.reports.services import (
    clearance_request_create,
    letter_create,
    progress_letter_create,
)
from needlecare.reports.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


def stored_files(settings):
    from pathlib import Path

    return sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_a_progress_letter_is_stored_as_an_immutable_audited_letter(course, visit, tmp_path):
    letter = progress_letter_create(patient=visit.patient, by=visit.therapist_user)
    letter.refresh_from_db()
    assert letter.kind == Letter.Kind.PROGRESS
    assert letter.created_by == visit.therapist_user
    physician = visit.patient.referring_physician
    assert letter.recipient.splitlines()[:2] == [physician.name, physician.practice]
    assert letter.pdf.name.startswith("letters/") and letter.pdf.name.endswith(".pdf")
    with letter.pdf.open("rb") as f:
        pdf = f.read()
    text = pdf_text(pdf, tmp_path)
    assert "Neck Disability Index improved from 44% to 26%" in text
    # The plan comes from the latest signed session that has one.
    assert "Home exercise: chin tucks twice a day." in text

    event = audit_events_for_target("reports.letter", letter.pk).get()
    assert event.action == "letter.created"
    assert event.actor == visit.therapist_user
    assert event.data["kind"] == "progress" and event.data["bytes"] == len(pdf)

    letter.recipient = "someone else"
    with pytest.raises(ValueError, match="never edited"):
        letter.save()


def test_no_referring_physician_no_letter(course, visit, settings):
    patient = visit.patient
    patient.referring_physician = None
    patient.save()
    with pytest.raises(DomainError, match="no referring physician") as refused:
        progress_letter_create(patient=patient, by=visit.therapist_user)
    assert type(refused.value) is DomainError
    visit.schedule.screen(None, "cancer", regions=("neck",))
    with pytest.raises(DomainError, match="no referring physician"):
        clearance_request_create(patient=patient, by=visit.practice.front_desk)
    assert not Letter.objects.exists()
    assert stored_files(settings) == []


def test_a_progress_letter_needs_signed_sessions_and_a_therapist(visit, course):
    with pytest.raises(NotAllowed, match="Only a therapist"):
        progress_letter_create(patient=visit.patient, by=visit.practice.front_desk)
    other = visit.practice.other_patient
    with pytest.raises(DomainError, match="no signed dry needling sessions"):
        progress_letter_create(patient=other, by=visit.therapist_user)


def test_a_clearance_request_is_written_for_a_screening_that_needs_one(visit, tmp_path):
    visit.schedule.screen(None, "cancer", regions=("neck", "low_back"))
    letter = clearance_request_create(patient=visit.patient, by=visit.practice.front_desk)
    assert letter.kind == Letter.Kind.CLEARANCE_REQUEST
    with letter.pdf.open("rb") as f:
        text = pdf_text(f.read(), tmp_path)
    assert "Cancer" in text
    # Written by the front desk: signed by them, not by a therapist.
    assert visit.practice.front_desk.full_name in text and "Front desk, Stoughton" in text
    assert audit_events_for_target("reports.letter", letter.pk).get().action == "letter.created"


def test_a_clearance_request_is_refused_when_the_screening_needs_none(visit, settings):
    # The visit's screening: diabetes, a precaution.
    with pytest.raises(DomainError, match="needs no physician's recommendation"):
        clearance_request_create(patient=visit.patient, by=visit.therapist_user)
    other = visit.practice.other_patient
    with pytest.raises(DomainError, match="no current screening"):
        clearance_request_create(patient=other, by=visit.practice.outsider)
    assert not Letter.objects.exists()
    assert stored_files(settings) == []


def test_letter_create_stores_only_pdfs_from_staff(visit, settings):
    p = visit.practice
    with pytest.raises(DomainError, match="PDF"):
        letter_create(patient=p.patient, kind="consent", pdf=b"<html>", recipient="x", by=p.admin)
    with pytest.raises(DomainError, match="Unknown kind"):
        letter_create(patient=p.patient, kind="invoice", pdf=b"%PDF-1.7", recipient="x", by=p.admin)
    with pytest.raises(NotAllowed):
        letter_create(
            patient=p.patient, kind="consent", pdf=b"%PDF-1.7", recipient="x", by=p.patient.user
        )
    assert stored_files(settings) == []


def test_a_failed_write_leaves_no_file_behind(visit, settings):
    from needlecare.patients.models import Patient

    # A patient who was never saved: the row cannot be written after the file is.
    ghost = Patient(first_name="No", last_name="Record", preferred_clinic=visit.practice.stoughton)
    with pytest.raises(ValueError):
        letter_create(
            patient=ghost,
            kind="consent",
            pdf=b"%PDF-1.7 consent",
            recipient="No Record",
            by=visit.practice.admin,
        )
    assert not Letter.objects.exists()
    assert stored_files(settings) == []
