"""What the booking pages say about a new booking, with the attendance rule that made it a
request (`scheduling.attendance`: the clinic's no-show setting)."""

from django.utils import timezone

from needlecare.common.time import clinic_zone
from needlecare.scheduling.attendance import online_bookings_are_requests
from needlecare.scheduling.models import Appointment, Status


def booked_words(appointment: Appointment, *, staff: bool) -> str:
    """What was booked; for a patient's request, also why it waits for the clinic."""
    clinic = appointment.clinic
    start = timezone.localtime(appointment.starts_at, clinic_zone(clinic))
    what = (
        f"{appointment.type.name.lower()} with {appointment.therapist.user.full_name} at "
        f"{clinic.name} on {start:%A, %B %-d at %-I:%M %p}"
    )
    if staff:
        return f"{appointment.patient.full_name} is booked for {what}."
    if appointment.status != Status.REQUESTED:
        return f"You are booked for {what}."
    rule = online_bookings_are_requests(appointment.patient, clinic)
    why = rule.reason if rule is not None else f"{clinic.name} will confirm it shortly."
    return f"Your request for {what} is with {clinic.name}. {why}"
