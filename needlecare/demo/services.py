"""demo_load: put the demo practice in the database, adding only what is missing."""

from dataclasses import dataclass, field

from django.db import transaction

from needlecare.accounts.models import User
from needlecare.accounts.services import user_create
from needlecare.charting.selectors import consent_document_current
from needlecare.charting.services import consent_document_publish
from needlecare.clinics import services as clinic_services
from needlecare.clinics.models import Clinic, Credential, Room, StaffMembership, Therapist
from needlecare.common.time import clinic_today
from needlecare.demo import data
from needlecare.patients.models import Patient
from needlecare.patients.services import patient_register_by_staff, patient_register_online
from needlecare.scheduling.models import AppointmentType, WorkingHours
from needlecare.scheduling.services import appointment_type_save, working_hours_set


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _clinics(result: DemoResult) -> dict[str, Clinic]:
    clinics = {}
    for spec in data.CLINICS:
        clinic = Clinic.objects.filter(slug=spec["slug"]).first()
        if clinic is None:
            fields = {k: spec[k] for k in ("slug", "name", "city", "state", "postal_code", "phone")}
            clinic = clinic_services.clinic_save(
                clinic=Clinic(hours_are_demo=True, **fields), by=None, fields=fields
            )
            clinic_services.opening_hours_set(clinic=clinic, hours=spec["hours"], by=None)
            for room in spec["rooms"]:
                clinic_services.room_save(room=Room(clinic=clinic, name=room), by=None)
            result.created.append(f"clinic {clinic.name}")
        clinics[clinic.slug] = clinic
    return clinics


def _user(result: DemoResult, *, email: str, full_name: str, role: str) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = user_create(email=email, password=data.DEMO_PASSWORD, full_name=full_name, role=role)
    result.created.append(f"{role} {email}")
    return user, True


def _staff(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    creds = data.credentials(clinic_today(clinics["stoughton"]))
    for role, email, name, slugs, title in data.STAFF:
        user, _ = _user(result, email=email, full_name=name, role=role)
        result.logins.append((role, email, ", ".join(clinics[s].name for s in slugs)))
        for slug in slugs:
            if not StaffMembership.objects.filter(user=user, clinic=clinics[slug]).exists():
                clinic_services.membership_save(
                    membership=StaffMembership(user=user, clinic=clinics[slug]), by=None
                )
        if title is None:
            continue
        therapist = Therapist.objects.filter(user=user).first() or clinic_services.therapist_save(
            therapist=Therapist(user=user, title=title, bio=data.THERAPIST_BIOS.get(email, "")),
            by=None,
        )
        for spec in creds.get(email, []):
            if not Credential.objects.filter(therapist=therapist, number=spec["number"]).exists():
                clinic_services.credential_save(
                    credential=Credential(therapist=therapist, **spec), by=None, fields=spec
                )


def _patients(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    for email, first, last, dob, phone, slug, doc, online in data.PATIENTS:
        if Patient.objects.filter(email=email).exists():
            if online:
                result.logins.append(("patient", email, clinics[slug].name))
            continue
        details = {
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "phone": phone,
            "city": clinics[slug].city,
            "state": "MA",
            "email": email,
        }
        physician = data.PHYSICIANS.get(doc) if doc else None
        if online:
            patient_register_online(
                email=email,
                password=data.DEMO_PASSWORD,
                details=details,
                clinic=clinics[slug],
                physician=physician,
            )
            result.logins.append(("patient", email, clinics[slug].name))
        else:
            patient_register_by_staff(
                details=details, clinic=clinics[slug], by=None, physician=physician
            )
        result.created.append(f"patient {first} {last}")


def _scheduling(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    for clinic in clinics.values():
        for code, name, minutes, buffer, certified, online in data.APPOINTMENT_TYPES:
            if not AppointmentType.objects.filter(clinic=clinic, code=code).exists():
                kind = AppointmentType(
                    clinic=clinic,
                    code=code,
                    name=name,
                    duration_minutes=minutes,
                    buffer_minutes=buffer,
                    needs_certification=certified,
                    bookable_online=online,
                )
                appointment_type_save(kind=kind, by=None)
                result.created.append(f"appointment type {name} at {clinic.name}")
    for email, by_clinic in data.WORKING_HOURS.items():
        therapist = Therapist.objects.get(user__email=email)
        for slug, hours in by_clinic.items():
            if not WorkingHours.objects.filter(therapist=therapist, clinic=clinics[slug]).exists():
                working_hours_set(therapist=therapist, clinic=clinics[slug], hours=hours, by=None)
                result.created.append(f"hours of {email} at {slug}")


def _consent(result: DemoResult, clinics: dict[str, Clinic]) -> None:
    for clinic in clinics.values():
        if consent_document_current(clinic) is None:
            consent_document_publish(
                clinic=clinic, title=data.CONSENT_TITLE, body=data.CONSENT_BODY, by=None
            )
            result.created.append(f"consent form at {clinic.name}")


def demo_load() -> DemoResult:
    """Load the demo practice; running it again adds nothing and changes nothing."""
    result = DemoResult()
    with transaction.atomic():
        clinics = _clinics(result)
        _staff(result, clinics)
        _patients(result, clinics)
        _scheduling(result, clinics)
        _consent(result, clinics)
    return result
