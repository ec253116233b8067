"""English words made outside the templates that patients' pages show, listed for translation.

The models' choice labels and the fixed refusals of the services stay English where they are
made (staff pages, the API, audit and letters use them as they are); a patient's page passes
them through `patient_words` (or `{% translate %}`) when it shows them, and these lists let
makemessages find them. A refusal not listed here (one with a name, a time or a number in it)
is shown as the service wrote it. The codes never change: only the words shown do.
"""

from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import gettext, gettext_noop

from needlecare.common.errors import DomainError

T = TypeVar("T")

# Appointment statuses (scheduling.models.Status) and waitlist states, as their labels read.
STATUS_LABELS = [
    gettext_noop("Requested"),
    gettext_noop("Confirmed"),
    gettext_noop("Checked in"),
    gettext_noop("Completed"),
    gettext_noop("Cancelled"),
    gettext_noop("Late cancellation"),
    gettext_noop("No-show"),
    gettext_noop("Waiting"),
    gettext_noop("Offered a time"),
    gettext_noop("Booked"),
    gettext_noop("Withdrawn"),
]

# Fixed refusals of the pages that links in messages open (outbox.links, the link access
# checks, and the services those pages call).
LINK_REFUSALS = [
    gettext_noop("This link is not valid any more."),
    gettext_noop("This link is not valid. Use the link from your message as it is."),
    gettext_noop("This link has expired."),
    gettext_noop("This link has already been used."),
    gettext_noop("This check-in has already been sent. Thank you."),
    gettext_noop(
        "This visit has been moved or cancelled, so nothing was recorded. Your latest "
        "message has the details."
    ),
    gettext_noop("This offer is no longer open."),
    gettext_noop("This offer has expired; you are still on the waitlist."),
]

# Fixed refusals of the scheduling services on the booking and appointments pages.
BOOKING_REFUSALS = [
    gettext_noop("That time has just been taken; please choose another."),
    gettext_noop("That appointment type is not offered at this clinic."),
    gettext_noop("The first day must come before the last."),
    gettext_noop(
        "Dry needling needs a current safety screening that clears the areas to be "
        "treated; please answer the screening questions first."
    ),
    gettext_noop("Give a reason for the cancellation."),
    gettext_noop("This patient's account is closed."),
]
REFUSALS = frozenset(LINK_REFUSALS + BOOKING_REFUSALS)


def patient_words(message: str) -> str:
    """A service's refusal in the page's language, when it is one of the fixed sentences."""
    return gettext(message) if message in REFUSALS else message


def worded(write: Callable[[], T]) -> Callable[[], T]:
    """`write`, with a refusal's words in the page's language (its code unchanged)."""

    def run() -> T:
        try:
            return write()
        except DomainError as exc:
            exc.message = patient_words(exc.message)
            raise

    return run
