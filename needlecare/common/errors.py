"""Domain errors: raised by services, mapped to HTTP once (API) or to form errors (pages).

Each carries a stable `code` that pages and the API branch on (never the words), a `message`
for a person to read, and structured `details` (e.g. the list of what is missing before a
record can be signed). `field` names the input the refusal is about, when there is one.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule of the clinic refused the request."""

    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        *,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})
        self.field = field


class Conflict(DomainError):
    status = 409


class NotAllowed(DomainError):
    status = 403


def validate(instance: object, *, exclude: list[str] | None = None) -> None:
    """Run a model's full_clean and turn the first problem into a DomainError for a person."""
    try:
        instance.full_clean(exclude=exclude)  # type: ignore[attr-defined]
    except ValidationError as exc:
        fields = getattr(exc, "message_dict", None) or {None: exc.messages}
        field, messages = next(iter(fields.items()))
        where = "" if field in (None, "__all__") else f"{str(field).replace('_', ' ')}: "
        raise DomainError(
            "invalid", f"{where}{messages[0]}", field=field if field != "__all__" else None
        ) from None
