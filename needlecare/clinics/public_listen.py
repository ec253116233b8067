"""On PostgreSQL, a server process hears of changes to the public clinic data (LISTEN) instead
of reading their change count on every request.

NEEDLECARE_PUBLIC_LISTEN=0 turns it off (a pooler in transaction mode does not pass LISTEN on).
The trigger of migration clinics/0006 sends the new count on the `needlecare_public` channel
when a change commits. `needlecare serve` turns listening on (web/serving.py). Each worker then
opens one connection of its own on first need, LISTENs, and only then reads the count, so no
change falls between the two. On each request it takes the notifications that have arrived,
without waiting, and the count they carry. A public page (home, "Is it for me?", how to book)
or the clinic list served from what the process keeps then touches no database at all.

- The count is read again on the listening connection every CHECK_SECONDS, in case a
  notification went missing.
- Any error closes the connection. Until it opens again (after RETRY_SECONDS), the process
  reads the count from the database on each request, as it does everywhere listening is off:
  commands, tests (whose changes stay inside a transaction that never commits, and so never
  notify) and SQLite (which has no LISTEN).

A change shows on every server a moment after it commits: the time PostgreSQL takes to pass
the notification to the listening connection.
"""

import contextlib
import os
import threading
import time
from typing import Any

from django.db import connections

CHANNEL = "needlecare_public"
CHECK_SECONDS = 30.0
RETRY_SECONDS = 5.0
READ = "SELECT generation FROM clinics_publicgeneration WHERE id = 1"


class Listener:
    def __init__(self) -> None:
        self.enabled = False
        self._lock = threading.Lock()
        self._conn: Any = None
        self._pid = 0
        self._count: int | None = None
        self._check_at = 0.0
        self._retry_at = 0.0

    def count(self) -> int | None:
        """The change count as heard; None when this process must read it from the database."""
        if not self.enabled:
            return None
        with self._lock:
            try:
                return self._heard()
            except Exception:  # noqa: BLE001 - any failure: read the row until a retry works
                self._close()
                self._retry_at = time.monotonic() + RETRY_SECONDS
                return None

    def _heard(self) -> int | None:
        now = time.monotonic()
        if self._conn is None or self._pid != os.getpid():
            if now < self._retry_at:
                return None
            self._open()
            now = time.monotonic()
        conn = self._conn
        if now >= self._check_at:
            self._count = self._read(conn)
            self._check_at = now + CHECK_SECONDS
        for notice in conn.notifies(timeout=0):  # in commit order: the last is the newest
            if notice.payload.isdigit():
                self._count = int(notice.payload)
        return self._count

    def _open(self) -> None:
        self._conn = None  # one inherited from a parent process is left to it, never closed here
        database = connections["default"]
        if database.vendor != "postgresql":
            raise RuntimeError("LISTEN needs PostgreSQL")
        params = database.get_connection_params()
        params.setdefault("application_name", "needlecare public listener")
        conn = database.get_new_connection(params)
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn, self._pid = conn, os.getpid()
        self._check_at = 0.0  # read the count now, after LISTEN

    @staticmethod
    def _read(conn: Any) -> int | None:
        row = conn.execute(READ).fetchone()
        return None if row is None else int(row[0])

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and self._pid == os.getpid():
            with contextlib.suppress(Exception):  # it is being dropped anyway
                conn.close()


listener = Listener()


def listen_for_public_changes() -> None:
    """Turn listening on for this process and the workers it forks (`needlecare serve`)."""
    wanted = os.environ.get("NEEDLECARE_PUBLIC_LISTEN", "1").strip() != "0"
    if wanted and connections["default"].vendor == "postgresql":
        listener.enabled = True
