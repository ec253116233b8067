"""Two `needlecare send_messages` processes at once against one database (SQLite or
PostgreSQL, as the suite runs): every message reaches the real SMTP server exactly once."""

import json
import re
import subprocess
from collections import Counter

import pytest

pytestmark = pytest.mark.server

COUNT = 240
QUEUE = """
import json
from django.db import transaction
from needlecare.accounts.models import User
from needlecare.outbox.services import Recipient, message_queue
from needlecare.web.mail.accounts import PASSWORD_RESET

user = User.objects.get(email="frontdesk.stoughton@demo.needlecare.test")
with transaction.atomic():
    for n in range({count}):
        message_queue(kind=PASSWORD_RESET, about=user, key=f"senders-{{n}}",
                      to=[Recipient("email", f"sender-test-{{n}}@example.org", user_id=user.pk)])
print(json.dumps({{"queued": {count}}}))
"""
STATES = """
import json
from django.db.models import Count, Max
from needlecare.outbox.models import Message
rows = Message.objects.filter(recipient__startswith="sender-test-")
print(json.dumps({"states": dict(rows.values_list("state").annotate(n=Count("id"))),
                  "most_attempts": rows.aggregate(m=Max("attempts"))["m"]}))
"""


def test_two_senders_at_once_send_every_message_exactly_once(
    server_environment, demo_clinics, smtp_server
):
    smtp_server.clear()
    server_environment.run_ok("shell", "--no-imports", "-c", QUEUE.format(count=COUNT))
    env = {**server_environment.env, "NEEDLECARE_EMAIL_URL": smtp_server.url}
    senders = [
        subprocess.Popen(
            [*server_environment.command, "send_messages", "--once"],
            env=env,
            cwd=server_environment.data_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=240) for sender in senders]
    assert [s.returncode for s in senders] == [0, 0], outputs
    received = Counter(str(m["To"]) for m in smtp_server.received if "sender-test-" in str(m["To"]))
    assert len(received) == COUNT
    assert set(received.values()) == {1}
    # Both took part: each says how many it sent (the demo's weekly digest may be among them).
    # ("messages: 120 sent", or with other counts first: "messages: 2 cancelled, 122 sent")
    sent_by_each = [int(re.search(r"(\d+) sent", out)[1]) for out, _ in outputs]  # type: ignore[index]
    assert sum(sent_by_each) >= COUNT and min(sent_by_each) > 0, outputs
    states = json.loads(
        server_environment.run_ok("shell", "--no-imports", "-c", STATES).strip().splitlines()[-1]
    )
    assert states == {"states": {"sent": COUNT}, "most_attempts": 1}
