"""Two `needlecare serve` processes on one database, the demo practice loaded: the front desk,
signed in on each, books the same free time through both at the same moment. One booking wins,
the other is refused with 409, and the database holds one appointment at that time.

(The rate limits holding across the same two servers: common/tests/test_limits.py.)
"""

import datetime as dt
import http.client
import json
import threading
import urllib.parse
from typing import Any

import pytest

from needlecare.common.testing.server import ServerEnvironment, sign_in
from needlecare.demo.data import PATIENTS, STAFF

pytestmark = pytest.mark.server

CLINIC = "stoughton"
# Not dry needling: no screening or consent gate stands between the desk and the booking.
TYPE = "follow-up"
DESK = next(
    email for role, email, _, clinics, _ in STAFF if role == "front_desk" and clinics == [CLINIC]
)
PATIENT = next(p[0] for p in PATIENTS if p[5] == CLINIC)

IDS = """
import json
from needlecare.patients.models import Patient
print(json.dumps(Patient.objects.get(email=EMAIL).pk))
"""

AT_THAT_TIME = """
import json
from needlecare.scheduling.models import ACTIVE, Appointment
rows = Appointment.objects.filter(
    therapist_id=THERAPIST, status__in=ACTIVE, starts_at__lt=END, ends_at__gt=START
)
print(json.dumps(list(rows.values_list("pk", flat=True))))
"""


def _shell(server_environment: ServerEnvironment, code: str, **names: Any) -> Any:
    header = "".join(f"{name} = {value!r}\n" for name, value in names.items())
    out = server_environment.run_ok("shell", "--no-imports", "-c", header + code)
    return json.loads(out.strip().splitlines()[-1])


def _headers(jar: dict[str, str]) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}",
        "X-CSRFToken": jar["csrftoken"],
    }


def _call(
    port: int, method: str, path: str, jar: dict[str, str], body: dict | None = None
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, json.dumps(body) if body else None, _headers(jar))
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def _free_slot(port: int, jar: dict[str, str]) -> dict[str, Any]:
    """A free time three weeks ahead (past the demo's booked fortnight)."""
    first = dt.date.today() + dt.timedelta(days=21)
    query = urllib.parse.urlencode(
        {
            "clinic": CLINIC,
            "type": TYPE,
            "first_day": first.isoformat(),
            "last_day": (first + dt.timedelta(days=7)).isoformat(),
        }
    )
    status, slots = _call(port, "GET", f"/api/scheduling/availability?{query}", jar)
    assert status == 200 and slots, (status, slots)
    return slots[0]


def test_the_same_time_booked_through_two_servers_at_once_is_booked_once(
    server_environment: ServerEnvironment,
    demo_clinics: list[dict[str, str]],
    two_servers: list[int],
) -> None:
    jars = [sign_in("127.0.0.1", port, DESK) for port in two_servers]
    slot = _free_slot(two_servers[0], jars[0])
    booking = {
        "clinic": CLINIC,
        "type": TYPE,
        "therapist_id": slot["therapist_id"],
        "starts_at": slot["start"],
        "patient_id": _shell(server_environment, IDS, EMAIL=PATIENT),
    }
    barrier = threading.Barrier(2)
    answers: list[tuple[int, Any]] = [(0, None), (0, None)]

    def book(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", two_servers[n], timeout=60)
        try:
            conn.connect()
            barrier.wait(timeout=30)
            conn.request(
                "POST", "/api/scheduling/appointments", json.dumps(booking), _headers(jars[n])
            )
            response = conn.getresponse()
            answers[n] = (response.status, json.loads(response.read() or b"null"))
        finally:
            conn.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201, 409], answers
    won = next(body for status, body in answers if status == 201)
    lost = next(body for status, body in answers if status == 409)
    assert lost["detail"], lost
    try:
        held = _shell(
            server_environment,
            AT_THAT_TIME,
            THERAPIST=slot["therapist_id"],
            START=slot["start"],
            END=slot["end"],
        )
        assert held == [won["id"]]
    finally:
        # Leave the time free for other tests sharing the demo.
        cancel = {"reason": "Test booking, cancelled.", "kind": "clinic"}
        path = f"/api/scheduling/appointments/{won['id']}/cancel"
        assert _call(two_servers[1], "POST", path, jars[1], cancel)[0] == 200
