"""The invitation email, as a real SMTP server receives it: its link lets the new member of staff
choose a password once, and then they sign in."""

import re

import pytest
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from needlecare.accounts.models import Role, User
from needlecare.clinics.services import staff_deactivate, staff_invite
from needlecare.common.testing.smtp import text_of
from needlecare.outbox.models import Message
from needlecare.outbox.services import messages_send_due

pytestmark = pytest.mark.django_db
LINK = re.compile(r"Choose your password: https?://[^/\s]+(/\S+)")
CHOSEN = "plover-estuary-granite-81"


def invite_desk(practice, email="jordan.lee@example.org"):
    return staff_invite(
        by=practice.admin,
        email=email,
        full_name="Jordan Lee",
        role=Role.FRONT_DESK,
        clinics=[practice.stoughton],
    )


def the_link(smtp, email):
    [message] = smtp.to(email)
    assert str(message["Subject"]) == "Your needlecare staff account"
    body = text_of(message)
    assert "front desk at Stoughton" in body
    assert "781-436-0391" in body  # the clinic's footer
    return LINK.search(body).group(1)


def choose_password(client, link):
    opened = client.get(link, follow=True)
    assert opened.status_code == 200
    form_url = opened.redirect_chain[-1][0] if opened.redirect_chain else link
    return client.post(
        form_url, {"new_password1": CHOSEN, "new_password2": CHOSEN}, follow=True
    ), opened


def test_the_emailed_link_sets_the_password_once_and_the_new_member_signs_in(
    client, practice, smtp
):
    user = invite_desk(practice)
    assert messages_send_due()["sent"] == 1
    link = the_link(smtp, user.email)

    done, opened = choose_password(client, link)
    assert b"Choose a new password" in opened.content
    assert b"Your password is changed" in done.content
    user.refresh_from_db()
    assert user.has_usable_password() and user.check_password(CHOSEN)

    again = client.get(link, follow=True)
    assert b"This link cannot be used" in again.content

    signed_in = client.post("/accounts/login/", {"username": user.email, "password": CHOSEN})
    assert signed_in.status_code == 302
    client.pass_second_step(user)  # staff: the real second step, with their app's code
    assert client.get("/staff/").status_code == 200


def test_an_invitation_for_an_account_closed_before_it_goes_out_is_not_sent(practice, smtp):
    user = invite_desk(practice)
    staff_deactivate(user=user, by=practice.admin)
    messages_send_due()
    assert smtp.to(user.email) == []
    assert Message.objects.get(user=user).state != Message.State.SENT


def test_a_link_cannot_be_guessed_from_another_account(client, practice, smtp):
    first = invite_desk(practice)
    second = invite_desk(practice, email="sam.other@example.org")
    messages_send_due()
    link = the_link(smtp, first.email)
    # The second account's uid with the first account's token.
    uid = link.rstrip("/").split("/")[-2]
    forged = link.replace(uid, urlsafe_base64_encode(force_bytes(second.pk)))
    assert b"This link cannot be used" in client.get(forged, follow=True).content
    assert not User.objects.get(pk=second.pk).has_usable_password()
