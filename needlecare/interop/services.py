"""Calendar feeds: giving a therapist a private feed URL, and taking it back. FHIR integration
tokens: giving a system read access to one clinic's records, and taking it back."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.errors import DomainError, NotAllowed
from needlecare.interop.models import CalendarFeed, FhirToken, token_digest


def _clinic_ids(therapist: Therapist) -> list[int]:
    return list(therapist.user.memberships.values_list("clinic_id", flat=True))


def _revoke(feed: CalendarFeed, *, by: User, clinic_ids: list[int], reason: str) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_record(
        actor=by,
        action="calendar_feed.revoked",
        target=feed,
        data={"therapist": feed.therapist_id, "reason": reason},
        clinic_ids=clinic_ids,
    )


def calendar_feed_create(*, therapist: Therapist, by: User) -> tuple[CalendarFeed, str]:
    """Give a therapist a new feed token (returned once, never stored), revoking any old feed."""
    token = secrets.token_urlsafe(32)
    clinic_ids = _clinic_ids(therapist)
    with transaction.atomic():
        old = list(
            CalendarFeed.objects.select_for_update().filter(
                therapist=therapist, revoked_at__isnull=True
            )
        )
        for feed in old:
            _revoke(feed, by=by, clinic_ids=clinic_ids, reason="replaced")
        new = CalendarFeed.objects.create(therapist=therapist, token_digest=token_digest(token))
        audit_record(
            actor=by,
            action="calendar_feed.created",
            target=new,
            data={"therapist": therapist.pk, "replaces": [f.pk for f in old]},
            clinic_ids=clinic_ids,
        )
    return new, token


def calendar_feed_revoke(*, feed: CalendarFeed, by: User) -> CalendarFeed:
    """Stop a feed URL working; revoking a revoked feed changes nothing."""
    with transaction.atomic():
        current = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        if current.revoked_at is None:
            _revoke(current, by=by, clinic_ids=_clinic_ids(feed.therapist), reason="revoked")
        feed.revoked_at = current.revoked_at
    return feed


# A prefix that says what a leaked string is, to a person reading a log or a secret scanner.
FHIR_TOKEN_PREFIX = "nct_"  # noqa: S105 - a label, not a secret
FHIR_TOKEN_DAYS = 90
FHIR_TOKEN_MAX_DAYS = 366
FHIR_TOKEN_NAME_MAX = 80


def _fhir_token_admin_check(clinic: Clinic, by: User | None) -> None:
    """The system (`by=None`) and a superuser may; a person only as an active clinic admin of
    this clinic."""
    if by is None or (by.is_active and by.is_superuser):
        return
    admin = by.is_active and by.role == Role.CLINIC_ADMIN
    if not (admin and by.memberships.filter(clinic=clinic).exists()):
        raise NotAllowed(
            "fhir_token.not_yours", "Only a clinic admin of this clinic manages its FHIR tokens."
        )


def _fhir_token_name(clinic: Clinic, name: str, now: dt.datetime) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("fhir_token.name_missing", "Give the token a name.", field="name")
    if len(name) > FHIR_TOKEN_NAME_MAX:
        raise DomainError(
            "fhir_token.name_too_long",
            f"A token's name is at most {FHIR_TOKEN_NAME_MAX} characters.",
            field="name",
        )
    taken = FhirToken.objects.filter(
        clinic=clinic, name__iexact=name, revoked_at__isnull=True, expires_at__gt=now
    ).first()
    if taken is not None:
        raise DomainError(
            "fhir_token.name_taken",
            f'{clinic} already has an active token named "{taken.name}": choose another name, '
            "or revoke that one first.",
            field="name",
        )
    return name


def fhir_token_create(
    *, clinic: Clinic, name: str, by: User | None, days: int = FHIR_TOKEN_DAYS
) -> tuple[FhirToken, str]:
    """Give a system a token to read the clinic's records through FHIR (returned once, never
    stored), valid for `days` days; `by=None` is the command line."""
    if isinstance(days, bool) or not 1 <= days <= FHIR_TOKEN_MAX_DAYS:
        raise DomainError(
            "fhir_token.days",
            f"A token lasts from 1 to {FHIR_TOKEN_MAX_DAYS} days.",
            field="days",
        )
    token = FHIR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        _fhir_token_admin_check(clinic, by)
        # Serialises creations for the clinic, so two of one name cannot both pass the check.
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        now = timezone.now()
        new = FhirToken.objects.create(
            clinic=clinic,
            name=_fhir_token_name(clinic, name, now),
            token_digest=token_digest(token),
            created_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            actor=by,
            action="fhir_token.created",
            target=new,
            data={"name": new.name, "days": days, "expires_at": new.expires_at.isoformat()},
            clinic_ids=[clinic.pk],
        )
    return new, token


def fhir_token_revoke(*, token: FhirToken, by: User | None) -> FhirToken:
    """Stop a FHIR token working at once; revoking a revoked token changes nothing."""
    with transaction.atomic(durable=True):
        current = FhirToken.objects.select_for_update().select_related("clinic").get(pk=token.pk)
        _fhir_token_admin_check(current.clinic, by)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
            audit_record(
                actor=by,
                action="fhir_token.revoked",
                target=current,
                data={"name": current.name},
                clinic_ids=[current.clinic_id],
            )
        token.revoked_at = current.revoked_at
    return token
