"""Messages after a session: aftercare, with the warning signs of a pneumothorax after any
needling of the chest or upper back, and the next-day check-in."""

import datetime as dt

from django.utils import timezone

from needlecare.charting.links import CHECK_IN
from needlecare.charting.models import CheckIn, TreatmentSession
from needlecare.charting.services import notices
from needlecare.outbox.channels import Rendered
from needlecare.outbox.links import link_make
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.screening.policy import THORAX
from needlecare.web.mail.layout import Letter, absolute, written

CHECK_IN_OPEN = dt.timedelta(days=7)
EMERGENCY = (
    "Shortness of breath, chest pain or a dry cough after needling of the chest or upper back "
    "can be a sign of a collapsed lung (pneumothorax). It can start hours later.",
    "If that happens, call 911 or go to the nearest emergency department now, and say you had "
    "dry needling.",
)


def _session(message: Message) -> TreatmentSession | None:
    return (
        TreatmentSession.objects.select_related("patient", "clinic", "therapist__user")
        .filter(pk=message.target_id, state=TreatmentSession.State.SIGNED)
        .first()
    )


@renders(notices.AFTERCARE)
def aftercare(message: Message) -> Rendered | None:
    session = _session(message)
    if session is None:
        return None
    clinic = session.clinic
    thorax = bool(THORAX & set(session.regions))
    letter = Letter(
        subject=f"After your visit at {clinic.name} today",
        greeting=f"Hello {session.patient.first_name},",
        warning=EMERGENCY if thorax else (),
        paragraphs=(
            "Thank you for coming in. Here is what to expect after dry needling.",
            "Soreness where the needles went in is common and usually passes within one to two "
            "days. A small bruise or a drop of blood at a needle site is common too.",
            "Keep moving gently, drink water, and use heat or the advice your therapist gave. "
            "Tomorrow we will ask you briefly how you are.",
            f"Call {clinic.name} at {clinic.phone} if soreness gets worse after two days, if a "
            "needle site becomes red, hot or swollen, or if anything worries you.",
        ),
        clinic=clinic,
    )
    return written(letter)


@renders(notices.CHECK_IN)
def check_in(message: Message) -> Rendered | None:
    session = _session(message)
    if session is None or CheckIn.objects.filter(session=session).exists():
        return None
    clinic = session.clinic
    token = link_make(CHECK_IN, session.pk, expires=timezone.now() + CHECK_IN_OPEN)
    letter = Letter(
        subject=f"How are you after your visit at {clinic.name}?",
        greeting=f"Hello {session.patient.first_name},",
        paragraphs=(
            "We would like to know how you are after your dry needling session. It takes a "
            "minute, and your therapist reads every answer.",
            f"If you feel unwell now, call {clinic.name} at {clinic.phone}; in an emergency "
            "call 911.",
        ),
        clinic=clinic,
        actions=(("Tell us how you are", absolute("link-check-in", token)),),
    )
    return written(letter)
