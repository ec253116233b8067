"""Charting's writes: consent (`consent`), treatment sessions (`sessions`), adverse events
(`events`) and in-app notifications (`notifications`); the checks they share are in `_checks`."""

from needlecare.charting.services.check_ins import check_in_record
from needlecare.charting.services.consent import (
    consent_countersign,
    consent_document_publish,
    consent_sign,
)
from needlecare.charting.services.consent_translations import (
    consent_translation_publish,
    consent_translation_review,
    translation_languages,
)
from needlecare.charting.services.events import adverse_event_record, adverse_event_review
from needlecare.charting.services.notifications import notification_mark_read
from needlecare.charting.services.sessions import (
    addendum_add,
    billing_code,
    needling_add,
    session_billing_code,
    session_open,
    session_sign,
    session_update,
)

__all__ = [
    "addendum_add",
    "adverse_event_record",
    "adverse_event_review",
    "check_in_record",
    "billing_code",
    "consent_countersign",
    "consent_document_publish",
    "consent_sign",
    "consent_translation_publish",
    "consent_translation_review",
    "translation_languages",
    "needling_add",
    "notification_mark_read",
    "session_billing_code",
    "session_open",
    "session_sign",
    "session_update",
]
