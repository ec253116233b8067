"""The messages charting queues, in the change's own transaction: aftercare and the next-day
check-in when a session is signed, and alerts to staff about a serious event."""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.charting.models import AdverseEvent, TreatmentSession
from needlecare.common.time import clinic_zone
from needlecare.outbox.services import Occasion, message_queue, messages_queue
from needlecare.patients.selectors import patient_recipients, staff_recipients
from needlecare.scheduling.reminders import later_waking

AFTERCARE = "session.aftercare"
CHECK_IN = "session.check_in"
STAFF_ADVERSE_EVENT = "staff.adverse_event"
STAFF_RED_FLAG = "staff.red_flag"


def notices_signed(session: TreatmentSession) -> None:
    """Aftercare now; the check-in a day on (in waking hours). Both are safety messages."""
    to = tuple(patient_recipients(session.patient, safety=True))
    clinic = session.clinic
    ask_at = (session.signed_at or timezone.now()) + dt.timedelta(hours=clinic.check_in_hours)
    messages_queue(
        [
            Occasion(AFTERCARE, session, to, key=str(session.pk), clinic_id=clinic.pk),
            Occasion(
                CHECK_IN,
                session,
                to,
                key=str(session.pk),
                send_after=later_waking(ask_at, clinic_zone(clinic)),
                clinic_id=clinic.pk,
            ),
        ]
    )


def notices_to_staff(kind: str, *, about: AdverseEvent, users: Iterable[User]) -> None:
    """An alert by email to these members of staff, as well as the in-app notice."""
    message_queue(
        kind=kind,
        about=about,
        to=staff_recipients(users),
        key=str(about.pk),
        clinic_id=about.session.clinic_id,
    )
