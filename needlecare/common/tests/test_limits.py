"""Rate limits in the shared cache (the database cache): counted in fixed windows, answered
with 429 and Retry-After, and held across two real server processes on one database."""

import datetime as dt
import http.client
import json
import time
import urllib.parse

import pytest
import time_machine
from django.db import connection

from needlecare.common.limits import Limit, limit_clear, limit_hit, limit_wait

START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
LIMIT = Limit("test", 3, 60)


@pytest.mark.django_db
def test_a_limit_counts_in_its_window_and_says_how_long_to_wait():
    with time_machine.travel(START + dt.timedelta(seconds=15), tick=False) as traveller:
        assert [limit_hit(LIMIT, "203.0.113.9") for _ in range(3)] == [None, None, None]
        assert limit_wait(LIMIT, "203.0.113.9") == 45
        assert limit_hit(LIMIT, "203.0.113.9") == 45
        assert limit_hit(LIMIT, "198.51.100.7") is None  # another key has its own count
        traveller.shift(dt.timedelta(seconds=45))  # the next window
        assert limit_wait(LIMIT, "203.0.113.9") is None
        assert limit_hit(LIMIT, "203.0.113.9") is None
        limit_hit(LIMIT, "203.0.113.9")
        limit_hit(LIMIT, "203.0.113.9")
        assert limit_hit(LIMIT, "203.0.113.9") == 60
        limit_clear(LIMIT, "203.0.113.9")
        assert limit_wait(LIMIT, "203.0.113.9") is None


@pytest.mark.django_db
def test_counts_are_in_the_database_cache_with_no_address_in_the_clear():
    limit_hit(LIMIT, "203.0.113.9")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM needlecare_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any(":limit:test:" in key for key in keys), keys
    assert not any("203.0.113" in key for key in keys)


@pytest.mark.django_db
def test_the_public_evaluator_answers_429_with_retry_after_and_a_message(client):
    body = json.dumps({"planned_regions": ["neck"]})
    with time_machine.travel(START, tick=False):
        for _ in range(60):
            ok = client.post("/api/screening/evaluate", body, content_type="application/json")
            assert ok.status_code == 200
        limited = client.post("/api/screening/evaluate", body, content_type="application/json")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited.json()["code"] == "rate_limited" and "wait" in limited.json()["detail"]


# --- Across processes -------------------------------------------------------------------------


def _post(port: int, path: str, body: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body, headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def _clear_of_window_edge(seconds: int) -> None:
    left = seconds - time.time() % seconds
    if left < 20:
        time.sleep(left + 0.5)


@pytest.mark.server
def test_the_evaluators_limit_holds_across_two_server_processes(two_servers):
    body = json.dumps({"planned_regions": ["neck"]})
    headers = {"Content-Type": "application/json"}
    _clear_of_window_edge(60)
    statuses = [
        _post(two_servers[n % 2], "/api/screening/evaluate", body, headers).status
        for n in range(60)
    ]
    assert statuses == [200] * 60  # thirty on each server
    for port in two_servers:  # either server now refuses: the count is shared
        refused = _post(port, "/api/screening/evaluate", body, headers)
        assert refused.status == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 60


def _csrf(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    response.read()
    conn.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("csrftoken="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError("no CSRF cookie")


@pytest.mark.server
def test_sign_in_failures_count_across_two_server_processes(two_servers):
    _clear_of_window_edge(15 * 60)
    statuses = []
    for n in range(6):
        port = two_servers[n % 2]
        token = _csrf(port)
        body = urllib.parse.urlencode(
            {
                "username": "nobody@example.org",
                "password": f"wrong-password-{n}",
                "csrfmiddlewaretoken": token,
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
        }
        response = _post(port, "/accounts/login/", body, headers)
        statuses.append(response.status)
    assert statuses == [200] * 5 + [429]
    assert int(response.headers["Retry-After"]) > 0
