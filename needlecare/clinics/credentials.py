"""Credential date logic, pure: no Django, so it reads and tests on its own."""

import datetime as dt
import enum

EXPIRY_WARNING_DAYS = 30


class CredentialStatus(enum.StrEnum):
    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    EXPIRING_SOON = "expiring_soon"
    EXPIRED = "expired"

    @property
    def is_valid(self) -> bool:
        return self in (CredentialStatus.VALID, CredentialStatus.EXPIRING_SOON)

    @property
    def needs_attention(self) -> bool:
        return self is not CredentialStatus.VALID


def credential_status(valid_from: dt.date, expires_on: dt.date, on: dt.date) -> CredentialStatus:
    """Where a credential stands on a day; valid_from and expires_on are both valid days."""
    if on < valid_from:
        return CredentialStatus.NOT_YET_VALID
    if on > expires_on:
        return CredentialStatus.EXPIRED
    if (expires_on - on).days <= EXPIRY_WARNING_DAYS:
        return CredentialStatus.EXPIRING_SOON
    return CredentialStatus.VALID
