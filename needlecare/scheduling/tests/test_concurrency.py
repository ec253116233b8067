"""Fifty people try to book the same time at once, against a real server: one gets it."""

import datetime as dt
import http.client
import json
import threading
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from needlecare.common.testing.server import sign_in

pytestmark = pytest.mark.server

ATTEMPTS = 50
FRONT_DESK = "frontdesk.stoughton@demo.needlecare.test"

SETUP = """
import datetime as dt, json
from needlecare.accounts.models import User
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.services import patient_register_by_staff
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

clinic = Clinic.objects.get(slug="stoughton")
desk = User.objects.get(email="frontdesk.stoughton@demo.needlecare.test")
ids = []
for n in range({attempts}):
    patient = patient_register_by_staff(
        details={{"first_name": "Race", "last_name": f"Patient {{n}}",
                 "date_of_birth": dt.date(1980, 1, 1), "phone": "781-555-0100"}},
        clinic=clinic, by=desk,
    )
    screening_record(patient=patient, intake=parse_intake({{"planned_regions": ["neck"]}}), by=desk)
    ids.append(patient.pk)
today = clinic_today(clinic)
monday = today + dt.timedelta(days=(7 - today.weekday()) + 21)
start = dt.datetime.combine(monday, dt.time(10, 0), tzinfo=clinic_zone(clinic))
therapist = Therapist.objects.get(user__email="dana.reyes@demo.needlecare.test")
print(json.dumps({{"patients": ids, "starts_at": start.isoformat(), "therapist": therapist.pk}}))
"""

COUNT = """
from needlecare.scheduling.models import ACTIVE, Appointment
print(Appointment.objects.filter(starts_at="{starts_at}", status__in=ACTIVE).count())
"""


def test_fifty_simultaneous_bookings_of_one_time_give_one_booking_and_49_conflicts(
    server_environment, live_server_url
):
    setup = json.loads(
        server_environment.run_ok("shell", "--no-imports", "-c", SETUP.format(attempts=ATTEMPTS))
        .strip()
        .splitlines()[-1]
    )
    url = urllib.parse.urlsplit(live_server_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    jar = sign_in(host, port, FRONT_DESK)
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}",
        "X-CSRFToken": jar["csrftoken"],
    }
    barrier = threading.Barrier(ATTEMPTS)

    def attempt(patient_id: int) -> tuple[int, dict[str, object]]:
        body = json.dumps(
            {
                "clinic": "stoughton",
                "type": "dry-needling",
                "therapist_id": setup["therapist"],
                "starts_at": setup["starts_at"],
                "planned_regions": ["neck"],
                "patient_id": patient_id,
            }
        )
        conn = http.client.HTTPConnection(host, port, timeout=120)  # one connection each
        try:
            barrier.wait(timeout=60)
            conn.request("POST", "/api/scheduling/appointments", body, headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        results = list(pool.map(attempt, setup["patients"]))

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: ATTEMPTS - 1}, results[:3]
    refusals = {body["detail"] for status, body in results if status == 409}
    assert all("taken" in r or "not free" in r for r in refusals), refusals
    [winner] = [body for status, body in results if status == 201]
    assert dt.datetime.fromisoformat(str(winner["starts_at"])) == dt.datetime.fromisoformat(
        setup["starts_at"]
    )
    stored = server_environment.run_ok(
        "shell", "--no-imports", "-c", COUNT.format(starts_at=setup["starts_at"])
    )
    assert stored.strip().splitlines()[-1] == "1"
