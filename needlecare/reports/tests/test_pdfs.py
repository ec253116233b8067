"""The three documents say what they must, in words a physician or patient can read."""

import io

import pytest
from pypdf import PdfReader

from needlecare.charting.services import adverse_event_record, consent_sign
from needlecare.outcomes.selectors import measure_progress
from needlecare.reports.pdf import clearance_request_pdf, consent_pdf, progress_letter_pdf
from needlecare.reports.selectors import adverse_events_of, signed_sessions_in_full
from needlecare.reports.tests.conftest import first_page_png, pdf_text

pytestmark = pytest.mark.django_db


def progress_letter(visit, plan_text="Two more sessions, then review."):
    patient = visit.patient
    return progress_letter_pdf(
        patient=patient,
        sessions=signed_sessions_in_full(patient),
        measures=measure_progress(patient),
        adverse_events=adverse_events_of(patient),
        plan_text=plan_text,
        author=visit.practice.therapist,
    )


def test_the_signed_consent_shows_the_text_the_signature_and_the_countersignature(visit, tmp_path):
    pdf = consent_pdf(visit.consent)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    patient = visit.patient
    assert "Stoughton" in text and "781-436-0391" in text
    assert "Consent to dry needling" in text and "Version 1" in text
    assert "What dry needling is" in text and "nothing is injected" in text
    assert "Soreness and bruising are common" in text
    assert f"Signed as (typed name) {patient.full_name}" in text
    assert "Online, by the patient" in text
    assert "Risks not accepted" in text
    assert "Dana Reyes, PT, DPT" in text
    assert "EST" in text or "EDT" in text  # clinic local time, named
    assert "Page 1 of 1" in text


def test_a_consent_signed_at_the_clinic_names_the_witness_guardian_and_interpreter(visit, tmp_path):
    p = visit.practice
    consent = consent_sign(
        patient=p.patient,
        document=visit.document,
        signed_name="Maria Lopez",
        agreed=True,
        by=p.front_desk,
        witness=p.front_desk,
        guardian_name="Maria Lopez",
        interpreter_name="Ana Silva",
        covers_thorax=True,
    )
    text = pdf_text(consent_pdf(consent), tmp_path)
    assert f"In person, witnessed by {p.front_desk.full_name}" in text
    assert "Guardian Maria Lopez" in text
    assert "Interpreter Ana Silva" in text
    assert "Risks accepted" in text
    assert "Not yet countersigned" in text


def test_the_progress_letter_reports_visits_muscles_outcomes_and_plan(course, visit, tmp_path):
    text = pdf_text(progress_letter(visit), tmp_path)
    patient = visit.patient
    physician = patient.referring_physician
    assert physician.name in text and physician.practice in text
    assert f"Re: {patient.full_name}" in text
    assert "Stoughton" in text
    assert "3 dry needling visits between" in text
    for muscle in ("Upper trapezius", "Levator scapulae", "Infraspinatus"):
        assert muscle in text
    assert "Left shoulder" in text
    assert "Levator scapulae Right 1" in text and "Upper trapezius Left 3" in text
    assert (
        "Neck Disability Index improved from 44% to 26% (18 points); that is a meaningful "
        "change (at least 15 points, Young 2009)." in text
    )
    assert "Numeric Pain Rating Scale improved from 6 to 5" in text
    # The charts are drawn into the PDF, their labels as real text.
    assert "Meaningful improvement (29% or lower)" in text
    assert "Dry needling session" in text
    assert "that is not yet a meaningful change" in text
    assert "Adverse events None recorded." in text
    assert "Two more sessions, then review." in text
    assert "Dana Reyes, PT, DPT" in text


def test_the_progress_letter_lists_adverse_events(course, visit, tmp_path):
    adverse_event_record(
        session=course[1],
        by=visit.therapist_user,
        category="bruising",
        severity="mild",
        onset="under_24h",
        site="Left upper trapezius",
        action_taken="Ice and reassurance",
        outcome="Resolved in two days",
        reported_by="the patient",
    )
    text = pdf_text(progress_letter(visit), tmp_path)
    assert "None recorded" not in text
    assert "Bruising or haematoma" in text
    assert "Ice and reassurance" in text and "Resolved in two days" in text


def test_only_signed_sessions_count_in_the_progress_letter(course, visit, tmp_path):
    from needlecare.charting.models import TreatmentSession

    sessions = list(TreatmentSession.objects.filter(patient=visit.patient))
    TreatmentSession.objects.filter(pk=course[-1].pk).update(state="open", signed_at=None)
    for session in sessions:
        session.refresh_from_db()
    text = pdf_text(
        progress_letter_pdf(
            patient=visit.patient,
            sessions=sessions,
            measures=[],
            adverse_events=[],
            plan_text="",
            author=visit.practice.therapist,
        ),
        tmp_path,
    )
    assert "2 dry needling visits" in text
    assert "Levator scapulae Right" not in text  # needled only in the unsigned session
    assert "No outcome measures recorded yet." in text
    assert "No plan recorded." in text


def test_the_clearance_request_names_the_condition_and_what_we_ask(visit, tmp_path):
    screening = visit.schedule.screen(None, "cancer", "diabetes", regions=("neck", "upper_back"))
    pdf = clearance_request_pdf(
        patient=visit.patient, screening=screening, author=visit.practice.therapist
    )
    text = pdf_text(pdf, tmp_path)
    assert visit.patient.referring_physician.name in text
    assert "would like dry needling of the neck and the upper back" in text
    assert "Cancer the neck and the upper back" in text  # the condition and where
    assert "Diabetes" not in text  # a precaution needs no recommendation
    assert "Dry needling is a treatment" in text and "nothing is injected" in text
    assert "recommends or does not recommend dry needling" in text
    assert "restrictions" in text
    assert "781-436-0391" in text


def test_a_clearance_request_needs_a_condition_that_asks_for_one(visit):
    screening = visit.schedule.screen(None, "diabetes", regions=("neck",))
    with pytest.raises(ValueError, match="needs no physician"):
        clearance_request_pdf(
            patient=visit.patient, screening=screening, author=visit.practice.therapist
        )


def test_a_letter_page_renders_to_a_real_image(course, visit, tmp_path):
    png = first_page_png(progress_letter(visit), tmp_path)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 5 * 1024


def _structure(pdf: bytes) -> tuple[str, bool, bool]:
    """The document's language, whether it is marked as tagged and has a structure tree."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    marked = bool(root.get("/MarkInfo", {}).get("/Marked"))
    return str(root.get("/Lang", "")), marked, "/StructTreeRoot" in root


def test_every_patient_facing_pdf_is_tagged_with_its_language(visit):
    screening = visit.schedule.screen(None, "cancer", regions=("neck",))
    pdfs = {
        "consent": consent_pdf(visit.consent),
        "letter": progress_letter(visit),
        "clearance request": clearance_request_pdf(
            patient=visit.patient, screening=screening, author=visit.practice.therapist
        ),
    }
    for name, pdf in pdfs.items():
        assert _structure(pdf) == ("en", True, True), name
