"""Domain errors: raised by services, mapped to HTTP once (API) or to form errors (pages)."""


class DomainError(Exception):
    """A rule of the clinic refused the request; the message is for a person to read."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Conflict(DomainError):
    status = 409


class NotAllowed(DomainError):
    status = 403


def validate(instance: object, *, exclude: list[str] | None = None) -> None:
    """Run a model's full_clean and turn the first problem into a DomainError for a person."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude)  # type: ignore[attr-defined]
    except ValidationError as exc:
        fields = getattr(exc, "message_dict", None) or {None: exc.messages}
        field, messages = next(iter(fields.items()))
        where = "" if field in (None, "__all__") else f"{str(field).replace('_', ' ')}: "
        raise DomainError(
            f"{where}{messages[0]}", field=field if field != "__all__" else None
        ) from None
