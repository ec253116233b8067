"""People and places: Patient, Practitioner, PractitionerRole, Organization, Location,
HealthcareService. Pure: plain values in, FHIR R4 dictionaries out.

Where needlecare's fields land:

- Patient: first/last name -> name[official]; date_of_birth -> birthDate; phone and email ->
  telecom; street, city, state, postal_code -> address; preferred clinic ->
  managingOrganization (Organization/{clinic}); the referring physician -> generalPractitioner
  (by name only: physicians are not served as resources); the preferred language ->
  communication[0].language (BCP-47: en, es, pt-BR), preferred.
- Practitioner (a therapist): the user's full name -> name.text; title (post-nominals) ->
  name.suffix; email -> telecom; each credential (PT licence, dry needling certification, CPR)
  -> qualification: the kind as code (needlecare's credential-kind code system), the number as
  identifier, valid_from..expires_on as period, the issuer as issuer.display.
- PractitionerRole (id "{therapist}-{clinic}"): practitioner, organization and location, code
  NUCC 225100000X Physical Therapist, healthcareService for the clinic's types they give.
- Organization and Location (both with the clinic's id): name, phone, address; Location also
  gets the opening hours as hoursOfOperation (local time) and managingOrganization.
- HealthcareService (an appointment type): providedBy and location the clinic; code and name
  -> type (needlecare's appointment-type code system) and name; duration, online booking and
  certification -> comment and characteristic text; is_active -> active.
"""

from collections import defaultdict

from ..values import Address, ClinicValue, PatientValue, PractitionerValue, RoleValue, ServiceValue
from .common import BCP47, HL7, JSON, LOCAL, coding, compact, concept, day, local, ref, text_only

NUCC = "http://nucc.org/provider-taxonomy"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGUAGES = {"en": "English", "es": "Spanish", "pt-BR": "Portuguese (Brazil)"}


def address(value: Address) -> list[JSON]:
    parts = compact(
        {
            "use": "work",
            "line": [value.street] if value.street else [],
            "city": value.city,
            "state": value.state,
            "postalCode": value.postal_code,
            "country": "US",
        }
    )
    return [parts] if len(parts) > 2 else []


def telecom(*, phone: str = "", email: str = "", use: str = "") -> list[JSON]:
    points = [("phone", phone), ("email", email)]
    return [
        compact({"system": system, "value": value, "use": use}) for system, value in points if value
    ]


def patient_resource(value: PatientValue) -> JSON:
    language = {
        "coding": [coding(BCP47, value.language, LANGUAGES.get(value.language, ""))],
        "text": LANGUAGES.get(value.language, value.language),
    }
    physician = [{"display": value.physician_name}] if value.physician_name else []
    home = [dict(a, use="home") for a in address(value.address)]
    return compact(
        {
            "resourceType": "Patient",
            "id": str(value.id),
            "active": True,
            "name": [{"use": "official", "family": value.last_name, "given": [value.first_name]}],
            "telecom": telecom(phone=value.phone, email=value.email),
            "birthDate": day(value.birth_date),
            "address": home,
            "communication": [{"language": language, "preferred": True}],
            "generalPractitioner": physician,
            "managingOrganization": ref("Organization", value.clinic_id),
        }
    )


def practitioner_resource(value: PractitionerValue) -> JSON:
    name = compact(
        {
            "use": "official",
            "text": value.full_name,
            "family": value.full_name.rsplit(" ", 1)[-1],
            "given": value.full_name.split(" ")[:-1],
            "suffix": [s.strip() for s in value.title.split(",") if s.strip()],
        }
    )
    qualifications = [
        {
            "identifier": [{"value": q.number}],
            "code": local("credential-kind", q.kind, q.label),
            "period": {"start": day(q.valid_from), "end": day(q.expires_on)},
            "issuer": {"display": q.issuer},
        }
        for q in value.qualifications
    ]
    return compact(
        {
            "resourceType": "Practitioner",
            "id": str(value.id),
            "active": True,
            "name": [name],
            "telecom": telecom(email=value.email, use="work"),
            "qualification": qualifications,
        }
    )


def practitioner_role_resource(value: RoleValue) -> JSON:
    return compact(
        {
            "resourceType": "PractitionerRole",
            "id": value.id,
            "active": True,
            "practitioner": ref("Practitioner", value.therapist_id, value.therapist_name),
            "organization": ref("Organization", value.clinic_id, value.clinic_name),
            "location": [ref("Location", value.clinic_id, value.clinic_name)],
            "code": [concept(NUCC, "225100000X", "Physical Therapist")],
            "healthcareService": [ref("HealthcareService", s.id, s.name) for s in value.services],
        }
    )


def organization_resource(value: ClinicValue) -> JSON:
    return compact(
        {
            "resourceType": "Organization",
            "id": str(value.id),
            "identifier": [{"system": f"{LOCAL}/clinic", "value": value.slug}],
            "active": True,
            "type": [concept(f"{HL7}/organization-type", "prov", "Healthcare Provider")],
            "name": value.name,
            "telecom": telecom(phone=value.phone, use="work"),
            "address": address(value.address),
        }
    )


def hours_of_operation(value: ClinicValue) -> list[JSON]:
    """Opening periods grouped by their times: one entry per (opens, closes), days listed."""
    days: dict[tuple[str, str], list[int]] = defaultdict(list)
    for period in value.hours:
        times = (period.opens.isoformat("seconds"), period.closes.isoformat("seconds"))
        days[times].append(period.weekday)
    return [
        {
            "daysOfWeek": [WEEKDAYS[d] for d in sorted(set(weekdays))],
            "openingTime": opens,
            "closingTime": closes,
        }
        for (opens, closes), weekdays in sorted(days.items(), key=lambda kv: min(kv[1]))
    ]


def location_resource(value: ClinicValue) -> JSON:
    addresses = address(value.address)
    return compact(
        {
            "resourceType": "Location",
            "id": str(value.id),
            "status": "active",
            "name": value.name,
            "mode": "instance",
            "telecom": telecom(phone=value.phone, use="work"),
            "address": addresses[0] if addresses else None,
            "physicalType": concept(f"{HL7}/location-physical-type", "bu", "Building"),
            "managingOrganization": ref("Organization", value.id, value.name),
            "hoursOfOperation": hours_of_operation(value),
            "availabilityExceptions": f"Opening hours are local time ({value.time_zone}).",
        }
    )


def healthcare_service_resource(value: ServiceValue) -> JSON:
    traits = [f"{value.duration_minutes} minutes"]
    if value.needs_certification:
        traits.append("given only by a therapist certified in dry needling, after screening")
    traits.append("bookable online" if value.bookable_online else "booked by the clinic")
    return compact(
        {
            "resourceType": "HealthcareService",
            "id": str(value.id),
            "active": value.active,
            "providedBy": ref("Organization", value.clinic_id),
            "type": [local("appointment-type", value.code, value.name)],
            "location": [ref("Location", value.clinic_id)],
            "name": value.name,
            "comment": "; ".join(traits).capitalize() + ".",
            "characteristic": [text_only(t) for t in traits],
            "appointmentRequired": True,
        }
    )
