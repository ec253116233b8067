"""Database rows -> the plain values the pure FHIR mappers take (values.py).

The Django side of the FHIR mapping: each function reads one row (and what the caller has
preloaded: the `*_rows()` helpers say what they select) and returns a frozen value. File URLs
(the signed consent PDF, a letter's PDF) come from the caller's `file_url(kind, id)`, so the
route serving them is the server's choice: kind is "consent" or "letter".
"""

from .clinical import (
    FileUrl,
    adverse_event_rows,
    adverse_event_value,
    consent_rows,
    consent_value,
    letter_rows,
    letter_value,
    measure_rows,
    measure_value,
    screening_rows,
    screening_value,
    session_value,
    signed_session_rows,
)
from .people import (
    appointment_rows,
    appointment_value,
    busy_slot_value,
    clinic_rows,
    clinic_value,
    free_slot_value,
    patient_rows,
    patient_value,
    practitioner_value,
    role_value,
    role_values,
    service_ref,
    service_value,
    therapist_rows,
)

__all__ = [
    "FileUrl",
    "adverse_event_rows",
    "adverse_event_value",
    "appointment_rows",
    "appointment_value",
    "busy_slot_value",
    "clinic_rows",
    "clinic_value",
    "consent_rows",
    "consent_value",
    "free_slot_value",
    "letter_rows",
    "letter_value",
    "measure_rows",
    "measure_value",
    "patient_rows",
    "patient_value",
    "practitioner_value",
    "role_value",
    "role_values",
    "screening_rows",
    "screening_value",
    "service_ref",
    "service_value",
    "session_value",
    "signed_session_rows",
    "therapist_rows",
]
