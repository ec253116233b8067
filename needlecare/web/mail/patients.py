"""Messages about a patient's own account, e.g. the invitation to go online."""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from needlecare.outbox.channels import Rendered
from needlecare.outbox.models import Message
from needlecare.outbox.rendering import renders
from needlecare.patients.models import Patient
from needlecare.patients.services import PATIENT_INVITATION
from needlecare.web.mail.layout import Letter, absolute, in_language, written

# How staff pages name this module's kinds of message.
LABELS: dict[str, str] = {PATIENT_INVITATION: "Invitation to go online"}


@renders(PATIENT_INVITATION)
def patient_invitation(message: Message) -> Rendered | None:
    # As with a password reset, the token is made as the message goes out and stops working
    # once a password is chosen; an invitation already taken up is not sent again.
    patient = (
        Patient.objects.select_related("user", "preferred_clinic")
        .filter(user_id=message.target_id, user__is_active=True)
        .first()
    )
    if patient is None or patient.user is None or patient.user.has_usable_password():
        return None
    user = patient.user
    clinic = patient.preferred_clinic
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with in_language(patient):
        letter = Letter(
            subject=gettext("Your online account with %(clinic)s") % {"clinic": clinic.name},
            greeting=gettext("Hello %(name)s,") % {"name": patient.first_name},
            paragraphs=(
                gettext(
                    "%(clinic)s has set up an online account for you with needlecare. Choose a "
                    "password with the link below to start using it. The link works once, for "
                    "three days; after that, ask the clinic to send a new one."
                )
                % {"clinic": clinic.name},
                gettext(
                    "With your account you can answer the safety questions before dry needling, "
                    "book and manage your visits, read and sign your consent, and keep your "
                    "contact details up to date."
                ),
                gettext(
                    "You sign in with this email address, %(email)s. If you did not expect this "
                    "message, ignore it or call the clinic."
                )
                % {"email": user.email},
            ),
            clinic=clinic,
            actions=(
                (gettext("Choose your password"), absolute("password-reset-confirm", uid, token)),
            ),
        )
        return written(letter)
