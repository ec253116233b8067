"""Messages after a session: aftercare, with the warning signs of a pneumothorax after any
needling of the chest or upper back, and the next-day check-in."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from needlecare.charting.links import CHECK_IN
from needlecare.charting.models import CheckIn, TreatmentSession
from needlecare.charting.services import notices
from needlecare.outbox.channels import Rendered
from needlecare.outbox.links import link_make
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.screening.policy import THORAX
from needlecare.web.mail.layout import Letter, absolute, in_language, written

CHECK_IN_OPEN = dt.timedelta(days=7)
EMERGENCY = (
    gettext_lazy(
        "Shortness of breath, chest pain or a dry cough after needling of the chest or upper "
        "back can be a sign of a collapsed lung (pneumothorax). It can start hours later."
    ),
    gettext_lazy(
        "If that happens, call 911 or go to the nearest emergency department now, and say you "
        "had dry needling."
    ),
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
    with in_language(session.patient):
        letter = Letter(
            subject=gettext("After your visit at %(clinic)s today") % {"clinic": clinic.name},
            greeting=gettext("Hello %(name)s,") % {"name": session.patient.first_name},
            warning=tuple(str(line) for line in EMERGENCY) if thorax else (),
            paragraphs=(
                gettext("Thank you for coming in. Here is what to expect after dry needling."),
                gettext(
                    "Soreness where the needles went in is common and usually passes within one "
                    "to two days. A small bruise or a drop of blood at a needle site is common too."
                ),
                gettext(
                    "Keep moving gently, drink water, and use heat or the advice your therapist "
                    "gave. Tomorrow we will ask you briefly how you are."
                ),
                gettext(
                    "Call %(clinic)s at %(phone)s if soreness gets worse after two days, if a "
                    "needle site becomes red, hot or swollen, or if anything worries you."
                )
                % {"clinic": clinic.name, "phone": clinic.phone},
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
    with in_language(session.patient):
        letter = Letter(
            subject=gettext("How are you after your visit at %(clinic)s?")
            % {"clinic": clinic.name},
            greeting=gettext("Hello %(name)s,") % {"name": session.patient.first_name},
            paragraphs=(
                gettext(
                    "We would like to know how you are after your dry needling session. It "
                    "takes a minute, and your therapist reads every answer."
                ),
                gettext(
                    "If you feel unwell now, call %(clinic)s at %(phone)s; in an emergency call "
                    "911."
                )
                % {"clinic": clinic.name, "phone": clinic.phone},
            ),
            clinic=clinic,
            actions=((gettext("Tell us how you are"), absolute("link-check-in", token)),),
        )
        return written(letter)
