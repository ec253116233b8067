"""What needlecare's messages say: a renderer per kind of message, found by the outbox when it
is ready (`autodiscover_modules("mail")`). Each renders the record as it is when the message
goes out, through one text and one HTML layout (`layout`)."""

from needlecare.charting.services import notices as charting
from needlecare.scheduling.services import notices as scheduling
from needlecare.scheduling.services.visits import SCREENING_CHANGED
from needlecare.web.mail import (
    accounts,
    appointments,
    care,
    courses,
    invitations,
    patients,
    staff,
)

__all__ = [
    "KIND_LABELS",
    "accounts",
    "appointments",
    "care",
    "courses",
    "invitations",
    "patients",
    "staff",
]

# How staff pages name each kind of message.
KIND_LABELS = {
    scheduling.BOOKED: "Booking confirmation",
    scheduling.CONFIRMED: "Request confirmed",
    scheduling.MOVED: "Appointment moved",
    scheduling.CANCELLED: "Cancellation",
    scheduling.REMINDER: "Reminder",
    scheduling.OFFERED: "Waitlist offer",
    charting.AFTERCARE: "Aftercare",
    charting.CHECK_IN: "Next-day check-in",
    charting.STAFF_ADVERSE_EVENT: "Serious adverse event alert",
    charting.STAFF_RED_FLAG: "Red-flag check-in alert",
    SCREENING_CHANGED: "Screening changed alert",
    staff.CREDENTIALS_DIGEST: "Credentials digest",
    accounts.PASSWORD_RESET: "Password reset",
    **accounts.LABELS,
    **courses.LABELS,
    **invitations.LABELS,
    **patients.LABELS,
}
