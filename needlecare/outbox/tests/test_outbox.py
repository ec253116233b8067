"""The outbox's own rules: queued only inside a change's transaction, once per occasion, one
message per claim, and a sender that dies mid-send leaves at most that one message to resend."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from needlecare.outbox.models import Channel, Message
from needlecare.outbox.services import (
    Recipient,
    message_claim,
    message_queue,
    messages_cancel,
    messages_send_due,
)
from needlecare.outbox.services.sending import LEASE
from needlecare.web.mail.accounts import PASSWORD_RESET

pytestmark = pytest.mark.django_db


def queue(user, key="k", when=None):
    with transaction.atomic():
        return message_queue(
            kind=PASSWORD_RESET,
            about=user,
            to=[Recipient(Channel.EMAIL, user.email, user_id=user.pk)],
            key=key,
            send_after=when,
        )


@pytest.mark.django_db(transaction=True)
def test_a_message_is_only_queued_inside_the_transaction_of_its_change(practice):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        message_queue(
            kind=PASSWORD_RESET,
            about=practice.admin,
            to=[Recipient(Channel.EMAIL, practice.admin.email)],
            key="x",
        )
    assert not Message.objects.exists()


def test_the_same_occasion_is_queued_once(practice):
    queue(practice.admin, key="same")
    queue(practice.admin, key="same")
    assert Message.objects.count() == 1


def test_one_claim_takes_one_message_and_holds_it_for_the_lease(practice, smtp):
    for n in range(3):
        queue(practice.admin, key=str(n))
    first = message_claim()
    second = message_claim()
    assert first is not None and second is not None and first.pk != second.pk
    assert first.claimed_until is not None and first.attempts == 1


def test_a_sender_killed_after_claiming_leaves_only_that_message_to_send_again(practice, smtp):
    for n in range(5):
        queue(practice.admin, key=str(n))
    died_holding = message_claim()  # a sender claimed it, sent it perhaps, then died
    assert died_holding is not None
    assert messages_send_due() == {"sent": 4}
    assert len(smtp.received) == 4
    # Once the lease runs out, the one message it held goes out again; nothing else does.
    later = timezone.now() + LEASE + dt.timedelta(seconds=1)
    assert messages_send_due(now=later) == {"sent": 1}
    assert Message.objects.filter(state=Message.State.SENT).count() == 5
    died_holding.refresh_from_db()
    assert died_holding.attempts == 2


def test_a_message_is_not_sent_before_its_time(practice, smtp):
    queue(practice.admin, when=timezone.now() + dt.timedelta(hours=1))
    assert messages_send_due() == {}
    assert messages_send_due(now=timezone.now() + dt.timedelta(hours=2)) == {"sent": 1}


def test_a_called_off_message_is_never_sent(practice, smtp):
    queue(practice.admin)
    with transaction.atomic():
        assert messages_cancel(about=practice.admin, kinds=[PASSWORD_RESET]) == 1
    assert messages_send_due() == {}
    assert Message.objects.get().state == Message.State.CANCELLED
    queue(practice.admin)  # the occasion can be queued again
    assert messages_send_due() == {"sent": 1}


def test_a_message_whose_record_is_gone_is_called_off_when_its_time_comes(practice, smtp):
    queue(practice.admin)
    practice.admin.is_active = False
    practice.admin.save()
    assert messages_send_due() == {"cancelled": 1}
    assert smtp.received == []
