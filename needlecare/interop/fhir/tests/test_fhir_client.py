"""A real FHIR client (fhirpy) reads a running `needlecare serve` with an integration token
made by `needlecare fhir_token create`: Patient, Appointment, Slot and Procedure, following
the Bundles' next links; another clinic's token and a revoked one get nothing."""

import datetime as dt
import json

import pytest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, ResourceNotFound

from needlecare.common.testing.server import ServerEnvironment
from needlecare.interop.fhir.tests.r4b import validate

pytestmark = pytest.mark.server

COUNTS = """
import json
from needlecare.charting.models import TreatmentSession
from needlecare.patients.models import Patient
from needlecare.scheduling.models import Appointment
print(json.dumps({
    "patients": Patient.objects.filter(preferred_clinic__slug="stoughton").count(),
    "appointments": Appointment.objects.filter(clinic__slug="stoughton").count(),
    "procedures": TreatmentSession.objects.filter(
        state="signed", patient__preferred_clinic__slug="stoughton").count(),
}))
"""


def _token(server_environment: ServerEnvironment, clinic: str, name: str) -> str:
    out = server_environment.run_ok("fhir_token", "create", "--clinic", clinic, "--name", name)
    return out.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def stoughton(server_environment: ServerEnvironment, live_server_url: str) -> SyncFHIRClient:
    token = _token(server_environment, "stoughton", "fhirpy test")
    return SyncFHIRClient(
        f"{live_server_url}/fhir/R4", authorization=f"Bearer {token}", dump_resource=dict
    )


def _all(client: SyncFHIRClient, type: str, **params: str) -> list[dict]:
    """Every page, by the server's next links (fhirpy's fetch_all follows them)."""
    return [dict(r) for r in client.resources(type).search(**params).limit(7).fetch_all()]


def test_a_fhir_client_reads_patients_appointments_and_procedures_page_by_page(
    stoughton: SyncFHIRClient, server_environment: ServerEnvironment
) -> None:
    out = server_environment.run_ok("shell", "--no-imports", "-c", COUNTS)
    counts = json.loads(out.strip().splitlines()[-1])
    patients = _all(stoughton, "Patient")
    appointments = _all(stoughton, "Appointment")
    procedures = _all(stoughton, "Procedure")
    # More than one page each (7 a page), and exactly the clinic's rows.
    assert len(patients) == counts["patients"] > 7
    assert len(appointments) == counts["appointments"] > 7
    assert len(procedures) == counts["procedures"] > 7
    for resource in patients[:3] + appointments[:3] + procedures[:3]:
        validate(resource)
    one = stoughton.reference("Patient", patients[0]["id"]).to_resource()
    assert one["id"] == patients[0]["id"]
    assert {p["code"]["coding"][0]["code"] for p in procedures} <= {"20560", "20561"}


def test_a_fhir_client_reads_free_slots_for_a_week(stoughton: SyncFHIRClient) -> None:
    today = dt.date.today()
    week = today + dt.timedelta(days=7)
    found = [
        dict(r)
        for r in stoughton.resources("Slot")
        .search(start=[f"ge{today}", f"lt{week}"], status="free")
        .limit(50)
        .fetch_all()
    ]
    assert found, "the demo clinic has free time in the coming week"
    assert all(s["status"] == "free" for s in found)
    validate(found[0])


def test_another_clinics_token_and_a_revoked_token_read_nothing(
    stoughton: SyncFHIRClient, server_environment: ServerEnvironment, live_server_url: str
) -> None:
    patient_id = _all(stoughton, "Patient")[0]["id"]
    foxboro = SyncFHIRClient(
        f"{live_server_url}/fhir/R4",
        authorization=f"Bearer {_token(server_environment, 'foxboro', 'other clinic')}",
    )
    with pytest.raises(ResourceNotFound):
        foxboro.reference("Patient", patient_id).to_resource()
    revoked = _token(server_environment, "stoughton", "to revoke")
    listing = server_environment.run_ok("fhir_token", "list", "--clinic", "stoughton")
    line = next(row for row in listing.splitlines() if "to revoke" in row)
    server_environment.run_ok("fhir_token", "revoke", line.split()[0])
    gone = SyncFHIRClient(f"{live_server_url}/fhir/R4", authorization=f"Bearer {revoked}")
    with pytest.raises(AuthorizationError):  # 401 with an OperationOutcome
        gone.resources("Patient").search().fetch()
