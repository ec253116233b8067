"""Role and clinic scoping of the staff pages and the API, with the practice's personas."""

import re

import pytest

from needlecare.audit.models import ReadEvent
from needlecare.audit.selectors import audit_events_for_target

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_front_desk_sees_their_own_clinic(client, practice):
    response = _get(client, practice.front_desk, "/staff/clinics/stoughton/")
    assert response.status_code == 200
    assert b"Dana Reyes" in response.content
    assert b"Certified" in response.content


def test_front_desk_at_stoughton_cannot_see_foxboros_staff_pages(client, practice):
    for url in (
        "/staff/clinics/foxboro/",
        "/staff/clinics/foxboro/patients/",
        "/staff/clinics/foxboro/patients/new/",
        "/api/clinics/foxboro/therapists",
    ):
        assert _get(client, practice.front_desk, url).status_code == 404, url


def test_a_missing_clinic_and_a_forbidden_one_look_the_same(client, practice):
    forbidden = _get(client, practice.front_desk, "/staff/clinics/foxboro/")
    missing = _get(client, practice.front_desk, "/staff/clinics/nowhere/")
    assert forbidden.status_code == missing.status_code == 404

    def without_token(response):
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    assert without_token(forbidden) == without_token(missing)


def test_staff_cannot_open_another_clinics_patient(client, practice):
    url = f"/staff/patients/{practice.other_patient.pk}/"
    assert _get(client, practice.front_desk, url).status_code == 404
    assert _get(client, practice.outsider, url).status_code == 200


def test_a_patient_cannot_reach_another_patients_record(client, practice):
    client.force_login(practice.patient.user)
    assert client.get(f"/api/patients/{practice.patient.pk}").status_code == 200
    assert client.get(f"/api/patients/{practice.other_patient.pk}").status_code == 404
    assert client.get(f"/staff/patients/{practice.other_patient.pk}/").status_code == 403
    assert client.get(f"/staff/patients/{practice.patient.pk}/").status_code == 403


def test_patients_cannot_use_staff_pages_or_the_admin(client, practice):
    client.force_login(practice.patient.user)
    assert client.get("/staff/").status_code == 403
    assert client.get("/staff/clinics/stoughton/").status_code == 403
    assert client.get("/api/clinics/stoughton/therapists").status_code == 401
    assert client.get("/admin/").status_code == 302


def test_only_clinic_admins_read_the_audit_trail_and_only_their_clinics(client, practice):
    assert _get(client, practice.front_desk, "/staff/clinics/stoughton/audit/").status_code == 403
    assert _get(client, practice.admin, "/staff/clinics/stoughton/audit/").status_code == 200
    assert _get(client, practice.admin, "/staff/clinics/foxboro/audit/").status_code == 404


def test_only_clinic_admins_use_the_django_admin(client, practice):
    assert _get(client, practice.front_desk, "/admin/").status_code == 302
    assert _get(client, practice.admin, "/admin/").status_code == 200
    changelist = _get(client, practice.admin, "/admin/clinics/clinic/")
    assert b"Stoughton" in changelist.content and b"Foxboro" not in changelist.content
    assert (
        _get(
            client, practice.admin, f"/admin/clinics/clinic/{practice.foxboro.pk}/change/"
        ).status_code
        == 404  # another clinic's page is not found, as everywhere else
    )


def test_admin_edits_are_audited(client, practice):
    client.force_login(practice.admin)
    url = f"/admin/clinics/therapist/{practice.therapist.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"user": practice.therapist.user_id, "title": "PT, DPT, OCS", "bio": ""})
    data.update({"credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0"})
    for prefix in ("working_hours", "time_off"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    for credential in practice.therapist.credentials.all():
        n = int(data["credentials-TOTAL_FORMS"])
        data.update(
            {
                f"credentials-{n}-id": credential.pk,
                f"credentials-{n}-therapist": practice.therapist.pk,
                f"credentials-{n}-kind": credential.kind,
                f"credentials-{n}-issuer": credential.issuer,
                f"credentials-{n}-number": credential.number,
                f"credentials-{n}-valid_from": credential.valid_from.isoformat(),
                f"credentials-{n}-expires_on": credential.expires_on.isoformat(),
            }
        )
        data["credentials-TOTAL_FORMS"] = str(n + 1)
        data["credentials-INITIAL_FORMS"] = str(n + 1)
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    practice.therapist.refresh_from_db()
    assert practice.therapist.title == "PT, DPT, OCS"
    [event] = audit_events_for_target("clinics.therapist", practice.therapist.pk)
    assert event.action == "therapist.changed"
    assert event.data == {"title": ["PT, DPT", "PT, DPT, OCS"]}


def test_staff_reads_of_a_patient_record_are_audited(client, practice):
    _get(client, practice.front_desk, f"/staff/patients/{practice.patient.pk}/")
    [read] = ReadEvent.objects.filter(patient_id=practice.patient.pk)
    assert (read.actor, read.role) == (practice.front_desk, "front_desk")


def test_a_patients_own_reads_are_recorded_as_the_patients(client, practice):
    client.force_login(practice.patient.user)
    assert client.get("/me/").status_code == 200
    [read] = ReadEvent.objects.filter(patient_id=practice.patient.pk)
    assert (read.actor, read.role) == (practice.patient.user, "patient")


def test_front_desk_registers_a_patient_at_their_clinic(client, practice):
    client.force_login(practice.front_desk)
    response = client.post(
        "/staff/clinics/stoughton/patients/new/",
        {
            "first_name": "Ana",
            "last_name": "Silva",
            "date_of_birth": "1990-02-03",
            "phone": "781-555-0111",
            "preferred_clinic": practice.stoughton.pk,
            "physician_name": "Dr. House",
            "physician_fax": "781-555-0000",
        },
    )
    assert response.status_code == 302
    from needlecare.patients.models import Patient

    ana = Patient.objects.get(last_name="Silva")
    assert ana.preferred_clinic == practice.stoughton
    assert ana.referring_physician.fax == "781-555-0000"
    assert (
        audit_events_for_target("patients.patient", ana.pk)
        .filter(action="patient.registered")
        .exists()
    )


def test_therapists_cannot_register_patients(client, practice):
    response = _get(client, practice.therapist.user, "/staff/clinics/stoughton/patients/new/")
    assert response.status_code == 403
