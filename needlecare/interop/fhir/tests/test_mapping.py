"""The pure FHIR mappers for people, places, scheduling and envelopes: the codes, references
and statuses a FHIR client reads, each resource valid for the R4B models. No database.
(Where R4B differs from R4 for these resources, and how that was checked: see r4b.py.)"""

import datetime as dt
from dataclasses import replace

import pytest
from pydantic import ValidationError

from needlecare.interop.fhir.mapping.envelope import (
    Operation,
    ResourceSupport,
    SearchParam,
    bundle,
    capability_statement,
    operation_outcome,
)
from needlecare.interop.fhir.mapping.people import (
    healthcare_service_resource,
    location_resource,
    organization_resource,
    patient_resource,
    practitioner_resource,
    practitioner_role_resource,
)
from needlecare.interop.fhir.mapping.scheduling import (
    APPOINTMENT_STATUS,
    appointment_resource,
    schedule_resource,
    slot_resource,
)
from needlecare.interop.fhir.values import ServiceValue

from .r4b import validate
from .samples import APPOINTMENT, CLINIC, PATIENT, ROLE, SLOT, THERAPIST, VISIT

BASE = "https://clinic.example/fhir/R4"


def test_a_patient_speaks_english_by_bcp47_and_belongs_to_their_clinic():
    patient = patient_resource(PATIENT)
    validate(patient)
    assert patient["id"] == "12"
    assert patient["communication"] == [
        {
            "language": {
                "coding": [{"system": "urn:ietf:bcp:47", "code": "en", "display": "English"}],
                "text": "English",
            },
            "preferred": True,
        }
    ]
    assert patient["birthDate"] == "1984-05-02"
    assert patient["name"] == [{"use": "official", "family": "Reyes", "given": ["Dana"]}]
    assert patient["managingOrganization"] == {"reference": "Organization/1"}
    assert patient["generalPractitioner"] == [{"display": "Dr. Ada Park"}]


def test_a_patient_without_email_or_street_has_no_empty_elements():
    bare = replace(PATIENT, email="", address=replace(PATIENT.address, street=""))
    patient = patient_resource(bare)
    validate(patient)
    assert [t["system"] for t in patient["telecom"]] == ["phone"]
    assert "line" not in patient["address"][0]


def test_a_therapists_licence_and_certification_are_qualifications_with_their_periods():
    practitioner = practitioner_resource(THERAPIST)
    validate(practitioner)
    licence, certification = practitioner["qualification"]
    assert licence["code"]["coding"][0] == {
        "system": "https://needlecare.example/fhir/CodeSystem/credential-kind",
        "code": "pt_license",
        "display": "Physical therapist licence",
    }
    assert licence["period"] == {"start": "2020-01-01", "end": "2027-12-31"}
    assert licence["identifier"] == [{"value": "PT-1234"}]
    assert certification["code"]["coding"][0]["code"] == "dry_needling"
    assert certification["period"] == {"start": "2024-06-01", "end": "2026-05-31"}
    assert certification["issuer"] == {"display": "Myopain Seminars"}
    assert practitioner["name"][0]["suffix"] == ["PT", "DPT"]


def test_a_therapist_at_a_clinic_is_a_role_and_a_schedule_of_the_same_id():
    role, schedule = practitioner_role_resource(ROLE), schedule_resource(ROLE)
    validate(role)
    validate(schedule)
    assert role["id"] == schedule["id"] == "3-1"
    assert role["practitioner"]["reference"] == "Practitioner/3"
    assert role["organization"]["reference"] == "Organization/1"
    assert role["location"][0]["reference"] == "Location/1"
    assert role["healthcareService"][0]["reference"] == "HealthcareService/7"
    assert role["code"][0]["coding"][0] == {
        "system": "http://nucc.org/provider-taxonomy",
        "code": "225100000X",
        "display": "Physical Therapist",
    }
    assert [a["reference"] for a in schedule["actor"]] == ["Practitioner/3", "Location/1"]


