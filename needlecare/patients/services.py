"""Registering and changing patients; every write is audited with the clinic it belongs to."""

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.accounts.services import user_create
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic
from needlecare.common.errors import DomainError, NotAllowed, validate
from needlecare.common.time import clinic_today
from needlecare.outbox.models import Channel
from needlecare.outbox.services import Recipient, message_queue
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
# Staff also set the language the patient reads the clinic in.
STAFF_FIELDS = (*PATIENT_FIELDS, "preferred_language")


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


def patient_language_set(*, patient: Patient, language: str, by: User) -> Patient:
    """The language the patient reads the clinic in (pages, messages, letters)."""
    choices = dict(Patient._meta.get_field("preferred_language").choices or [])
    if language not in choices:
        raise DomainError(
            "patient.language", "Choose English, Spanish or Portuguese.", field="language"
        )
    if language == patient.preferred_language:
        return patient
    with transaction.atomic():
        patient.preferred_language = language
        patient.save(update_fields=["preferred_language"])
        audit_record(
            actor=by,
            action="patient.language_set",
            target=patient,
            data={"language": language},
            clinic_ids=patient.clinic_ids(),
        )
    return patient


# What a patient may change of their own record; staff change every field of PATIENT_FIELDS.
CONTACT_FIELDS = ("email", "phone", "street", "city", "state", "postal_code")


def _cleaned(name: str, value: Any) -> Any:
    if name == "date_of_birth":
        return value
    text = str(value or "").strip()
    return text.lower() if name == "email" else text.upper() if name == "state" else text


def patient_update(
    *, patient: Patient, fields: Iterable[str], data: Mapping[str, Any], by: User
) -> Patient:
    """Change the named details of a patient's record with registration's checks: staff any of
    them, the patient their contact details; audited when something changed."""
    fields = list(dict.fromkeys(fields))
    if by.role == Role.PATIENT and patient.user_id != by.pk:
        raise NotAllowed("patient.not_yours", "You can change only your own details.")
    editable = CONTACT_FIELDS if by.role == Role.PATIENT else STAFF_FIELDS
    for name in fields:
        if name not in editable:
            raise DomainError(
                "patient.not_editable",
                f"{name.replace('_', ' ')} cannot be changed here.",
                field=name,
            )
    details = {name: getattr(patient, name) for name in STAFF_FIELDS}
    details.update({name: _cleaned(name, data.get(name)) for name in fields})
    _check_details(details, clinic=patient.preferred_clinic)
    changed = [name for name in fields if details[name] != getattr(patient, name)]
    if not changed:
        return patient
    candidate = copy.copy(patient)
    for name in changed:
        setattr(candidate, name, details[name])
    with transaction.atomic():
        email = details["email"]
        if "email" in changed and email and _email_taken(email, but=patient):
            raise DomainError(
                "patient.email_taken",
                "Another patient's record has this email address.",
                field="email",
            )
        validate(candidate)
        candidate.save(update_fields=changed)
        audit_record(
            actor=by,
            action="patient.updated",
            target=patient,
            data={"fields": changed, "by_patient": by.role == Role.PATIENT},
            clinic_ids=patient.clinic_ids(),
        )
    for name in changed:
        setattr(patient, name, details[name])
    return patient


def _email_taken(email: str, *, but: Patient) -> bool:
    return Patient.objects.filter(email__iexact=email).exclude(pk=but.pk).exists()


PATIENT_INVITATION = "account.patient_invitation"


def patient_invite(*, patient: Patient, by: User) -> User:
    """Give a patient registered at the desk an online account: one with no password yet, and
    an email whose link chooses one (it works once). A patient invited before who has not
    chosen a password is sent a new email, at the address now on their record."""
    user = patient.user
    if user is not None and (user.has_usable_password() or user.last_login is not None):
        raise DomainError("patient.has_account", f"{patient.full_name} already has an account.")
    email = patient.email.strip().lower()
    if not email:
        raise DomainError(
            "patient.no_email",
            "Add the patient's email address first: the invitation goes there.",
            field="email",
        )
    again = user is not None
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exclude(patient=patient).exists():
            raise DomainError(
                "account.email_taken",
                "An account with this email address already exists.",
                field="email",
            )
        if user is None:
            # No password: the link in the invitation chooses the first one.
            user = User.objects.create_user(
                email, None, full_name=patient.full_name, role=Role.PATIENT
            )
            audit_record(actor=by, action="user.created", target=user, data={"role": user.role})
            patient.user = user
            patient.save(update_fields=["user"])
        elif user.email != email:
            user.email = email
            user.save(update_fields=["email"])
        audit_record(
            actor=by,
            action="patient.invited",
            target=patient,
            data={"again": again},
            clinic_ids=patient.clinic_ids(),
        )
        message_queue(
            kind=PATIENT_INVITATION,
            about=user,
            to=[Recipient(Channel.EMAIL, email, patient_id=patient.pk, user_id=user.pk)],
            key=f"{user.pk}:{timezone.now().isoformat()}",
            clinic_id=patient.preferred_clinic_id,
        )
    return user
