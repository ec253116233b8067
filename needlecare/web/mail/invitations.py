"""Invitations to staff accounts (filled in by the staff-management work)."""

# How staff pages name this module's kinds of message.
LABELS: dict[str, str] = {}
