"""English words made outside the templates that patients' pages show, listed for translation.

The models' choice labels and the fixed refusals of the services stay English where they are
made (staff pages, the API, audit and letters use them as they are); a patient's page passes
them through `gettext` (or `{% translate %}`) when it shows them, and these lists let
makemessages find them. A word not listed here is shown as it is.
"""

from django.utils.translation import gettext, gettext_noop

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


def patient_words(english: str) -> str:
    """`english` in the active language when the catalogue has it; else as it is."""
    return gettext(english) if english else english
