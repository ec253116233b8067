from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "needlecare.outbox"
    label = "outbox"

    def ready(self) -> None:
        # Each app's `mail` module registers how its kinds of message are written.
        autodiscover_modules("mail")


@register(Tags.security, deploy=True)
def email_is_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Production sends real email: NEEDLECARE_EMAIL_URL must name the server."""
    if settings.NEEDLECARE_EMAIL_URL:
        return []
    return [
        Error(
            "NEEDLECARE_EMAIL_URL is not set: messages to patients and staff would only be "
            "printed.",
            hint="Set it to the SMTP server, e.g. smtp://user:password@mail.example.org:587?tls=1",
            id="needlecare.E001",
        )
    ]
