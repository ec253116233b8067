"""The scheduling services' fixed refusals that patients see on the booking and appointments
pages, shown in the page's language.

The services refuse in English (`DomainError.message`, also read by the API and staff pages);
the pages translate a refusal when it is one of the fixed sentences listed here, and show any
other (one with a name, a time or a number in it) as the service wrote it. The codes never
change: only the words shown do.
"""

from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import gettext, gettext_noop

from needlecare.common.errors import DomainError

T = TypeVar("T")

FIXED = frozenset(
    {
        gettext_noop("That time has just been taken; please choose another."),
        gettext_noop("That appointment type is not offered at this clinic."),
        gettext_noop("The first day must come before the last."),
        gettext_noop(
            "Dry needling needs a current safety screening that clears the areas to be "
            "treated; please answer the screening questions first."
        ),
        gettext_noop("This offer is no longer open."),
        gettext_noop("This offer has expired; you are still on the waitlist."),
        gettext_noop("Give a reason for the cancellation."),
        gettext_noop("This patient's account is closed."),
    }
)


def patient_words(message: str) -> str:
    """A service's refusal in the page's language, when it is one of the fixed sentences."""
    return gettext(message) if message in FIXED else message


def worded(write: Callable[[], T]) -> Callable[[], T]:
    """`write`, with a refusal's words in the page's language (its code unchanged)."""

    def run() -> T:
        try:
            return write()
        except DomainError as exc:
            exc.message = patient_words(exc.message)
            raise

    return run
