"""The charting API's access rules: who sees consent, treatment records and measures."""

import json

import pytest

from needlecare.charting.services import session_open
from needlecare.common.testing.charting import NEEDLE

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def session(visit):
    return session_open(
        appointment=visit.appointment,
        regions=["neck"],
        by=visit.therapist_user,
        no_changes_confirmed=True,
    )


def test_the_therapist_charts_a_session_through_the_api(client, visit, session):
    client.force_login(visit.therapist_user)
    base = f"/api/charting/sessions/{session.pk}"
    added = post(
        client, f"{base}/needling", {"muscle": "upper_trapezius", "side": "left", **NEEDLE}
    )
    assert added.status_code == 201
    assert added.json()["billing_code"] == "20560"
    details = {
        "position": "prone",
        "pain_before": 6,
        "pain_after": 2,
        "needles_in": 3,
        "needles_out": 2,
    }
    assert post(client, base, details).status_code == 200
    refused = post(client, f"{base}/sign", {})
    assert refused.status_code == 400 and "must match" in refused.json()["detail"]
    post(client, base, {"needles_out": 3})
    assert post(client, f"{base}/sign", {}).json()["state"] == "signed"
    assert post(client, base, {"plan": "x"}).status_code == 400


def test_needling_an_uncleared_region_is_refused_by_the_api_too(client, visit, session):
    visit.schedule.screen(None, "spina_bifida", regions=("neck", "low_back"))
    client.force_login(visit.therapist_user)
    response = post(
        client,
        f"/api/charting/sessions/{session.pk}/needling",
        {"muscle": "quadratus_lumborum", "side": "left", **NEEDLE},
    )
    assert response.status_code == 409
    assert "rules out" in response.json()["detail"]


def test_front_desk_never_sees_treatment_records(client, visit, session):
    p = visit.schedule.practice
    client.force_login(p.front_desk)
    assert client.get(f"/api/charting/sessions/{session.pk}").status_code == 401
    assert client.get(f"/api/charting/patients/{p.patient.pk}/sessions").status_code == 401
    # ...but may see whether the consent is in force, to plan the visit.
    assert client.get(f"/api/charting/patients/{p.patient.pk}/consent").json()["in_force"]


def test_a_patient_sees_their_own_consent_and_measures_but_not_notes(client, visit, session):
    p = visit.schedule.practice
    client.force_login(p.patient.user)
    assert client.get(f"/api/charting/patients/{p.patient.pk}/consent").status_code == 200
    created = post(
        client,
        f"/api/charting/patients/{p.patient.pk}/measures",
        {"instrument": "nprs", "answers": {"pain": 5}},
    )
    assert created.status_code == 201 and created.json()["value"] == 5
    assert len(client.get(f"/api/charting/patients/{p.patient.pk}/measures").json()) == 1
    assert client.get(f"/api/charting/sessions/{session.pk}").status_code == 401


def test_a_patient_never_sees_another_patients_consent_or_measures(client, visit):
    p = visit.schedule.practice
    client.force_login(p.other_patient.user)
    assert client.get(f"/api/charting/patients/{p.patient.pk}/consent").status_code == 404
    assert client.get(f"/api/charting/patients/{p.patient.pk}/measures").status_code == 404
    response = post(
        client,
        f"/api/charting/patients/{p.patient.pk}/measures",
        {"instrument": "nprs", "answers": {"pain": 5}},
    )
    assert response.status_code == 404


def test_clinical_staff_of_another_clinic_get_not_found(client, visit, session):
    p = visit.schedule.practice
    client.force_login(p.outsider_admin)
    assert client.get(f"/api/charting/sessions/{session.pk}").status_code == 404
    assert (
        post(
            client,
            f"/api/charting/sessions/{session.pk}/adverse-events",
            {
                "category": "bruising",
                "severity": "mild",
                "onset": "during",
                "reported_by": "therapist",
            },
        ).status_code
        == 404
    )


def test_an_adverse_event_is_recorded_through_the_api(client, visit, session):
    client.force_login(visit.schedule.practice.admin)
    response = post(
        client,
        f"/api/charting/sessions/{session.pk}/adverse-events",
        {"category": "bruising", "severity": "mild", "onset": "during", "reported_by": "patient"},
    )
    assert response.status_code == 201
    bad = post(
        client,
        f"/api/charting/sessions/{session.pk}/adverse-events",
        {"category": "dragons", "severity": "mild", "onset": "during", "reported_by": "x"},
    )
    assert bad.status_code == 400


def test_a_patient_reads_their_own_letters_and_never_another_patients(client, visit):
    from django.core.files.base import ContentFile

    from needlecare.reports.models import Letter

    p = visit.schedule.practice
    letter = Letter(
        patient=p.patient, kind="progress", recipient="Dr. Chen", created_by=visit.therapist_user
    )
    letter.pdf.save("letter.pdf", ContentFile(b"%PDF-1.7\n%%EOF"), save=False)
    letter.save()
    client.force_login(p.patient.user)
    [listed] = client.get(f"/api/charting/patients/{p.patient.pk}/letters").json()
    download = client.get(listed["download"])
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    client.force_login(p.other_patient.user)
    assert client.get(listed["download"]).status_code == 404
    assert client.get(f"/api/charting/patients/{p.patient.pk}/letters").status_code == 404
    client.force_login(p.front_desk)
    assert client.get(listed["download"]).status_code == 401


def test_a_refusal_carries_its_code_and_what_is_missing(client, visit, session):
    client.force_login(visit.therapist_user)
    refused = post(client, f"/api/charting/sessions/{session.pk}/sign", {})
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "session.incomplete"
    assert body["details"]["problems"] == [
        "record at least one muscle",
        "record how many needles went in",
        "record pain before and after",
        "record the patient's position",
    ]
    gated = post(
        client,
        f"/api/charting/sessions/{session.pk}/needling",
        {"muscle": "pectoralis_major", "side": "left", **NEEDLE},
    )
    assert gated.status_code == 409 and gated.json()["code"].startswith("screening.")
