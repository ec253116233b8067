"""Two simultaneous requests with one Idempotency-Key, against a real server: one booking."""

import http.client
import json
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from needlecare.common.testing.server import sign_in

pytestmark = pytest.mark.server

PATIENT = "maria.lopez@demo.needlecare.test"

SETUP = """
import datetime as dt, json
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.models import Patient
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

clinic = Clinic.objects.get(slug="stoughton")
patient = Patient.objects.get(user__email="maria.lopez@demo.needlecare.test")
admin = User.objects.get(email="admin@demo.needlecare.test")
screening_record(patient=patient, intake=parse_intake({"planned_regions": ["neck"]}), by=admin)
today = clinic_today(clinic)
monday = today + dt.timedelta(days=(7 - today.weekday()) + 35)
start = dt.datetime.combine(monday, dt.time(14, 0), tzinfo=clinic_zone(clinic))
therapist = Therapist.objects.get(user__email="dana.reyes@demo.needlecare.test")
print(json.dumps({"starts_at": start.isoformat(), "therapist": therapist.pk}))
"""

COUNT = """
from needlecare.scheduling.models import ACTIVE, Appointment
print(Appointment.objects.filter(starts_at="{starts_at}", status__in=ACTIVE).count())
"""


def test_two_simultaneous_requests_with_one_key_book_once_and_answer_alike(
    server_environment, live_server_url
):
    setup = json.loads(
        server_environment.run_ok("shell", "--no-imports", "-c", SETUP).strip().splitlines()[-1]
    )
    url = urllib.parse.urlsplit(live_server_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    jar = sign_in(host, port, PATIENT)
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}",
        "X-CSRFToken": jar["csrftoken"],
        "Idempotency-Key": "two-taps-on-book",
    }
    body = json.dumps(
        {
            "clinic": "stoughton",
            "type": "dry-needling",
            "therapist_id": setup["therapist"],
            "starts_at": setup["starts_at"],
            "planned_regions": ["neck"],
        }
    )
    barrier = threading.Barrier(2)

    def attempt(_: int) -> tuple[int, dict[str, object], str | None]:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            barrier.wait(timeout=30)
            conn.request("POST", "/api/scheduling/appointments", body, headers)
            response = conn.getresponse()
            answer = json.loads(response.read())
            return response.status, answer, response.getheader("Idempotent-Replayed")
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, range(2)))

    assert [status for status, _, _ in results] == [201, 201], results
    assert results[0][1] == results[1][1]  # the same appointment, id and all
    assert sorted(str(replayed) for _, _, replayed in results) == ["None", "true"]
    stored = server_environment.run_ok(
        "shell", "--no-imports", "-c", COUNT.format(starts_at=setup["starts_at"])
    )
    assert stored.strip().splitlines()[-1] == "1"
