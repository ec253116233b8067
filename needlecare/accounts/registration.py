"""Online registration opens an account only once its owner confirms the address.

So registration can answer every address alike: a new one gets a confirmation link, one
already in use gets a note saying so (`web.mail.accounts`), and the page says the same thing
to both. The link's token is Django's password-reset token with its own salt and with the
account's active flag in it, so a reset link never opens an account and a confirmation link
works once.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction

from needlecare.accounts.models import Role, User
from needlecare.audit.services import audit_record


class _RegistrationTokens(PasswordResetTokenGenerator):
    key_salt = "needlecare.accounts.registration"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


_tokens = _RegistrationTokens()


def registration_token(user: User) -> str:
    return _tokens.make_token(user)


def registration_awaiting(user: User) -> bool:
    """An online registration not yet confirmed: a patient who never signed in, inactive."""
    return user.role == Role.PATIENT and not user.is_active and user.last_login is None


def user_registration_hold(*, user: User) -> User:
    """Keep a just-registered account closed until its owner follows the emailed link."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=user, action="user.registration_awaiting_confirmation", target=user)
    return user


def user_registration_confirm(*, user: User, token: str) -> bool:
    """Open the account if the token is its confirmation token; whether it was."""
    if not registration_awaiting(user) or not _tokens.check_token(user, token):
        return False
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=user, action="user.registration_confirmed", target=user)
    return True
