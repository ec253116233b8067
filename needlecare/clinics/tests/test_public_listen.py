"""A server on PostgreSQL hears the public clinic data's change count (LISTEN) instead of reading
it on every request (clinics/public_listen.py): each committed change is heard, a dropped
connection sends the process back to reading the row until it listens again, and SQLite (no
LISTEN) always reads the row."""

import time
from collections.abc import Callable

import pytest
from django.db import connection

from needlecare.clinics.models import PublicGeneration
from needlecare.clinics.public import public_generation
from needlecare.clinics.public_listen import Listener, listen_for_public_changes, listener

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "needlecare public listener"


def _eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def _row() -> int:
    return PublicGeneration.objects.get(id=1).generation


def test_only_a_postgresql_server_listens_unless_told_not_to(monkeypatch) -> None:
    try:
        listen_for_public_changes()
        assert listener.enabled is (connection.vendor == "postgresql")
        listener.enabled = False
        monkeypatch.setenv("NEEDLECARE_PUBLIC_LISTEN", "0")
        listen_for_public_changes()
        assert listener.enabled is False
    finally:
        listener.enabled = False
    assert Listener().count() is None  # off: the row is read


def test_each_committed_change_is_heard_and_a_dropped_connection_reads_the_row(practice) -> None:
    PublicGeneration.objects.get_or_create(id=1)
    heard = Listener()
    heard.enabled = True
    if connection.vendor != "postgresql":  # no LISTEN: the row is read, and it counts changes
        before = public_generation()
        assert heard.count() is None
        practice.stoughton.name = "Stoughton Centre"
        practice.stoughton.save()
        assert public_generation() == before + 1
        return
    try:
        _heard_until_dropped(heard, practice)
    finally:
        heard.close()


def _heard_until_dropped(heard: Listener, practice) -> None:
    assert heard.count() == _row()
    before = _row()
    practice.stoughton.name = "Stoughton Centre"
    practice.stoughton.save()  # committed: the trigger notifies
    assert _row() == before + 1
    assert _eventually(lambda: heard.count() == before + 1)
    practice.stoughton.opening_hours.all().delete()
    assert _eventually(lambda: heard.count() == before + 2)

    with connection.cursor() as cursor:  # the listening connection goes away
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            [NAME],
        )
        assert cursor.fetchall() == [(True,)]
    assert _eventually(lambda: heard.count() is None)  # the row is read meanwhile
    practice.stoughton.name = "Stoughton"
    practice.stoughton.save()
    assert public_generation() == before + 3
    heard._retry_at = 0.0  # the retry is due: it listens again and reads the count first
    assert heard.count() == before + 3
