"""Scheduling's writes: booking, moving, cancelling and attendance (`booking`), courses of care
(`series`), the waitlist (`waitlist`) and what can be booked (`setup`); the checks they share
are in `_checks`."""

from needlecare.scheduling.series_reads import VisitChange
from needlecare.scheduling.services.booking import (
    TRANSITION_ROLES,
    TRANSITIONS,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_transition,
)
from needlecare.scheduling.services.series import (
    appointment_series_book,
    appointment_series_cancel_rest,
)
from needlecare.scheduling.services.setup import (
    appointment_type_save,
    time_off_save,
    working_hours_save,
    working_hours_set,
)
from needlecare.scheduling.services.visits import (
    screening_record_for_visits,
    visit_screening_confirm,
    waitlist_accept_by_link,
)
from needlecare.scheduling.services.waitlist import (
    waitlist_join,
    waitlist_offer_accept,
    waitlist_offer_decline,
    waitlist_offer_freed_time,
)

__all__ = [
    "TRANSITIONS",
    "TRANSITION_ROLES",
    "VisitChange",
    "appointment_book",
    "appointment_cancel",
    "appointment_reschedule",
    "appointment_series_book",
    "appointment_series_cancel_rest",
    "appointment_transition",
    "appointment_type_save",
    "screening_record_for_visits",
    "visit_screening_confirm",
    "waitlist_accept_by_link",
    "time_off_save",
    "waitlist_join",
    "waitlist_offer_accept",
    "waitlist_offer_decline",
    "waitlist_offer_freed_time",
    "working_hours_save",
    "working_hours_set",
]
