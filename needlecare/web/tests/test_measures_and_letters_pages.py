"""Charting pages for outcome measures and letters."""

import pytest

from needlecare.outcomes.models import MeasureResponse, PlanOfCare
from needlecare.outcomes.services import measure_record, plan_of_care_set
from needlecare.reports.models import Letter
from needlecare.web.tests.charting_helpers import LETTERS, MEASURES, as_, signed_session, text

pytestmark = pytest.mark.django_db


# --- Outcome measures ---------------------------------------------------------------------------

NDI_ANSWERS = {
    "pain_intensity": 3,
    "personal_care": 1,
    "lifting": 2,
    "reading": 2,
    "headaches": 3,
    "concentration": 1,
    "work": 2,
    "driving": 2,
    "sleeping": 3,
    "recreation": 3,
}


def test_a_therapist_sets_the_plan_and_the_patient_completes_the_ndi(client, visit):
    p = visit.schedule.practice
    as_(client, p.therapist.user)
    staff_url = f"/staff/patients/{p.patient.pk}/measures/"
    page = client.get(staff_url)
    assert set(page.context["form"].initial["measures"]) == {"nprs", "ndi", "odi"}
    saved = client.post(staff_url, {"regions": ["neck"], "every_visits": "4"})
    assert saved.status_code == 302
    plan = PlanOfCare.objects.get()
    assert plan.measures == ["nprs", "ndi"]  # the defaults for the neck

    as_(client, p.patient.user)
    page = client.get(MEASURES)
    assert "Neck Disability Index" in text(page)
    assert client.get("/me/measures/odi/").status_code == 404  # not in the plan
    form = client.get("/me/measures/ndi/")
    assert form.status_code == 200
    assert form.content.decode().count('type="radio"') == 60
    bad = client.post("/me/measures/ndi/", {**NDI_ANSWERS, "lifting": "9"})
    assert bad.status_code == 400
    assert "Choose one of the answers offered." in text(bad)
    too_few = client.post("/me/measures/ndi/", {"pain_intensity": "3", "lifting": "2"})
    assert too_few.status_code == 400
    assert "at least 9 are needed" in text(too_few)
    assert not MeasureResponse.objects.exists()
    done = client.post("/me/measures/ndi/", NDI_ANSWERS)
    assert done.status_code == 302
    response = MeasureResponse.objects.get()
    assert response.instrument == "ndi" and response.online
    assert response.value == 44.0  # 22 of 50

    # A second score: the chart and the statement show on both pages.
    measure_record(
        patient=p.patient,
        instrument="ndi",
        answers={**NDI_ANSWERS, "pain_intensity": 0, "headaches": 0},
        by=p.therapist.user,
    )
    mine = client.get(MEASURES)
    assert 'src="data:image/svg+xml;base64,' in mine.content.decode()
    assert "Neck Disability Index improved from 44% to 32%" in text(mine)
    as_(client, p.therapist.user)
    assert "improved from 44% to 32%" in text(client.get(staff_url))


def test_a_therapist_enters_a_psfs_at_the_clinic(client, visit):
    p = visit.schedule.practice
    as_(client, p.therapist.user)
    url = f"/staff/patients/{p.patient.pk}/measures/psfs/"
    two = client.post(
        url, {"label_activity_1": "Stairs", "activity_1": "4", "label_activity_2": "Driving"}
    )
    assert two.status_code == 400
    assert "Rate this activity from 0 to 10." in text(two)
    unnamed = client.post(url, {"activity_1": "4"})
    assert "Name the activity you rated." in text(unnamed)
    ok = client.post(
        url,
        {
            "label_activity_1": "Stairs",
            "activity_1": "4",
            "label_activity_2": "Driving",
            "activity_2": "6",
            "label_activity_3": "Lifting my child",
            "activity_3": "2",
        },
    )
    assert ok.status_code == 302
    response = MeasureResponse.objects.get()
    assert response.value == 4.0 and not response.online
    assert response.labels == {
        "activity_1": "Stairs",
        "activity_2": "Driving",
        "activity_3": "Lifting my child",
    }


def test_only_a_therapist_sets_the_plan(client, visit):
    p = visit.schedule.practice
    as_(client, p.admin)
    response = client.post(
        f"/staff/patients/{p.patient.pk}/measures/", {"measures": ["nprs"], "every_visits": "4"}
    )
    assert response.status_code == 403
    assert "Only a therapist sets the plan of care." in text(response)
    assert not PlanOfCare.objects.exists()


# --- Letters ------------------------------------------------------------------------------------


def test_letters_are_written_by_clinicians_and_read_by_their_patient(client, visit):
    p = visit.schedule.practice
    url = f"/staff/patients/{p.patient.pk}/letters/"
    as_(client, p.therapist.user)
    none_yet = client.post(url, {"kind": "progress"})
    assert none_yet.status_code == 400
    assert "has no signed dry needling sessions" in text(none_yet)
    signed_session(visit)
    plan_of_care_set(patient=p.patient, regions=["neck"], by=p.therapist.user)
    assert client.post(url, {"kind": "progress"}).status_code == 302
    letter = Letter.objects.get()
    assert letter.kind == "progress"
    page = client.get(url)
    assert f"/staff/letters/{letter.pk}.pdf" in page.content.decode()
    pdf = client.get(f"/staff/letters/{letter.pk}.pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    # The screening needs no physician's recommendation: the request is refused, plainly.
    refused = client.post(url, {"kind": "clearance_request"})
    assert refused.status_code == 400
    assert "needs no physician's recommendation" in text(refused)

    as_(client, p.patient.user)
    assert "Progress letter" in text(client.get(LETTERS))
    assert client.get(f"/me/letters/{letter.pk}.pdf").status_code == 200
    as_(client, p.other_patient.user)
    assert client.get(f"/me/letters/{letter.pk}.pdf").status_code == 404
    assert "No letters yet." in text(client.get(LETTERS))
