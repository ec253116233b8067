"""The invitation to a new member of staff: a link to choose their first password.

The link is Django's password-reset link (the confirm page is the same): its token is made as
the message goes out, works once (choosing a password changes what it was made from) and
expires after PASSWORD_RESET_TIMEOUT."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from needlecare.accounts.models import Role, User
from needlecare.clinics.models import Clinic
from needlecare.clinics.services import INVITATION
from needlecare.outbox.channels import Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.web.mail.layout import Letter, absolute, written

__all__ = ["INVITATION", "LABELS", "invitation"]

# How staff pages name this module's kinds of message.
LABELS: dict[str, str] = {INVITATION: "Staff invitation"}


def _valid_for() -> str:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    return "one day" if days == 1 else f"{days} days"


@renders(INVITATION)
def invitation(message: Message) -> Rendered | None:
    # Not for an account closed since, nor for someone who has already chosen a password.
    user = User.objects.filter(pk=message.target_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    clinics = list(Clinic.objects.filter(memberships__user=user).order_by("name"))
    where = " and ".join(c.name for c in clinics) or "the practice"
    invited_by = message.context.get("invited_by") or "A clinic admin"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    letter = Letter(
        subject="Your needlecare staff account",
        greeting=f"Hello {user.get_short_name()},",
        paragraphs=(
            f"{invited_by} has set up a needlecare account for you as "
            f"{Role(user.role).label.lower()} at {where}.",
            "Choose your password with the link below; then sign in with this email address. "
            f"The link works once, for {_valid_for()}. If it has run out, ask your clinic admin "
            "to send a new one.",
            "If you were not expecting this, ignore this message.",
        ),
        clinic=next((c for c in clinics if c.pk == message.clinic_id), None),
        actions=(("Choose your password", absolute("password-reset-confirm", uid, token)),),
    )
    return written(letter)
