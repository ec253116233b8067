"""Charting pages: who may open what (the patient, another patient, the front desk, clinicians,
the other clinic).
"""

import pytest

from needlecare.charting.models import Consent
from needlecare.charting.services import consent_document_publish
from needlecare.reports.models import Letter
from needlecare.web.tests.charting_helpers import (
    BODY,
    CONSENT,
    LETTERS,
    MEASURES,
    as_,
    open_session,
    signed_session,
)

pytestmark = pytest.mark.django_db


# --- Who may open what --------------------------------------------------------------------------


def test_a_patient_sees_only_their_own_consents_measures_and_letters(client, visit):
    p = visit.schedule.practice
    other = consent_document_publish(clinic=p.foxboro, title="Consent", body=BODY, by=None)
    theirs = Consent.objects.create(
        patient=p.other_patient,
        document=other,
        signed_name=p.other_patient.full_name,
        agreed=True,
        recorded_by=p.other_patient.user,
        signed_online=True,
    )
    letter = Letter.objects.create(
        patient=p.other_patient,
        kind="progress",
        pdf="letters/x.pdf",
        recipient="Dr",
        created_by=p.admin,
    )
    as_(client, p.patient.user)
    assert client.get(CONSENT).status_code == 200
    assert client.get(f"/me/consent/{visit.consent.pk}.pdf").status_code == 200
    assert client.get(f"/me/consent/{theirs.pk}.pdf").status_code == 404
    assert client.get(f"/me/consent/{theirs.pk + 100}.pdf").status_code == 404
    assert client.get(f"/me/letters/{letter.pk}.pdf").status_code == 404
    assert client.get(MEASURES).status_code == 200
    assert client.get(LETTERS).status_code == 200
    # Staff pages are not for patients, their own record included.
    for path in (
        f"/staff/patients/{p.patient.pk}/consent/",
        f"/staff/patients/{p.patient.pk}/measures/",
        f"/staff/appointments/{visit.appointment.pk}/session/",
    ):
        assert client.get(path).status_code == 403, path


def test_staff_pages_by_role_and_clinic(client, visit):
    p = visit.schedule.practice
    session = signed_session(visit)
    patient = p.patient.pk
    pages = {
        f"/staff/patients/{patient}/consent/": {"front_desk": 200, "therapist": 200, "admin": 200},
        f"/staff/consents/{visit.consent.pk}.pdf": {
            "front_desk": 200,
            "therapist": 200,
            "admin": 200,
        },
        "/staff/clinics/stoughton/consent/": {"front_desk": 403, "therapist": 403, "admin": 200},
        f"/staff/appointments/{visit.appointment.pk}/session/": {
            "front_desk": 403,
            "therapist": 302,  # the record is open: on to it
            "admin": 302,
        },
        f"/staff/sessions/{session.pk}/": {"front_desk": 403, "therapist": 200, "admin": 200},
        "/staff/clinics/stoughton/adverse-events/": {
            "front_desk": 403,
            "therapist": 403,
            "admin": 200,
        },
        f"/staff/patients/{patient}/measures/": {"front_desk": 403, "therapist": 200, "admin": 200},
        f"/staff/patients/{patient}/measures/ndi/": {
            "front_desk": 403,
            "therapist": 200,
            "admin": 403,
        },
        f"/staff/patients/{patient}/letters/": {"front_desk": 403, "therapist": 200, "admin": 200},
    }
    people = {"front_desk": p.front_desk, "therapist": p.therapist.user, "admin": p.admin}
    for path, expected in pages.items():
        for role, status in expected.items():
            as_(client, people[role])
            assert client.get(path).status_code == status, (path, role)
        # The other clinic's staff find nothing there.
        as_(client, p.outsider_admin)
        assert client.get(path).status_code in (403, 404), path
        if "stoughton" not in path and expected["admin"] != 403:
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "suffix", ["", "details/", "needling/", "sign/", "addenda/", "adverse-events/"]
)
def test_the_front_desk_never_reaches_a_treatment_record(client, visit, suffix):
    session = open_session(visit)
    as_(client, visit.schedule.practice.front_desk)
    assert client.get(f"/staff/sessions/{session.pk}/{suffix}").status_code == 403
    assert client.post(f"/staff/sessions/{session.pk}/{suffix}", {}).status_code == 403
    assert client.post(f"/staff/appointments/{visit.appointment.pk}/session/").status_code == 403


def test_other_clinic_clinicians_find_no_session(client, visit):
    session = open_session(visit)
    as_(client, visit.schedule.practice.outsider_admin)
    assert client.get(f"/staff/sessions/{session.pk}/").status_code == 404
    assert client.post(f"/staff/sessions/{session.pk}/addenda/", {"text": "x"}).status_code == 404
    assert client.get("/staff/sessions/99999/").status_code == 404
