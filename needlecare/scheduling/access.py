"""Who may reach an appointment, a waitlist offer, or what can be booked where.

An appointment is its patient's, or its clinic's staff's; a waitlist offer is its patient's
alone. Patients may book at any clinic, but only what is bookable online; staff book at their
own clinics, any active type.
"""

from collections.abc import Iterable

from django.http import Http404

from needlecare.accounts.access import ANY_SIGNED_IN, staff_clinic_ids
from needlecare.accounts.models import User
from needlecare.clinics.access import access_clinic
from needlecare.clinics.models import Clinic, Therapist
from needlecare.clinics.selectors import therapists_at
from needlecare.outbox.links import LinkRefused, link_open
from needlecare.patients.access import access_patient
from needlecare.scheduling.links import WAITLIST_ACCEPT
from needlecare.scheduling.models import Appointment, AppointmentType, WaitlistOffer


def access_appointment(
    user: User, appointment_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN
) -> Appointment:
    """The patient's own appointment, or one at a clinic the staff member works for."""
    row = (
        Appointment.objects.filter(pk=appointment_id).values_list("patient_id", "clinic_id").first()
    )
    if row is None or not user.is_authenticated or user.role not in set(roles):
        raise Http404("No such appointment.")
    patient_id, clinic_id = row
    if user.is_patient:
        try:
            access_patient(user, patient_id)
        except Http404:
            raise Http404("No such appointment.") from None
    elif clinic_id not in staff_clinic_ids(user):
        raise Http404("No such appointment.")
    return Appointment.objects.select_related(
        "clinic", "type", "therapist__user", "room", "patient"
    ).get(pk=appointment_id)


def access_own_waitlist_offer(user: User, offer_id: int) -> WaitlistOffer:
    """One of the signed-in patient's own waitlist offers, else not found (as anyone else's)."""
    offer = (
        WaitlistOffer.objects.filter(pk=offer_id, entry__patient__user=user)
        .select_related("entry__patient", "entry__clinic", "entry__type", "therapist__user")
        .first()
        if user.is_authenticated and user.is_patient
        else None
    )
    if offer is None:
        raise Http404("No such offer.")
    return offer


def access_linked_appointment(purpose: str, token: str) -> Appointment:
    """The appointment a signed link (from a message) is for, else LinkRefused."""
    appointment = (
        Appointment.objects.select_related("clinic", "type", "therapist__user", "patient")
        .filter(pk=link_open(purpose, token))
        .first()
    )
    if appointment is None:
        raise LinkRefused("link.invalid", "This link is not valid any more.")
    return appointment


def access_linked_offer(token: str) -> WaitlistOffer:
    """The waitlist offer a signed link is for, else LinkRefused."""
    offer = (
        WaitlistOffer.objects.select_related(
            "entry__patient", "entry__clinic", "entry__type", "therapist__user"
        )
        .filter(pk=link_open(WAITLIST_ACCEPT, token))
        .first()
    )
    if offer is None:
        raise LinkRefused("link.invalid", "This link is not valid any more.")
    return offer


def access_bookable_type(user: User, slug: str, code: str) -> tuple[Clinic, AppointmentType]:
    """A clinic and one of its active appointment types that this user may book, else not
    found: a patient, at any clinic, what is bookable online; staff, at their own clinics."""
    if user.is_patient:
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            raise Http404("No such clinic.")
    else:
        clinic = access_clinic(user, slug)
    kinds = AppointmentType.objects.filter(clinic=clinic, code=code, is_active=True)
    if user.is_patient:
        kinds = kinds.filter(bookable_online=True)
    kind = kinds.first()
    if kind is None:
        raise Http404("No such appointment type at this clinic.")
    return clinic, kind


def access_clinic_therapist(clinic: Clinic, therapist_id: int) -> Therapist:
    """An active therapist of the clinic, else not found."""
    therapist = therapists_at(clinic).filter(pk=therapist_id).select_related("user").first()
    if therapist is None:
        raise Http404("No such therapist at this clinic.")
    return therapist
