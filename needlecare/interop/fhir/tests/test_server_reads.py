"""The FHIR server in-process: who reads what, errors as OperationOutcome, paging, includes,
the PDFs behind Consent and DocumentReference, and the read audit."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from needlecare.audit.models import ReadEvent
from needlecare.common.testing.clock import on_the_day
from needlecare.interop.fhir.tests.r4b import validate
from needlecare.interop.services import fhir_token_create, fhir_token_revoke
from needlecare.scheduling.models import AppointmentType
from needlecare.scheduling.selectors import slots_for
from needlecare.web.tests.read_audit_helpers import (  # noqa: F401 - the chart fixture
    Chart,
    chart_fixture,
    signed_in,
)

pytestmark = pytest.mark.django_db
BASE = "/fhir/R4"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token(chart: Chart) -> str:
    p = chart.visit.practice
    return fhir_token_create(clinic=p.stoughton, name="Referring EHR", by=p.admin)[1]


def get(path: str, token: str | None = None, client: Client | None = None) -> tuple[int, dict]:
    response = (client or Client()).get(BASE + path, **(bearer(token) if token else {}))
    assert response["Content-Type"].startswith("application/fhir+json"), response.content[:200]
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_the_capability_statement_is_public_and_lists_every_type() -> None:
    status, body = get("/metadata")
    assert status == 200
    validate(body)
    types = {r["type"] for r in body["rest"][0]["resource"]}
    assert types == {
        "Patient", "Practitioner", "PractitionerRole", "Organization", "Location",
        "HealthcareService", "Schedule", "Slot", "Appointment", "QuestionnaireResponse",
        "RiskAssessment", "Consent", "Procedure", "Observation", "AdverseEvent",
        "DocumentReference",
    }  # fmt: skip
    assert body["fhirVersion"] == "4.0.1"


def test_without_credentials_or_with_a_bad_token_the_answer_is_401(chart: Chart) -> None:
    for token in (None, "nct_not-a-token"):
        response = Client().get(f"{BASE}/Patient", **(bearer(token) if token else {}))
        assert response.status_code == 401
        outcome = response.json()
        validate(outcome)
        assert outcome["issue"][0]["code"] == "login"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused_at_once(chart: Chart) -> None:
    p = chart.visit.practice
    made, raw = fhir_token_create(clinic=p.stoughton, name="Exchange", by=p.admin)
    assert get("/Patient", raw)[0] == 200
    fhir_token_revoke(token=made, by=p.admin)
    assert get("/Patient", raw)[0] == 401


def test_a_token_reads_its_clinics_patient_and_not_another_clinics(chart: Chart, token: str):
    p = chart.visit.practice
    status, patient = get(f"/Patient/{p.patient.pk}", token)
    assert status == 200
    validate(patient)
    assert patient["id"] == str(p.patient.pk)
    status, outcome = get(f"/Patient/{p.other_patient.pk}", token)
    assert status == 404
    assert outcome["issue"][0]["code"] == "not-found"
    # Missing and forbidden answer alike.
    assert get("/Patient/999999", token) == (status, outcome)


def test_other_methods_and_routes_answer_as_fhir_too(token: str) -> None:
    response = Client().post(f"{BASE}/Patient", {}, **bearer(token))
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")
    assert response.json()["resourceType"] == "OperationOutcome"
    status, outcome = get("/patient/lowercase/and/more", token)
    assert (status, outcome["issue"][0]["code"]) == (404, "not-found")


def test_unknown_types_and_parameters_are_400_and_unknown_ids_404(token: str) -> None:
    assert get("/Medication", token)[0] == 400
    status, outcome = get("/Patient?colour=blue", token)
    assert status == 400
    assert "colour" in outcome["issue"][0]["diagnostics"]
    assert get("/Appointment?date=tomorrow", token)[0] == 400
    assert get("/Appointment?_count=0", token)[0] == 400
    assert get("/Procedure/not-a-number", token)[0] == 404


def test_every_search_of_the_chart_validates_and_pages_to_the_end(chart: Chart, token: str):
    for type in ("Patient", "Appointment", "Procedure", "Observation", "Consent",
                 "QuestionnaireResponse", "RiskAssessment", "AdverseEvent",
                 "DocumentReference", "Practitioner", "Organization", "Location",
                 "HealthcareService", "PractitionerRole", "Schedule"):  # fmt: skip
        status, bundle = get(f"/{type}?_count=1", token)
        assert status == 200, (type, bundle)
        validate(bundle)
        seen = [e["resource"]["id"] for e in bundle.get("entry", [])]
        while next_link := {x["relation"]: x["url"] for x in bundle["link"]}.get("next"):
            status, bundle = get(next_link.split(BASE, 1)[1], token)
            assert status == 200
            seen += [e["resource"]["id"] for e in bundle["entry"]]
        assert len(seen) == len(set(seen)) == bundle["total"], type
        assert bundle["total"] >= 1, type


def test_the_chart_reads_back_by_id_for_every_type(chart: Chart, token: str) -> None:
    for type, id in (
        ("Procedure", chart.session.pk),
        ("AdverseEvent", chart.event.pk),
        ("Consent", chart.visit.consent.pk),
        ("DocumentReference", chart.letter.pk),
        ("Observation", f"measure-{chart.measure.pk}"),
        ("Observation", f"pain-before-{chart.session.pk}"),
        ("Appointment", chart.visit.appointment.pk),
    ):
        status, resource = get(f"/{type}/{id}", token)
        assert status == 200, (type, resource)
        validate(resource)
        assert resource["id"] == str(id)


def test_patient_date_and_include_searches(chart: Chart, token: str) -> None:
    p = chart.visit.practice
    day = chart.visit.appointment.starts_at.date()
    status, found = get(f"/Appointment?patient=Patient/{p.patient.pk}&date={day}", token)
    assert (status, found["total"]) == (200, 1)
    assert get(f"/Appointment?date=lt{day}", token)[1]["total"] == 0
    status, found = get("/Appointment?_include=Appointment:patient", token)
    modes = [(e["resource"]["resourceType"], e["search"]["mode"]) for e in found["entry"]]
    assert ("Patient", "include") in modes
    assert ("Appointment", "match") in modes


def test_the_front_desk_reads_the_schedule_but_not_treatment_records(chart: Chart) -> None:
    desk = signed_in(chart.visit.practice.front_desk)
    assert get("/Appointment", client=desk)[0] == 200
    for type in ("Procedure", "Observation", "AdverseEvent", "DocumentReference"):
        status, outcome = get(f"/{type}", client=desk)
        assert status == 403, type
        assert outcome["resourceType"] == "OperationOutcome"
    assert get(f"/Procedure/{chart.session.pk}", client=desk)[0] == 403


def test_a_patient_reads_their_own_compartment_only(chart: Chart) -> None:
    p = chart.visit.practice
    own = signed_in(p.patient.user)
    status, found = get("/Appointment", client=own)
    assert {e["resource"]["participant"][0]["actor"]["reference"] for e in found["entry"]} == {
        f"Patient/{p.patient.pk}"
    }
    assert get(f"/Patient/{p.patient.pk}", client=own)[0] == 200
    other = signed_in(p.other_patient.user)
    assert get(f"/Patient/{p.patient.pk}", client=other)[0] == 404
    assert get(f"/Procedure/{chart.session.pk}", client=other)[0] == 404
    assert get("/Procedure", client=other)[1]["total"] == 0


def test_the_pdfs_behind_consent_and_letters(chart: Chart, token: str) -> None:
    _, consent = get(f"/Consent/{chart.visit.consent.pk}", token)
    url = consent["sourceAttachment"]["url"]
    response = Client().get(urlsplit(url).path, **bearer(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    _, letter = get(f"/DocumentReference/{chart.letter.pk}", token)
    letter_url = letter["content"][0]["attachment"]["url"]
    assert Client().get(urlsplit(letter_url).path, **bearer(token)).status_code == 200
    other = signed_in(chart.visit.practice.other_patient.user)
    assert other.get(urlsplit(letter_url).path).status_code == 404


def test_every_token_read_is_audited_with_the_token_named(chart: Chart, token: str) -> None:
    before = ReadEvent.objects.count()
    get(f"/Patient/{chart.visit.patient.pk}", token)
    get(f"/Procedure?patient={chart.visit.patient.pk}", token)
    reads = list(ReadEvent.objects.order_by("id")[before:])
    assert [r.what for r in reads] == ["FHIR Patient read", "FHIR Procedure search"]
    for read in reads:
        assert read.actor is None
        assert read.role == "integration"
        assert "Referring EHR" in read.actor_label
        assert read.patient_id == chart.visit.patient.pk


def test_slots_are_the_booking_availability_for_the_window(chart: Chart, token: str) -> None:
    p = chart.visit.practice
    first = chart.visit.appointment.starts_at.date()
    last = first + dt.timedelta(days=2)
    with on_the_day(chart.visit.schedule):
        status, found = get(f"/Slot?start=ge{first}&start=lt{last}&_count=200&status=free", token)
        expected = {
            (f"{s.therapist_id}-{p.stoughton.pk}", type.code, s.start.astimezone(dt.UTC))
            for type in AppointmentType.objects.filter(clinic=p.stoughton, is_active=True)
            for s in slots_for(
                clinic=p.stoughton,
                type=type,
                first_day=first,
                last_day=last - dt.timedelta(days=1),
                not_before=timezone.now(),
            )
        }
        busy = get(f"/Slot?start=ge{first}&start=lt{last}&status=busy", token)[1]
    assert status == 200
    validate(found)
    assert found["total"] == len(expected) > 0
    assert {
        (
            e["resource"]["schedule"]["reference"].removeprefix("Schedule/"),
            e["resource"]["serviceType"][0]["coding"][0]["code"],
            dt.datetime.fromisoformat(e["resource"]["start"]).astimezone(dt.UTC),
        )
        for e in found["entry"]
    } == expected
    # The visit itself is busy time.
    assert busy["total"] == 1
    wide = f"/Slot?start=ge{first}&start=lt{first + dt.timedelta(days=40)}"
    assert get(wide, token)[0] == 400
    assert get("/Slot", token)[0] == 400


def test_the_patients_language_is_their_communication(chart: Chart, token: str) -> None:
    patient = chart.visit.patient
    patient.preferred_language = "pt-br"
    patient.save(update_fields=["preferred_language"])
    _, resource = get(f"/Patient/{patient.pk}", token)
    [language] = resource["communication"]
    assert language["language"]["coding"][0]["code"] == "pt-BR"
    assert language["preferred"] is True
