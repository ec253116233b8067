"""Clinics, therapists, patients, appointment types and appointments -> plain values."""

from collections.abc import Iterable

from django.db.models import QuerySet

from needlecare.clinics.models import Clinic, Credential, Therapist
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling.availability import Slot
from needlecare.scheduling.models import Appointment, AppointmentType, WorkingHours

from ..values import (
    Address,
    AppointmentValue,
    ClinicValue,
    OpeningPeriod,
    PatientValue,
    PractitionerValue,
    Qualification,
    RoleValue,
    ServiceRef,
    ServiceValue,
    SlotValue,
    bcp47,
)


def _address(row: Patient | Clinic) -> Address:
    return Address(row.street, row.city, row.state, row.postal_code)


def service_ref(type: AppointmentType) -> ServiceRef:
    return ServiceRef(type.pk, type.code, type.name)


# --- people and places -----------------------------------------------------------------------


def patient_value(patient: Patient) -> PatientValue:
    physician = patient.referring_physician
    return PatientValue(
        id=patient.pk,
        first_name=patient.first_name,
        last_name=patient.last_name,
        birth_date=patient.date_of_birth,
        email=patient.email,
        phone=patient.phone,
        address=_address(patient),
        clinic_id=patient.preferred_clinic_id,
        language=bcp47(patient.preferred_language),
        physician_name=physician.name if physician else "",
    )


def patient_rows() -> QuerySet[Patient]:
    return Patient.objects.select_related("referring_physician").order_by("pk")


def practitioner_value(therapist: Therapist) -> PractitionerValue:
    qualifications = tuple(
        Qualification(
            kind=c.kind,
            label=Credential.Kind(c.kind).label,
            issuer=c.issuer,
            number=c.number,
            valid_from=c.valid_from,
            expires_on=c.expires_on,
        )
        for c in therapist.credentials.all()
    )
    return PractitionerValue(
        id=therapist.pk,
        full_name=therapist.user.full_name,
        title=therapist.title,
        email=therapist.user.email,
        qualifications=qualifications,
    )


def therapist_rows() -> QuerySet[Therapist]:
    return Therapist.objects.select_related("user").prefetch_related("credentials").order_by("pk")


def clinic_value(clinic: Clinic) -> ClinicValue:
    return ClinicValue(
        id=clinic.pk,
        name=clinic.name,
        slug=clinic.slug,
        address=_address(clinic),
        phone=clinic.phone,
        time_zone=clinic.time_zone,
        hours=tuple(
            OpeningPeriod(h.weekday, h.opens, h.closes) for h in clinic.opening_hours.all()
        ),
    )


def clinic_rows() -> QuerySet[Clinic]:
    return Clinic.objects.prefetch_related("opening_hours").order_by("pk")


def service_value(type: AppointmentType) -> ServiceValue:
    return ServiceValue(
        id=type.pk,
        clinic_id=type.clinic_id,
        code=type.code,
        name=type.name,
        duration_minutes=type.duration_minutes,
        needs_certification=type.needs_certification,
        bookable_online=type.bookable_online,
        active=type.is_active,
    )


def role_values() -> list[RoleValue]:
    """Every therapist at every clinic they have working hours at (PractitionerRole and
    Schedule), with the clinic's active appointment types."""
    pairs = (
        WorkingHours.objects.values_list("therapist_id", "clinic_id")
        .distinct()
        .order_by("therapist_id", "clinic_id")
    )
    wanted = list(pairs)
    therapists = Therapist.objects.select_related("user").in_bulk({t for t, _ in wanted})
    clinics = Clinic.objects.in_bulk({c for _, c in wanted})
    types: dict[int, list[AppointmentType]] = {}
    for type in AppointmentType.objects.filter(is_active=True).order_by("pk"):
        types.setdefault(type.clinic_id, []).append(type)
    return [role_value(therapists[t], clinics[c], types.get(c, [])) for t, c in wanted]


def role_value(therapist: Therapist, clinic: Clinic, types: Iterable[AppointmentType]) -> RoleValue:
    return RoleValue(
        therapist_id=therapist.pk,
        therapist_name=therapist.user.full_name,
        clinic_id=clinic.pk,
        clinic_name=clinic.name,
        services=tuple(service_ref(t) for t in types),
    )


# --- scheduling --------------------------------------------------------------------------------


def appointment_value(appointment: Appointment) -> AppointmentValue:
    zone = clinic_zone(appointment.clinic)
    return AppointmentValue(
        id=appointment.pk,
        status=appointment.status,
        start=appointment.starts_at.astimezone(zone),
        end=appointment.ends_at.astimezone(zone),
        created=appointment.created_at.astimezone(zone),
        patient_id=appointment.patient_id,
        patient_name=appointment.patient.full_name,
        therapist_id=appointment.therapist_id,
        therapist_name=appointment.therapist.user.full_name,
        clinic_id=appointment.clinic_id,
        clinic_name=appointment.clinic.name,
        service=service_ref(appointment.type),
        room_name=appointment.room.name,
        screening_id=appointment.screening_id,
        cancel_reason=appointment.cancel_reason,
        cancelled_by=appointment.cancelled_by,
    )


def appointment_rows() -> QuerySet[Appointment]:
    return Appointment.objects.select_related(
        "patient", "therapist__user", "clinic", "type", "room"
    ).order_by("pk")


def free_slot_value(slot: Slot, *, clinic: Clinic, type: AppointmentType) -> SlotValue:
    """A bookable start from the booking's availability rules (scheduling.selectors.slots_for),
    in the clinic's local time."""
    zone = clinic_zone(clinic)
    return SlotValue(
        therapist_id=slot.therapist_id,
        clinic_id=clinic.pk,
        service=service_ref(type),
        start=slot.start.astimezone(zone),
        end=slot.end.astimezone(zone),
        busy=False,
    )


def busy_slot_value(appointment: Appointment) -> SlotValue:
    """The time an active appointment holds, in the clinic's local time."""
    zone = clinic_zone(appointment.clinic)
    return SlotValue(
        therapist_id=appointment.therapist_id,
        clinic_id=appointment.clinic_id,
        service=service_ref(appointment.type),
        start=appointment.starts_at.astimezone(zone),
        end=appointment.ends_at.astimezone(zone),
        busy=True,
    )
