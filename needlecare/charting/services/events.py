"""Adverse events after a session; a serious one alerts the clinic's admins at once."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from needlecare.accounts.models import User
from needlecare.audit.services import audit_record
from needlecare.charting.models import AdverseEvent, Notification, TreatmentSession
from needlecare.charting.services import _checks, notices
from needlecare.clinics.selectors import clinic_admins
from needlecare.common.errors import DomainError, validate
from needlecare.common.time import clinic_zone


def adverse_event_record(*, session: TreatmentSession, by: User, **fields: Any) -> AdverseEvent:
    """Record an adverse event; a serious one alerts the clinic's admins at once."""
    _checks.clinical(by, "record adverse events")
    event = AdverseEvent(session=session, recorded_by=by, **fields)
    validate(event, exclude=["session", "recorded_by"])
    follow_up = fields.get("follow_up_on")
    opened = timezone.localtime(session.opened_at, clinic_zone(session.clinic)).date()
    if follow_up is not None and follow_up < opened:
        raise DomainError(
            "adverse_event.follow_up_before",
            "The follow-up cannot be before the session.",
            field="follow_up_on",
        )
    with transaction.atomic():
        event.save()
        audit_record(
            actor=by,
            action="adverse_event.recorded",
            target=event,
            data={"category": event.category, "severity": event.severity},
            clinic_ids=[session.clinic_id],
        )
        if event.severity == AdverseEvent.Severity.SERIOUS:
            _alert_admins(session, event)
    return event


def adverse_event_review(*, event: AdverseEvent, confirmed: bool, by: User) -> AdverseEvent:
    """A therapist confirms or rejects an event the patient reported; only confirmed events
    count in the clinic's report."""
    _checks.clinical(by, "review adverse events")
    with transaction.atomic():
        locked = AdverseEvent.objects.select_for_update().get(pk=event.pk)
        if locked.review != AdverseEvent.Review.DRAFT:
            raise DomainError("adverse_event.reviewed", "This event has already been reviewed.")
        event.review = AdverseEvent.Review.CONFIRMED if confirmed else AdverseEvent.Review.REJECTED
        event.reviewed_by, event.reviewed_at = by, timezone.now()
        event.save(update_fields=["review", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=by,
            action="adverse_event.reviewed",
            target=event,
            data={"review": event.review},
            clinic_ids=[event.session.clinic_id],
        )
    return event


def _alert_admins(session: TreatmentSession, event: AdverseEvent) -> None:
    admins = list(clinic_admins(session.clinic))
    notices.notices_to_staff(notices.STAFF_ADVERSE_EVENT, about=event, users=admins)
    Notification.objects.bulk_create(
        Notification(
            user=admin,
            message=(
                f"Serious adverse event ({event.get_category_display()}) after a session "
                f"with {session.therapist.user.full_name} at {session.clinic.name}."
            ),
            link=reverse("staff-session", args=[session.pk]),
        )
        for admin in admins
    )
