import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from needlecare.accounts.models import Role, User
from needlecare.clinics.credentials import CredentialStatus
from needlecare.clinics.models import Clinic, Credential, Therapist


def clinics_public() -> QuerySet[Clinic]:
    """Every clinic with its opening hours, for the public pages and API."""
    return Clinic.objects.prefetch_related("opening_hours").order_by("name")


def clinics_of(user: User) -> QuerySet[Clinic]:
    """The clinics a member of staff works at, by name."""
    return Clinic.objects.filter(memberships__user=user).order_by("name")


def therapist_of(user: User) -> Therapist | None:
    """The signed-in user's own therapist profile, if they have one."""
    return Therapist.objects.filter(user=user).select_related("user").first()


def therapists_at(clinic: Clinic) -> QuerySet[Therapist]:
    """The clinic's therapists whose accounts are active."""
    return Therapist.objects.filter(user__memberships__clinic=clinic, user__is_active=True)


def therapist_can_dry_needle(therapist: Therapist, *, on: dt.date) -> bool:
    """Whether a PT licence and a dry needling certification are both valid on the day."""
    valid = Credential.objects.filter(
        therapist=therapist, valid_from__lte=on, expires_on__gte=on
    ).values_list("kind", flat=True)
    return {Credential.Kind.DRY_NEEDLING, Credential.Kind.PT_LICENSE} <= set(valid)


def credentials_expiring(clinic: Clinic, *, on: dt.date, within_days: int) -> list[Credential]:
    """The credentials of the clinic's therapists that run out within so many days of `on`."""
    return list(
        Credential.objects.filter(
            therapist__in=therapists_at(clinic),
            expires_on__gte=on,
            expires_on__lte=on + dt.timedelta(days=within_days),
        )
        .select_related("therapist__user")
        .order_by("expires_on", "id")
    )


def clinic_admins(clinic: Clinic) -> QuerySet[User]:
    """The clinic's active admins."""
    return User.objects.filter(
        role=Role.CLINIC_ADMIN, is_active=True, memberships__clinic=clinic
    ).distinct()


@dataclass(frozen=True)
class CredentialRow:
    credential: Credential
    status: CredentialStatus


@dataclass(frozen=True)
class TherapistRow:
    therapist: Therapist
    credentials: list[CredentialRow]
    can_dry_needle: bool

    @property
    def needs_attention(self) -> bool:
        return any(row.status.needs_attention for row in self.credentials)


def clinic_therapists(clinic: Clinic, *, on: dt.date) -> list[TherapistRow]:
    """A clinic's therapists with their credentials' standing on a day, in two queries."""
    therapists = (
        therapists_at(clinic)
        .select_related("user")
        .prefetch_related(
            Prefetch("credentials", queryset=Credential.objects.order_by("kind", "-expires_on"))
        )
        .order_by("user__full_name")
    )
    rows = []
    for therapist in therapists:
        creds = [CredentialRow(c, c.status(on)) for c in therapist.credentials.all()]
        valid_kinds = {row.credential.kind for row in creds if row.status.is_valid}
        rows.append(
            TherapistRow(
                therapist=therapist,
                credentials=creds,
                can_dry_needle={Credential.Kind.DRY_NEEDLING, Credential.Kind.PT_LICENSE}
                <= valid_kinds,
            )
        )
    return rows
