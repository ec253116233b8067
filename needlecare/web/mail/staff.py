"""Messages to staff: serious adverse events and red-flag check-ins (by email as well as in the
app), a patient's new screening that no longer clears a coming visit, and the weekly digest of
credentials running out."""

import datetime as dt

from django.db import transaction

from needlecare.charting.models import AdverseEvent
from needlecare.charting.services import notices as charting_notices
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import clinic_admins, credentials_expiring
from needlecare.common.time import clinic_zone
from needlecare.outbox.channels import Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import every_poll, renders
from needlecare.outbox.services import message_queue
from needlecare.patients.selectors import staff_recipients
from needlecare.scheduling.models import Appointment
from needlecare.scheduling.services.visits import SCREENING_CHANGED
from needlecare.web.mail.layout import Letter, absolute, when, written

CREDENTIALS_DIGEST = "staff.credentials_digest"
DIGEST_DAYS = 60
DIGEST_AT = dt.time(8, 0)  # Mondays, clinic time


def _event(message: Message) -> AdverseEvent | None:
    return (
        AdverseEvent.objects.select_related(
            "session__patient", "session__clinic", "session__therapist__user"
        )
        .filter(pk=message.target_id)
        .first()
    )


@renders(charting_notices.STAFF_ADVERSE_EVENT)
def adverse_event(message: Message) -> Rendered | None:
    event = _event(message)
    if event is None:
        return None
    session = event.session
    letter = Letter(
        subject=f"Serious adverse event at {session.clinic.name}",
        greeting="Hello,",
        paragraphs=(
            f"A serious adverse event ({event.get_category_display().lower()}) was recorded "
            f"after a session with {session.therapist.user.full_name} at {session.clinic.name}.",
            "Open the treatment record for the details and the follow-up.",
        ),
        clinic=session.clinic,
        actions=(("Open the treatment record", absolute("staff-session", session.pk)),),
    )
    return written(letter)


@renders(charting_notices.STAFF_RED_FLAG)
def red_flag(message: Message) -> Rendered | None:
    event = _event(message)
    if event is None:
        return None
    session = event.session
    letter = Letter(
        subject=f"Urgent: a patient's check-in needs a call ({session.clinic.name})",
        greeting="Hello,",
        paragraphs=(
            f"{session.patient.full_name} reported shortness of breath or chest pain in their "
            f"check-in the day after dry needling with {session.therapist.user.full_name}.",
            "They were shown emergency instructions. Please call them now: "
            f"{session.patient.phone}.",
        ),
        clinic=session.clinic,
        actions=(("Open the treatment record", absolute("staff-session", session.pk)),),
    )
    return written(letter)


@renders(SCREENING_CHANGED)
def screening_changed(message: Message) -> Rendered | None:
    appointment = (
        Appointment.objects.select_related("patient", "clinic", "therapist__user")
        .filter(pk=message.target_id)
        .first()
    )
    if appointment is None:
        return None
    clinic = appointment.clinic
    letter = Letter(
        subject=f"Screening changed before a visit on {when(appointment.starts_at, clinic)}",
        greeting="Hello,",
        paragraphs=(
            f"{appointment.patient.full_name} answered the safety screening again, and it no "
            f"longer clears all the areas planned for their visit with "
            f"{appointment.therapist.user.full_name} on {when(appointment.starts_at, clinic)}.",
            "Please look at the appointment before the visit: it may need a physician's "
            "clearance, other areas, or another kind of treatment.",
        ),
        clinic=clinic,
        actions=(("Open the appointment", absolute("staff-appointment", appointment.pk)),),
    )
    return written(letter)


@renders(CREDENTIALS_DIGEST)
def credentials_digest(message: Message) -> Rendered | None:
    clinic = Clinic.objects.filter(pk=message.target_id).first()
    if clinic is None:
        return None
    on = dt.date.fromisoformat(message.context["on"])
    expiring = credentials_expiring(clinic, on=on, within_days=DIGEST_DAYS)
    if not expiring:
        return None
    lines = tuple(
        f"{c.therapist.user.full_name}: {c.get_kind_display()} {c.number} runs out on "
        f"{c.expires_on:%B} {c.expires_on.day}, {c.expires_on.year}."
        for c in expiring
    )
    letter = Letter(
        subject=f"Credentials running out at {clinic.name}",
        greeting="Hello,",
        paragraphs=(
            f"These credentials run out within {DIGEST_DAYS} days. A therapist whose dry "
            "needling certification or licence has run out cannot be booked for dry needling.",
            *lines,
        ),
        clinic=clinic,
        actions=(("See the clinic's therapists", absolute("staff-clinic", clinic.slug)),),
    )
    return written(letter)


@every_poll
def queue_credential_digests(now: dt.datetime) -> None:
    """Once a week (from Monday 08:00, clinic time), each clinic's admins get the digest."""
    for clinic in Clinic.objects.all():
        local = now.astimezone(clinic_zone(clinic))
        monday = local.date() - dt.timedelta(days=local.weekday())
        if local.weekday() == 0 and local.time() < DIGEST_AT:
            continue
        if not credentials_expiring(clinic, on=local.date(), within_days=DIGEST_DAYS):
            continue
        year, week, _ = monday.isocalendar()
        with transaction.atomic():
            message_queue(
                kind=CREDENTIALS_DIGEST,
                about=clinic,
                to=staff_recipients(clinic_admins(clinic)),
                key=f"{clinic.pk}:{year}-W{week:02d}",
                clinic_id=clinic.pk,
                context={"on": local.date().isoformat()},
            )
