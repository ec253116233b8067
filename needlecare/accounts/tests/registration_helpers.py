"""Follow the link a registration's confirmation message carries, as its recipient would."""

import re

from needlecare.outbox.models import Message
from needlecare.outbox.rendering import render
from needlecare.web.mail.accounts import REGISTRATION_CONFIRM


def emailed_link(user, kind: str = REGISTRATION_CONFIRM) -> str:
    message = Message.objects.filter(kind=kind, user=user).latest("pk")
    rendered = render(message)
    assert rendered is not None, "the message would not be sent"
    match = re.search(r"https?://[^/\s]+(/\S+/)", rendered.text)
    assert match, rendered.text
    return match.group(1)


def confirm_registration(client, user) -> None:
    link = emailed_link(user)
    assert client.get(link).status_code == 200  # a mail scanner's visit opens nothing
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/me/", response
    user.refresh_from_db()
    assert user.is_active
    assert client.post(link).status_code == 400  # the link works once
