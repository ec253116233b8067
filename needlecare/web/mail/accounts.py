"""The password reset message: a link that works once, for every kind of account."""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from needlecare.accounts.models import Role, User
from needlecare.accounts.registration import registration_token
from needlecare.outbox.channels import Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.patients.models import Patient
from needlecare.web.mail.layout import Letter, absolute, in_language, written

PASSWORD_RESET = "account.password_reset"  # noqa: S105 - a kind of message, not a password


def _patient_of(user: User) -> Patient | None:
    """The patient whose language a message to this account is written in; None (English) for
    a member of staff."""
    if user.role != Role.PATIENT:
        return None
    return Patient.objects.filter(user=user).first()


@renders(PASSWORD_RESET)
def password_reset(message: Message) -> Rendered | None:
    # The token is made as the message goes out (it is never stored) and stops working once
    # the password changes.
    user = User.objects.filter(pk=message.target_id, is_active=True).first()
    if user is None:
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with in_language(_patient_of(user)):
        letter = Letter(
            subject=gettext("Reset your needlecare password"),
            greeting=gettext("Hello %(name)s,") % {"name": user.get_short_name()},
            paragraphs=(
                gettext(
                    "Someone asked to reset the password of your needlecare account. If it was "
                    "you, choose a new password with the link below. It works once, for three "
                    "days."
                ),
                gettext("If it was not you, ignore this message: your password stays as it is."),
            ),
            actions=(
                (
                    gettext("Choose a new password"),
                    absolute("password-reset-confirm", uid, token),
                ),
            ),
        )
        return written(letter)


REGISTRATION_CONFIRM = "account.registration_confirm"
REGISTRATION_EXISTING = "account.registration_existing"
LABELS = {
    REGISTRATION_CONFIRM: "Confirm your registration",
    REGISTRATION_EXISTING: "Registration with an address already in use",
}


@renders(REGISTRATION_CONFIRM)
def registration_confirm(message: Message) -> Rendered | None:
    user = User.objects.filter(pk=message.target_id, is_active=False, last_login=None).first()
    if user is None:
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    with in_language(_patient_of(user)):
        letter = Letter(
            subject=gettext("Confirm your needlecare account"),
            greeting=gettext("Hello %(name)s,") % {"name": user.get_short_name()},
            paragraphs=(
                gettext(
                    "Thank you for registering. Confirm that this address is yours with the link "
                    "below; your account opens then. The link works once, for three days."
                ),
                gettext(
                    "If you did not register, ignore this message: no account opens without it."
                ),
            ),
            actions=(
                (
                    gettext("Confirm my account"),
                    absolute("register-confirm", uid, registration_token(user)),
                ),
            ),
        )
        return written(letter)


@renders(REGISTRATION_EXISTING)
def registration_existing(message: Message) -> Rendered | None:
    user = User.objects.filter(pk=message.target_id, is_active=True).first()
    if user is None:
        return None
    with in_language(_patient_of(user)):
        letter = Letter(
            subject=gettext("Someone tried to register with your address"),
            greeting=gettext("Hello %(name)s,") % {"name": user.get_short_name()},
            paragraphs=(
                gettext(
                    "Someone asked to open a needlecare account with this email address, which "
                    "already has one. No new account was made."
                ),
                gettext(
                    "If it was you, sign in with your existing account, or choose a new password "
                    "if you have forgotten it. If it was not you, ignore this message."
                ),
            ),
            actions=(
                (gettext("Sign in"), absolute("login")),
                (gettext("Choose a new password"), absolute("password-reset")),
            ),
        )
        return written(letter)