def test_a_clinic_is_an_organization_and_a_location_with_its_hours_grouped_by_time():
    organization, location = organization_resource(CLINIC), location_resource(CLINIC)
    validate(organization)
    validate(location)
    assert organization["id"] == location["id"] == "1"
    assert location["managingOrganization"]["reference"] == "Organization/1"
    assert location["hoursOfOperation"] == [
        {
            "daysOfWeek": ["mon", "tue", "wed", "thu", "fri"],
            "openingTime": "08:00:00",
            "closingTime": "19:00:00",
        },
        {"daysOfWeek": ["sat"], "openingTime": "08:00:00", "closingTime": "12:30:00"},
    ]
    assert location["telecom"] == [{"system": "phone", "value": "781-436-0391", "use": "work"}]


def test_an_appointment_type_is_a_healthcare_service_of_its_clinic():
    service = healthcare_service_resource(
        ServiceValue(7, 1, "dn-follow-up", "Dry needling follow-up", 45, True, True, True)
    )
    validate(service)
    assert service["providedBy"] == {"reference": "Organization/1"}
    assert service["type"][0]["coding"][0]["code"] == "dn-follow-up"
    assert service["comment"].startswith("45 minutes; given only by a therapist certified")


def test_a_slot_is_an_instant_range_of_a_schedule_free_or_busy():
    free, busy = slot_resource(SLOT), slot_resource(replace(SLOT, busy=True))
    validate(free)
    assert free["status"] == "free" and busy["status"] == "busy"
    assert free["start"] == "2026-03-10T09:00:00-04:00"
    assert free["end"] == "2026-03-10T09:45:00-04:00"
    assert free["schedule"] == {"reference": "Schedule/3-1"}
    assert free["id"] == "3-1-7-202603101300"  # the start in UTC: stable across zones
    assert free["serviceType"][0]["coding"][0]["code"] == "dn-follow-up"


def test_a_naive_datetime_is_refused_rather_than_sent_without_an_offset():
    with pytest.raises(ValueError, match="timezone-aware"):
        slot_resource(replace(SLOT, start=dt.datetime(2026, 3, 10, 9, 0)))


@pytest.mark.parametrize(
    ("ours", "fhir"),
    [
        ("requested", "pending"),
        ("confirmed", "booked"),
        ("checked_in", "arrived"),
        ("completed", "fulfilled"),
        ("cancelled", "cancelled"),
        ("late_cancelled", "cancelled"),
        ("no_show", "noshow"),
    ],
)
def test_each_appointment_status_maps_to_its_fhir_status(ours, fhir):
    appointment = appointment_resource(
        replace(APPOINTMENT, status=ours, cancel_reason="Unwell", cancelled_by="patient")
    )
    validate(appointment)
    assert appointment["status"] == fhir
    assert APPOINTMENT_STATUS[ours] == fhir


def test_an_appointment_names_its_patient_therapist_clinic_type_and_screening():
    appointment = appointment_resource(APPOINTMENT)
    actors = [p["actor"]["reference"] for p in appointment["participant"]]
    assert actors == ["Patient/12", "Practitioner/3", "Location/1"]
    assert {p["status"] for p in appointment["participant"]} == {"accepted"}
    assert appointment["start"] == "2026-03-10T09:00:00-04:00"
    assert appointment["minutesDuration"] == 45
    assert appointment["supportingInformation"] == [{"reference": "RiskAssessment/30"}]
    assert appointment["serviceType"][0]["text"] == "Dry needling follow-up"
    assert "cancelationReason" not in appointment


