"""Messages about a patient's own account, e.g. the invitation to go online."""

# How staff pages name this module's kinds of message.
LABELS: dict[str, str] = {}
