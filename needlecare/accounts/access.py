"""Who may touch what.

Every page declares its audience with @public or @allow(...); DenyByDefaultMiddleware refuses
any page that declares nothing. Object access goes through one access_* helper per protected
object, shared by pages and the API; each raises the same Http404 for "missing" and
"forbidden", so a refusal reveals nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model
from django.http import Http404, HttpRequest

from needlecare.accounts.models import STAFF_ROLES, Role, User
from needlecare.charting.models import Consent, TreatmentSession
from needlecare.clinics.models import Clinic, Therapist
from needlecare.patients.models import Patient
from needlecare.reports.models import Letter
from needlecare.scheduling.models import Appointment, WaitlistOffer
from needlecare.screening.models import PhysicianClearance, Screening

V = TypeVar("V", bound=Callable[..., Any])

ATTRIBUTE = "needlecare_access"


@dataclass(frozen=True)
class Access:
    public: bool = False
    roles: frozenset[str] = frozenset()

    def admits(self, user: Any) -> bool:
        if self.public:
            return True
        return bool(user.is_authenticated and user.is_active and user.role in self.roles)


def public(view: V) -> V:
    """Declare a page open to everyone, signed in or not."""
    setattr(view, ATTRIBUTE, Access(public=True))
    return view


def allow(*roles: str) -> Callable[[V], V]:
    """Declare the roles that may use a page; the middleware enforces it."""
    if not roles:
        raise ValueError("allow() needs at least one role; use @public for open pages")
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view: V) -> V:
        setattr(view, ATTRIBUTE, Access(roles=frozenset(roles)))
        return view

    return decorate


class AuthedRequest(HttpRequest):
    """A request that the deny-by-default middleware has let through to a signed-in page."""

    user: User


STAFF = tuple(sorted(STAFF_ROLES))
ANY_SIGNED_IN = tuple(Role.values)


def declared_access(view: Callable[..., Any]) -> Access | None:
    return getattr(view, ATTRIBUTE, None)


# --- Object access ----------------------------------------------------------------------------


def staff_clinic_ids(user: User) -> set[int]:
    """The clinics a member of staff works for; empty for anyone else."""
    if not (user.is_authenticated and user.is_clinic_staff):
        return set()
    cached: set[int] | None = getattr(user, "_clinic_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("clinic_id", flat=True))
        user._clinic_ids = cached  # type: ignore[attr-defined]
    return cached


def access_clinic(user: User, slug: str, *, roles: Iterable[str] = STAFF) -> Clinic:
    """A clinic the user works for in one of these roles, else not found."""
    if user.role not in set(roles):
        raise Http404("No such clinic.")
    try:
        clinic = Clinic.objects.get(slug=slug)
    except Clinic.DoesNotExist:
        raise Http404("No such clinic.") from None
    if clinic.pk not in staff_clinic_ids(user):
        raise Http404("No such clinic.")
    return clinic


def access_patient(user: User, patient_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN) -> Patient:
    """The patient themself, or staff of the patient's clinic (in one of roles), else not found."""
    if not user.is_authenticated or user.role not in set(roles):
        raise Http404("No such patient.")
    try:
        patient = Patient.objects.select_related("preferred_clinic", "referring_physician").get(
            pk=patient_id
        )
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise Http404("No such patient.") from None
    if user.is_patient:
        if patient.user_id != user.pk:
            raise Http404("No such patient.")
        return patient
    if not staff_clinic_ids(user) & set(patient.clinic_ids()):
        raise Http404("No such patient.")
    return patient


def access_own_patient(user: User) -> Patient:
    """The signed-in patient's own record, else not found."""
    own = (
        Patient.objects.filter(user=user).values_list("pk", flat=True).first()
        if user.is_authenticated
        else None
    )
    if own is None:
        raise Http404("No patient record is linked to this account.")
    return access_patient(user, own)


def access_therapist(user: User, therapist_id: int) -> Therapist:
    """A therapist who works at one of the user's clinics, else not found."""
    try:
        therapist = Therapist.objects.select_related("user").get(pk=therapist_id)
    except (Therapist.DoesNotExist, ValueError, TypeError):
        raise Http404("No such therapist.") from None
    theirs = set(therapist.user.memberships.values_list("clinic_id", flat=True))
    if not staff_clinic_ids(user) & theirs:
        raise Http404("No such therapist.")
    return therapist


M = TypeVar("M", bound=Model)


def access_patient_record(
    user: User,
    model: type[M],
    pk: int,
    *,
    roles: Iterable[str] = ANY_SIGNED_IN,
    related: Iterable[str] = (),
) -> M:
    """A record belonging to a patient the user may see (access_patient's rules), else the
    same not found whether it is missing or someone else's."""
    what = model._meta.verbose_name
    patient_id = model._default_manager.filter(pk=pk).values_list("patient_id", flat=True).first()
    if patient_id is None:
        raise Http404(f"No such {what}.")
    try:
        access_patient(user, patient_id, roles=roles)
    except Http404:
        raise Http404(f"No such {what}.") from None
    return model._default_manager.select_related(*related).get(pk=pk)


def access_screening(
    user: User, screening_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN
) -> Screening:
    """A screening of a patient the user may see."""
    return access_patient_record(
        user,
        Screening,
        screening_id,
        roles=roles,
        related=("patient", "clinic", "entered_by", "policy"),
    )


def access_clearance(user: User, clearance_id: int) -> PhysicianClearance:
    """A clearance of a patient at one of the user's clinics (staff only)."""
    return access_patient_record(user, PhysicianClearance, clearance_id, roles=STAFF)


def access_consent(user: User, consent_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN) -> Consent:
    """A signed consent of a patient the user may see."""
    return access_patient_record(
        user,
        Consent,
        consent_id,
        roles=roles,
        related=(
            "document__clinic",
            "patient",
            "recorded_by",
            "witnessed_by",
            "countersigned_by__user",
        ),
    )


def access_letter(user: User, letter_id: int, *, roles: Iterable[str] = ANY_SIGNED_IN) -> Letter:
    """A letter about a patient the user may see."""
    return access_patient_record(user, Letter, letter_id, roles=roles, related=("patient",))


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


CLINICAL = (Role.THERAPIST, Role.CLINIC_ADMIN)


def access_session(user: User, session_id: int) -> TreatmentSession:
    """A treatment record at one of the user's clinics, for clinical staff only (never the
    front desk, never a patient), else not found."""
    if not user.is_authenticated or user.role not in CLINICAL:
        raise Http404("No such session.")
    session = (
        TreatmentSession.objects.filter(pk=session_id)
        .select_related(
            "patient", "therapist__user", "clinic", "appointment", "screening", "consent"
        )
        .first()
    )
    if session is None or session.clinic_id not in staff_clinic_ids(user):
        raise Http404("No such session.")
    return session


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
