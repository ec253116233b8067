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
