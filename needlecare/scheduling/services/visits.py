"""What a patient does about a coming visit, from their messages or their screening: confirm
through the reminder's link that nothing has changed, accept a waitlist offer through its link,
or answer the screening again (and staff hear at once if that changes what can be needled)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.common.errors import DomainError
from needlecare.outbox.links import link_use
from needlecare.outbox.services import message_queue
from needlecare.patients.models import Patient
from needlecare.patients.selectors import staff_recipients
from needlecare.scheduling.links import VISIT_SCREENING, WAITLIST_ACCEPT
from needlecare.scheduling.models import Appointment, Status, WaitlistOffer
from needlecare.scheduling.services.waitlist import waitlist_offer_accept
from needlecare.screening.models import Screening
from needlecare.screening.policy import Intake
from needlecare.screening.services import screening_confirm, screening_gate, screening_record

SCREENING_CHANGED = "staff.screening_changed"
UPCOMING = (Status.REQUESTED, Status.CONFIRMED)


def visit_screening_confirm(*, token: str) -> Appointment:
    """The patient confirms, through their reminder, that nothing has changed for this visit."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_related("patient", "clinic", "type", "therapist__user")
            .filter(pk=link_use(VISIT_SCREENING, token))
            .first()
        )
        if appointment is None or appointment.status not in UPCOMING:
            raise DomainError(
                "visit.not_upcoming",
                "This visit has been moved or cancelled, so nothing was recorded. Your latest "
                "message has the details.",
            )
        cleared = screening_gate(
            patient=appointment.patient, regions=list(appointment.planned_regions)
        )
        screening_confirm(
            screening=cleared.screening, by=None, data={"appointment": appointment.pk}
        )
    return appointment


def waitlist_accept_by_link(*, token: str) -> tuple[WaitlistOffer, Appointment]:
    """Book a waitlist offer from the link in its message (the link is used once)."""
    with transaction.atomic():
        offer = (
            WaitlistOffer.objects.select_related(
                "entry__patient__user", "entry__clinic", "entry__type", "therapist__user"
            )
            .filter(pk=link_use(WAITLIST_ACCEPT, token))
            .first()
        )
        user = offer.entry.patient.user if offer else None
        if offer is None or user is None:
            raise DomainError("waitlist.offer_closed", "This offer is no longer open.")
        return offer, waitlist_offer_accept(offer=offer, by=user)


def _upcoming_needling(patient: Patient) -> Iterable[Appointment]:
    return Appointment.objects.filter(
        patient=patient,
        status__in=UPCOMING,
        starts_at__gt=timezone.now(),
        type__needs_certification=True,
    ).select_related("clinic", "therapist__user")


def screening_record_for_visits(
    *,
    patient: Patient,
    intake: Intake,
    by: User,
    indications: Iterable[str] = (),
    details: dict[str, bool] | None = None,
) -> Screening:
    """Store a patient's answers; if they no longer clear a coming visit's planned areas, its
    therapist and the clinic's front desk are told at once (in the same transaction)."""
    with transaction.atomic():
        screening = screening_record(
            patient=patient, intake=intake, by=by, indications=indications, details=details
        )
        for appointment in _upcoming_needling(patient):
            planned = list(appointment.planned_regions)
            if all(screening.decision.clears(region) for region in planned):
                continue
            desk = User.objects.filter(
                role=Role.FRONT_DESK, is_active=True, memberships__clinic=appointment.clinic
            )
            message_queue(
                kind=SCREENING_CHANGED,
                about=appointment,
                to=staff_recipients([appointment.therapist.user, *desk]),
                key=f"{appointment.pk}:{screening.pk}",
                clinic_id=appointment.clinic_id,
                context={"screening": screening.pk},
            )
    return screening
