"""Registering and changing patients; every write is audited with the clinic it belongs to."""

import datetime as dt
from typing import Any

from django.db import transaction

from needlecare.accounts.models import Role, User
from needlecare.accounts.services import user_create
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic
from needlecare.common.errors import DomainError, validate
from needlecare.common.time import clinic_today
from needlecare.patients.models import Patient, Physician

PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "street",
    "city",
    "state",
    "postal_code",
)


def _check_details(details: dict[str, Any], *, clinic: Clinic) -> None:
    dob = details.get("date_of_birth")
    if not isinstance(dob, dt.date):
        raise DomainError("patient.no_birth_date", "Enter a date of birth.", field="date_of_birth")
    today = clinic_today(clinic)
    if dob > today:
        raise DomainError(
            "patient.born_in_future",
            "A date of birth cannot be in the future.",
            field="date_of_birth",
        )
    if dob.year < today.year - 120:
        raise DomainError("patient.birth_year", "Check the year of birth.", field="date_of_birth")
    for name in ("first_name", "last_name", "phone"):
        if not str(details.get(name) or "").strip():
            raise DomainError("patient.required", "This field is required.", field=name)


def _physician(physician: dict[str, str] | None) -> Physician | None:
    if not physician or not (physician.get("name") or "").strip():
        return None
    record = Physician(**{k: (v or "").strip() for k, v in physician.items()})
    validate(record)
    record.save()
    return record


def _create(
    *,
    details: dict[str, Any],
    clinic: Clinic,
    physician: dict[str, str] | None,
    user: User | None,
    by: User | None,
) -> Patient:
    email = (details.get("email") or "").strip().lower()
    if email and Patient.objects.filter(email__iexact=email).exists():
        raise DomainError(
            "patient.email_taken", "A patient with this email is already registered.", field="email"
        )
    patient = Patient(
        **{k: details.get(k) or "" for k in PATIENT_FIELDS if k != "date_of_birth"},
        date_of_birth=details["date_of_birth"],
        preferred_clinic=clinic,
        user=user,
    )
    patient.email = email
    patient.referring_physician = _physician(physician)
    validate(patient)
    patient.save()
    audit_record(
        actor=by,
        action="patient.registered",
        target=patient,
        data={"clinic": clinic.slug, "online": user is not None and by == user},
        clinic_ids=patient.clinic_ids(),
    )
    return patient


def patient_register_online(
    *,
    email: str,
    password: str,
    details: dict[str, Any],
    clinic: Clinic,
    physician: dict[str, str] | None = None,
) -> Patient:
    """A patient signs up: their account and their record are created together or not at all."""
    details = {**details, "email": email}
    _check_details(details, clinic=clinic)
    full_name = f"{details['first_name'].strip()} {details['last_name'].strip()}"
    with transaction.atomic():
        user = user_create(email=email, password=password, full_name=full_name, role=Role.PATIENT)
        return _create(details=details, clinic=clinic, physician=physician, user=user, by=user)


def patient_register_by_staff(
    *,
    details: dict[str, Any],
    clinic: Clinic,
    by: User | None,
    physician: dict[str, str] | None = None,
) -> Patient:
    """The front desk registers a patient who has no online account yet."""
    _check_details(details, clinic=clinic)
    with transaction.atomic():
        return _create(details=details, clinic=clinic, physician=physician, user=None, by=by)


def patient_record_viewed(*, patient: Patient, by: User, what: str = "record") -> None:
    """Staff reads of a patient's record leave a trace."""
    if by.role == Role.PATIENT:
        return
    with transaction.atomic():
        audit_record(
            actor=by,
            action="patient.viewed",
            target=patient,
            data={"what": what},
            clinic_ids=patient.clinic_ids(),
        )


def patient_message_preferences_set(
    *, patient: Patient, by_email: bool, by_sms: bool, reminders: bool, by: User
) -> Patient:
    """How the patient wants to hear from the clinic; safety messages go out whatever they
    choose."""
    if by_email and not patient.email:
        raise DomainError(
            "patient.no_email",
            "There is no email address on your record; ask the clinic to add one.",
            field="by_email",
        )
    with transaction.atomic():
        patient.messages_by_email, patient.messages_by_sms = by_email, by_sms
        patient.reminders_wanted = reminders
        patient.save(update_fields=["messages_by_email", "messages_by_sms", "reminders_wanted"])
        audit_record(
            actor=by,
            action="patient.message_preferences_set",
            target=patient,
            data={"email": by_email, "sms": by_sms, "reminders": reminders},
            clinic_ids=patient.clinic_ids(),
        )
    return patient
