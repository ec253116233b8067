"""The password reset message: a link that works once, for every kind of account."""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from needlecare.accounts.models import User
from needlecare.outbox.channels import Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.web.mail.layout import Letter, absolute, written

PASSWORD_RESET = "account.password_reset"  # noqa: S105 - a kind of message, not a password


@renders(PASSWORD_RESET)
def password_reset(message: Message) -> Rendered | None:
    # The token is made as the message goes out (it is never stored) and stops working once
    # the password changes.
    user = User.objects.filter(pk=message.target_id, is_active=True).first()
    if user is None:
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    letter = Letter(
        subject="Reset your needlecare password",
        greeting=f"Hello {user.get_short_name()},",
        paragraphs=(
            "Someone asked to reset the password of your needlecare account. If it was you, "
            "choose a new password with the link below. It works once, for three days.",
            "If it was not you, ignore this message: your password stays as it is.",
        ),
        actions=(("Choose a new password", absolute("password-reset-confirm", uid, token)),),
    )
    return written(letter)
