"""`needlecare serve`'s request timeout: on PostgreSQL a query of the server running longer than
NEEDLECARE_REQUEST_TIMEOUT is cancelled (it holds no worker); the value is checked."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.db.backends.signals import connection_created

from needlecare.web.serving import limit_queries, request_timeout

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_query_is_cancelled_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEEDLECARE_REQUEST_TIMEOUT", "1")
    limit_queries(request_timeout())
    try:
        connection.close()
        connection.ensure_connection()  # a new connection: the server's setting applies
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW statement_timeout")
                assert cursor.fetchone()[0] == "1s"
                with pytest.raises(OperationalError, match="statement timeout"):
                    cursor.execute("SELECT pg_sleep(3)")
            else:  # SQLite has no such setting: the connection opens and answers as before
                cursor.execute("SELECT 1")
                assert cursor.fetchone()[0] == 1
    finally:
        connection_created.disconnect(dispatch_uid="needlecare.request_timeout")
        connection.close()


def test_the_timeout_must_be_a_number_of_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEEDLECARE_REQUEST_TIMEOUT", "soon")
    with pytest.raises(ImproperlyConfigured, match="NEEDLECARE_REQUEST_TIMEOUT"):
        request_timeout()
    monkeypatch.setenv("NEEDLECARE_REQUEST_TIMEOUT", "0")
    assert request_timeout() == 0
    monkeypatch.delenv("NEEDLECARE_REQUEST_TIMEOUT")
    assert request_timeout() == 30
