"""Who is reading the FHIR server, and what they may see.

- An integration token (`Authorization: Bearer ...`, made with `needlecare fhir_token create`)
  reads its clinic's records, treatment records included. A bad, expired or revoked token is
  refused (401) whatever else the request carries.
- Signed-in staff (their session, second step passed) read their clinics' records with their
  role's limits: the front desk never reads treatment records.
- A signed-in patient reads their own compartment, and the practice's directory (clinics,
  therapists, appointment types, free times).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from needlecare.accounts.access import CLINICAL, staff_clinic_ids
from needlecare.accounts.models import Role
from needlecare.interop.selectors import fhir_token_authenticate
from needlecare.patients.selectors import patient_of

from .kinds import Kind, Source


class Unauthenticated(Exception):
    """No credentials, or a token that is not (or no longer) valid."""


@dataclass(frozen=True)
class Reader:
    actor: Any  # the user, or the integration token
    clinic_ids: frozenset[int] = frozenset()  # staff and tokens: the clinics they read
    patient_id: int | None = None  # a patient: their own record only
    clinical: bool = False  # may read treatment records
    label: str = field(default="")

    @property
    def is_patient(self) -> bool:
        return self.patient_id is not None

    def may_read(self, kind: Kind) -> bool:
        return self.clinical or not kind.clinical or self.is_patient

    def scope(self, source: Source, rows: QuerySet[Any]) -> QuerySet[Any]:
        """Only the rows this reader may see."""
        if self.is_patient:
            if source.patient is None:
                return rows  # the directory: clinics, therapists, appointment types
            return rows.filter(**{source.patient: self.patient_id})
        rows = rows.filter(**{f"{source.clinic}__in": self.clinic_ids})
        return rows.distinct() if source.many_clinics else rows

    def sees_clinic(self, clinic_id: int) -> bool:
        return self.is_patient or clinic_id in self.clinic_ids


def bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated("Send an integration token as `Authorization: Bearer <token>`.")
    return credentials.strip()


def reader_of(request: HttpRequest) -> Reader:
    """The request's reader; Unauthenticated when there is none (or a bad token)."""
    raw = bearer(request)
    if raw is not None:
        token = fhir_token_authenticate(raw)
        if token is None:
            raise Unauthenticated("The token is not valid: unknown, expired or revoked.")
        return Reader(actor=token, clinic_ids=frozenset({token.clinic_id}), clinical=True)
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise Unauthenticated("Sign in, or send an integration token.")
    if user.role == Role.PATIENT:
        patient = patient_of(user)
        if patient is None:
            raise Unauthenticated("No patient record is linked to this account.")
        return Reader(actor=user, patient_id=patient.pk)
    return Reader(
        actor=user,
        clinic_ids=frozenset(staff_clinic_ids(user)),
        clinical=user.role in CLINICAL,
    )
