"""Bulk Data export against a running server, and `needlecare fhir_export` offline: the
NDJSON files hold exactly the clinic's rows (line counts equal database counts), every line
validates, and no other clinic's data is in them."""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from needlecare.common.testing.server import ServerEnvironment
from needlecare.interop.fhir.tests.r4b import validate

pytestmark = pytest.mark.server

COUNTS = """
import json
from django.db.models import Q
from needlecare.charting.models import AdverseEvent, Consent, TreatmentSession
from needlecare.clinics.models import Clinic, Therapist
from needlecare.outcomes.models import MeasureResponse
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import Appointment, AppointmentType
from needlecare.screening.models import Screening
c = Clinic.objects.get(slug="stoughton")
mine = Q(patient__preferred_clinic=c)
signed = TreatmentSession.objects.filter(state="signed", clinic=c)
print(json.dumps({
    "clinic": c.pk,
    "patients": sorted(Patient.objects.filter(preferred_clinic=c).values_list("pk", flat=True)),
    "Patient": Patient.objects.filter(preferred_clinic=c).count(),
    "Practitioner": Therapist.objects.filter(user__memberships__clinic=c).distinct().count(),
    "Organization": 1, "Location": 1,
    "HealthcareService": AppointmentType.objects.filter(clinic=c).count(),
    "Appointment": Appointment.objects.filter(clinic=c).count(),
    "QuestionnaireResponse": Screening.objects.filter(mine).count(),
    "RiskAssessment": Screening.objects.filter(mine).count(),
    "Consent": Consent.objects.filter(mine).count(),
    "Procedure": signed.count(),
    "Observation": MeasureResponse.objects.filter(mine).count()
        + signed.filter(pain_before__isnull=False).count()
        + signed.filter(pain_after__isnull=False).count(),
    "AdverseEvent": AdverseEvent.objects.filter(session__clinic=c).count(),
    "DocumentReference": Letter.objects.filter(mine).count(),
}))
"""


@pytest.fixture(scope="module")
def counts(server_environment: ServerEnvironment, demo_clinics: object) -> dict[str, Any]:
    out = server_environment.run_ok("shell", "--no-imports", "-c", COUNTS)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def token(server_environment: ServerEnvironment, demo_clinics: object) -> str:
    out = server_environment.run_ok(
        "fhir_token", "create", "--clinic", "stoughton", "--name", "bulk test"
    )
    return out.strip().splitlines()[-1]


def _get(url: str, token: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(  # noqa: S310 - the test's own server
        url, headers={"Authorization": f"Bearer {token}", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _export(url: str, token: str) -> dict[str, Any]:
    status, headers, _ = _get(url, token, Prefer="respond-async")
    assert status == 202, status
    where = headers["Content-Location"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status, headers, body = _get(where, token)
        if status == 200:
            return json.loads(body)
        assert status == 202 and headers["X-Progress"] in ("queued", "running")
        time.sleep(0.3)
    pytest.fail("the export did not finish within 120 s")


def _lines(url: str, token: str) -> list[dict[str, Any]]:
    status, headers, body = _get(url, token)
    assert status == 200
    assert headers["Content-Type"] == "application/fhir+ndjson"
    return [json.loads(line) for line in body.decode().splitlines()]


def test_a_clinics_bulk_export_holds_exactly_its_records(
    live_server_url: str, token: str, counts: dict[str, Any]
) -> None:
    manifest = _export(f"{live_server_url}/fhir/R4/Group/{counts['clinic']}/$export", token)
    assert manifest["requiresAccessToken"] is True
    files = {item["type"]: item for item in manifest["output"]}
    patients = {str(p) for p in counts["patients"]}
    for type, expected in counts.items():
        if type in ("clinic", "patients"):
            continue
        lines = _lines(files[type]["url"], token)
        assert len(lines) == files[type]["count"] == expected, type
        for resource in lines:
            validate(resource)
            text = json.dumps(resource)
            for reference in _patient_references(text):
                assert reference in patients, (type, reference)
        if type in ("Organization", "Location"):
            assert [r["id"] for r in lines] == [str(counts["clinic"])]
    assert {r["id"] for r in _lines(files["Patient"]["url"], token)} == patients
    assert set(files) >= {"PractitionerRole", "Schedule"}


def _patient_references(text: str) -> list[str]:
    return [part.split('"', 1)[0] for part in text.split('"Patient/')[1:]]


def test_kick_off_refusals_and_who_may_see_an_export(
    live_server_url: str, token: str, counts: dict[str, Any], server_environment: ServerEnvironment
) -> None:
    base = f"{live_server_url}/fhir/R4"
    assert _get(f"{base}/$export", token)[0] == 400  # no Prefer: respond-async
    assert _get(f"{base}/$export?_type=Medication", token, Prefer="respond-async")[0] == 400
    assert _get(f"{base}/Group/999/$export", token, Prefer="respond-async")[0] == 404
    status, headers, _ = _get(
        f"{base}/Patient/$export?_type=Patient", token, Prefer="respond-async"
    )
    assert status == 202
    where = headers["Content-Location"]
    other = server_environment.run_ok(
        "fhir_token", "create", "--clinic", "stoughton", "--name", "someone else"
    )
    assert _get(where, other.strip().splitlines()[-1])[0] == 404
    request = urllib.request.Request(  # noqa: S310
        where, method="DELETE", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 202
    assert _get(where, token)[0] == 404


def test_the_offline_export_matches_the_database(
    server_environment: ServerEnvironment, counts: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "copy"
    out = server_environment.run_ok("fhir_export", str(folder), "--clinic", "stoughton")
    assert "resources in" in out
    manifest = json.loads((folder / "manifest.json").read_text())
    for item in manifest["output"]:
        lines = (folder / item["name"]).read_text().splitlines()
        assert len(lines) == item["count"]
        if item["type"] in counts:
            assert item["count"] == counts[item["type"]], item["type"]
    refused = server_environment.run("fhir_export", str(folder))  # not empty now
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    unknown = server_environment.run("fhir_export", str(tmp_path / "x"), "--clinic", "nowhere")
    assert (unknown.returncode, len(unknown.stderr.strip().splitlines())) == (2, 1)