def test_a_requested_visit_awaits_the_clinic_and_a_cancelled_one_says_who_and_why():
    requested = appointment_resource(replace(APPOINTMENT, status="requested"))
    assert [p["status"] for p in requested["participant"]] == [
        "accepted",
        "needs-action",
        "needs-action",
    ]
    late = appointment_resource(
        replace(
            APPOINTMENT,
            status="late_cancelled",
            cancel_reason="Car trouble",
            cancelled_by="patient",
        )
    )
    assert late["cancelationReason"] == {
        "text": "Late cancellation: Car trouble",
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason",
                "code": "pat",
                "display": "Patient",
            }
        ],
    }
    assert late["participant"][0]["status"] == "declined"
    by_clinic = appointment_resource(
        replace(APPOINTMENT, status="cancelled", cancel_reason="Closed", cancelled_by="clinic")
    )
    assert by_clinic["cancelationReason"]["coding"][0]["code"] == "prov"
    assert [p["status"] for p in by_clinic["participant"]] == ["accepted", "declined", "declined"]


def test_a_searchset_bundle_has_absolute_full_urls_total_and_next_link():
    patient = patient_resource(PATIENT)
    clinic = organization_resource(CLINIC)
    found = bundle(
        [patient],
        included=[clinic],
        resource_url=BASE + "/",
        self_url=f"{BASE}/Patient?_count=1",
        next_url=f"{BASE}/Patient?_count=1&page=2",
        total=40,
        timestamp=VISIT,
    )
    validate(found)
    assert found["type"] == "searchset" and found["total"] == 40
    assert found["link"] == [
        {"relation": "self", "url": f"{BASE}/Patient?_count=1"},
        {"relation": "next", "url": f"{BASE}/Patient?_count=1&page=2"},
    ]
    assert [(e["fullUrl"], e["search"]["mode"]) for e in found["entry"]] == [
        (f"{BASE}/Patient/12", "match"),
        (f"{BASE}/Organization/1", "include"),
    ]


def test_an_empty_search_is_a_bundle_with_total_zero_and_no_entries():
    empty = bundle([], resource_url=BASE, self_url=f"{BASE}/Patient", total=0)
    validate(empty)
    assert empty["total"] == 0 and "entry" not in empty


def test_an_error_is_an_operation_outcome_with_severity_code_and_diagnostics():
    outcome = operation_outcome("error", "not-found", "Patient/999 is not known")
    validate(outcome)
    assert outcome["issue"] == [
        {"severity": "error", "code": "not-found", "diagnostics": "Patient/999 is not known"}
    ]
    with pytest.raises(ValueError, match="severity"):
        operation_outcome("bad", "invalid")


def test_the_capability_statement_lists_exactly_the_types_and_params_given():
    export = Operation("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export")
    statement = capability_statement(
        [
            ResourceSupport(
                "Patient",
                (SearchParam("_id", "token"), SearchParam("name", "string")),
                operations=(export,),
            ),
            ResourceSupport(
                "Appointment",
                (SearchParam("patient", "reference"), SearchParam("date", "date")),
                includes=("Appointment:patient",),
            ),
        ],
        base_url=BASE,
        date=VISIT,
        software_version="1.0",
        operations=[export],
        security="Bearer tokens from needlecare fhir_token create",
    )
    validate(statement)
    assert statement["fhirVersion"] == "4.0.1" and statement["kind"] == "instance"
    assert "application/fhir+json" in statement["format"]
    rest = statement["rest"][0]
    assert [r["type"] for r in rest["resource"]] == ["Patient", "Appointment"]
    assert rest["resource"][1]["searchParam"] == [
        {"name": "patient", "type": "reference"},
        {"name": "date", "type": "date"},
    ]
    assert rest["resource"][1]["searchInclude"] == ["Appointment:patient"]
    assert rest["operation"] == [{"name": "export", "definition": export.definition}]


def test_the_r4b_models_do_refuse_what_is_not_fhir():
    # The validation the other tests lean on is real: an unknown element or a bad instant fails.
    with pytest.raises(ValidationError):
        validate({**patient_resource(PATIENT), "favouriteColour": "blue"})
    with pytest.raises(ValidationError):
        validate({**slot_resource(SLOT), "start": "2026-03-10T09:00:00"})
