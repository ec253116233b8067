"""The waitlist: screened patients wait; a cancelled time goes to the first who fits."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic
from needlecare.clinics.selectors import therapist_can_dry_needle
from needlecare.common.errors import DomainError
from needlecare.common.time import clinic_zone
from needlecare.patients.models import Patient
from needlecare.scheduling import selectors
from needlecare.scheduling.models import (
    Appointment,
    AppointmentType,
    Status,
    WaitlistEntry,
    WaitlistOffer,
)
from needlecare.scheduling.services import _checks, notices
from needlecare.screening.services import NotCleared, screening_gate

OFFER_HOLD = dt.timedelta(hours=4)


def waitlist_join(
    *,
    patient: Patient,
    clinic: Clinic,
    type: AppointmentType,
    first_day: dt.date,
    last_day: dt.date,
    planned_regions: list[str],
    by: User,
) -> WaitlistEntry:
    """Put a screened patient on the waitlist for a type at a clinic over some days."""
    if type.clinic_id != clinic.pk:
        raise DomainError(
            "booking.type_not_offered",
            "That appointment type is not offered at this clinic.",
            field="type",
        )
    if first_day > last_day:
        raise DomainError(
            "waitlist.days_reversed", "The first day must come before the last.", field="last_day"
        )
    if type.needs_certification and not planned_regions:
        raise DomainError(
            "waitlist.no_regions",
            "Dry needling needs a current safety screening that clears the areas to be "
            "treated; please answer the screening questions first.",
            field="planned_regions",
        )
    with transaction.atomic():
        if type.needs_certification:
            screening_gate(patient=patient, regions=planned_regions)
        entry = WaitlistEntry.objects.create(
            patient=patient,
            clinic=clinic,
            type=type,
            first_day=first_day,
            last_day=last_day,
            planned_regions=planned_regions,
        )
        audit_record(actor=by, action="waitlist.joined", target=entry, clinic_ids=[clinic.pk])
    return entry


def _fits(entry: WaitlistEntry, appointment: Appointment) -> bool:
    day = timezone.localtime(appointment.starts_at, clinic_zone(entry.clinic)).date()
    if not entry.first_day <= day <= entry.last_day:
        return False
    if entry.type.needs_certification:
        if not therapist_can_dry_needle(appointment.therapist, on=day):
            return False
        try:
            screening_gate(patient=entry.patient, regions=list(entry.planned_regions))
        except NotCleared:
            return False
    slots = selectors.slots_for(
        clinic=entry.clinic,
        type=entry.type,
        first_day=day,
        last_day=day,
        therapist_ids=[appointment.therapist_id],
        patient=entry.patient,
        not_before=timezone.now(),
    )
    return any(s.start == appointment.starts_at for s in slots)


def waitlist_offer_freed_time(*, appointment: Appointment) -> WaitlistOffer | None:
    """Offer a cancelled appointment's time to the first waiting patient who fits."""
    if appointment.starts_at <= timezone.now():
        return None
    waiting = (
        WaitlistEntry.objects.filter(
            clinic=appointment.clinic_id,
            type=appointment.type_id,
            state=WaitlistEntry.State.WAITING,
        )
        .exclude(patient=appointment.patient_id)
        .select_related("patient", "clinic", "type")
        .order_by("created_at", "id")
    )
    for entry in waiting:
        if not _fits(entry, appointment):
            continue
        offer = WaitlistOffer.objects.create(
            entry=entry,
            therapist=appointment.therapist,
            starts_at=appointment.starts_at,
            expires_at=min(timezone.now() + OFFER_HOLD, appointment.starts_at),
        )
        entry.state = WaitlistEntry.State.OFFERED
        entry.save(update_fields=["state"])
        notices.notices_offered(offer)
        audit_record(
            actor=None,
            action="waitlist.offered",
            target=offer,
            data={"starts_at": appointment.starts_at.isoformat()},
            clinic_ids=[appointment.clinic_id],
        )
        return offer
    return None


def _lock_open(offer: WaitlistOffer) -> None:
    """Re-read the offer's state in this transaction (locking its row on PostgreSQL); an offer
    already taken, declined or expired is refused."""
    offer.state = (
        WaitlistOffer.objects.select_for_update().values_list("state", flat=True).get(pk=offer.pk)
    )
    if offer.state != WaitlistOffer.State.OPEN:
        raise DomainError("waitlist.offer_closed", "This offer is no longer open.")


def waitlist_offer_accept(*, offer: WaitlistOffer, by: User) -> Appointment:
    """Book the offered time through the booking service, if the offer still stands."""
    entry = offer.entry
    if offer.expires_at <= timezone.now():
        # Record the expiry before refusing, so the patient is back on the list.
        with transaction.atomic():
            _lock_open(offer)
            offer.state = WaitlistOffer.State.EXPIRED
            offer.save(update_fields=["state"])
            entry.state = WaitlistEntry.State.WAITING
            entry.save(update_fields=["state"])
            audit_record(
                actor=by, action="waitlist.expired", target=offer, clinic_ids=[entry.clinic_id]
            )
        raise DomainError(
            "waitlist.offer_expired", "This offer has expired; you are still on the waitlist."
        )
    with transaction.atomic():
        _lock_open(offer)
        appointment = _checks.book(
            patient=entry.patient,
            clinic=entry.clinic,
            type=entry.type,
            therapist=offer.therapist,
            starts_at=offer.starts_at,
            planned_regions=list(dict.fromkeys(entry.planned_regions)),
            booked_by=by,
            status=Status.CONFIRMED,
        )
        notices.notices_booked(appointment)
        offer.state = WaitlistOffer.State.ACCEPTED
        offer.appointment = appointment
        offer.save(update_fields=["state", "appointment"])
        entry.state = WaitlistEntry.State.BOOKED
        entry.save(update_fields=["state"])
        audit_record(
            actor=by, action="waitlist.accepted", target=offer, clinic_ids=[entry.clinic_id]
        )
    return appointment


def waitlist_offer_decline(*, offer: WaitlistOffer, by: User) -> None:
    """Turn down an offer and stay on the waitlist."""
    with transaction.atomic():
        _lock_open(offer)
        offer.state = WaitlistOffer.State.DECLINED
        offer.save(update_fields=["state"])
        offer.entry.state = WaitlistEntry.State.WAITING
        offer.entry.save(update_fields=["state"])
        audit_record(
            actor=by, action="waitlist.declined", target=offer, clinic_ids=[offer.entry.clinic_id]
        )
