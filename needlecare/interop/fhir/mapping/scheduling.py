"""Scheduling: Schedule, Slot, Appointment. Pure: plain values in, FHIR R4 dictionaries out.

Where needlecare's fields land:

- Schedule (id "{therapist}-{clinic}", a therapist's diary at one clinic): actor the
  Practitioner and the Location; serviceType the appointment types they give there.
- Slot (computed, not stored: id "{therapist}-{clinic}-{type}-{UTC start YYYYMMDDhhmm}"):
  schedule; status "free" (a bookable start from the booking's availability rules) or "busy"
  (an appointment holding the time); start and end as instants; the appointment type ->
  serviceType (needlecare's appointment-type code system).
- Appointment: status through APPOINTMENT_STATUS; starts_at/ends_at -> start/end (instants)
  and minutesDuration; created_at -> created; the type -> serviceType; patient, therapist and
  clinic -> participant (Patient, Practitioner, Location); the room -> description; the
  screening it was booked under -> supportingInformation (RiskAssessment/{screening});
  cancel_reason -> cancelationReason.text, who called it off -> its coding (HL7
  appointment-cancellation-reason "pat" or "prov").
"""

from ..values import AppointmentValue, RoleValue, ServiceRef, SlotValue
from .common import HL7, JSON, compact, instant, local, ref

# needlecare's appointment status -> FHIR R4 AppointmentStatus. A "requested" visit is one the
# patient asked for and the clinic has yet to confirm: "pending" ("some or all of the
# participants have not finalized their acceptance"), not "proposed" (nobody has accepted).
APPOINTMENT_STATUS = {
    "requested": "pending",
    "confirmed": "booked",
    "checked_in": "arrived",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "late_cancelled": "cancelled",
    "no_show": "noshow",
}
CALLED_OFF = ("cancelled", "late_cancelled")
CANCELLED_BY = {"patient": ("pat", "Patient"), "clinic": ("prov", "Provider")}
CANCELLATION = f"{HL7}/appointment-cancellation-reason"


def service_type(service: ServiceRef) -> JSON:
    """An appointment type as a serviceType: the same coding as its HealthcareService.type."""
    return local("appointment-type", service.code, service.name)


def schedule_resource(value: RoleValue) -> JSON:
    return compact(
        {
            "resourceType": "Schedule",
            "id": value.id,
            "active": True,
            "serviceType": [service_type(s) for s in value.services],
            "actor": [
                ref("Practitioner", value.therapist_id, value.therapist_name),
                ref("Location", value.clinic_id, value.clinic_name),
            ],
            "comment": f"{value.therapist_name} at {value.clinic_name}",
        }
    )


def slot_resource(value: SlotValue) -> JSON:
    return {
        "resourceType": "Slot",
        "id": value.id,
        "serviceType": [service_type(value.service)],
        "schedule": ref("Schedule", value.schedule_id),
        "status": "busy" if value.busy else "free",
        "start": instant(value.start),
        "end": instant(value.end),
    }


def appointment_status(status: str) -> str:
    """The FHIR status for a needlecare status; an unknown one is an error, not a guess."""
    return APPOINTMENT_STATUS[status]


def _participant_status(value: AppointmentValue, side: str) -> str:
    """How the patient's side or the clinic's side stands: who has yet to accept, who declined."""
    if value.status == "requested" and side == "clinic":
        return "needs-action"
    if value.status in CALLED_OFF and value.cancelled_by == side:
        return "declined"
    return "accepted"


def _cancellation(value: AppointmentValue) -> JSON | None:
    if value.status not in CALLED_OFF:
        return None
    text = value.cancel_reason or "Cancelled"
    if value.status == "late_cancelled":
        text = f"Late cancellation: {text}"
    reason: JSON = {"text": text}
    if value.cancelled_by in CANCELLED_BY:
        code, display = CANCELLED_BY[value.cancelled_by]
        reason["coding"] = [{"system": CANCELLATION, "code": code, "display": display}]
    return reason


def appointment_resource(value: AppointmentValue) -> JSON:
    minutes = int((value.end - value.start).total_seconds() // 60)
    participants = [
        {
            "actor": ref("Patient", value.patient_id, value.patient_name),
            "required": "required",
            "status": _participant_status(value, "patient"),
        },
        {
            "actor": ref("Practitioner", value.therapist_id, value.therapist_name),
            "required": "required",
            "status": _participant_status(value, "clinic"),
        },
        {
            "actor": ref("Location", value.clinic_id, value.clinic_name),
            "required": "required",
            "status": _participant_status(value, "clinic"),
        },
    ]
    screening = [ref("RiskAssessment", value.screening_id)] if value.screening_id else []
    return compact(
        {
            "resourceType": "Appointment",
            "id": str(value.id),
            "status": appointment_status(value.status),
            "cancelationReason": _cancellation(value),
            "serviceType": [service_type(value.service)],
            "description": f"{value.service.name} at {value.clinic_name}, {value.room_name}",
            "supportingInformation": screening,
            "start": instant(value.start),
            "end": instant(value.end),
            "minutesDuration": minutes,
            "created": instant(value.created),
            "participant": participants,
        }
    )
