"""Calendar feeds: giving a therapist a private feed URL, and taking it back."""

import secrets

from django.db import transaction
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.clinics.models import Therapist
from needlecare.interop.models import CalendarFeed, token_digest


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
