"""A course of care and single bookings of its times, sent at the same moment to a real server:
the course is booked whole or not at all, and no time is ever held twice."""

import datetime as dt
import http.client
import json
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest

from needlecare.common.testing.server import sign_in
from needlecare.web.tests.course_helpers import course_clinic

pytestmark = pytest.mark.server

VISITS = 6
RACED = (2, 4, 6)  # the visits of each course that single bookings race for
# How long the single bookings wait after the course is sent, round by round: from racing it
# head on (a single booking's lighter request usually wins) to letting the course go first.
HEADSTART = (0.0, 0.004, 0.012, 0.25)
ROUNDS = len(HEADSTART)

STORED = """
import json
from needlecare.scheduling.models import ACTIVE, Appointment
rows = Appointment.objects.filter(patient_id__in=PATIENTS, status__in=ACTIVE)
print(json.dumps([[a.patient_id, str(a.series or ""), a.starts_at.isoformat(),
                   a.blocked_until.isoformat()] for a in rows]))
"""


def test_a_course_racing_single_bookings_is_booked_whole_or_not_at_all(
    server_environment, live_server_url
):
    made = course_clinic(server_environment, count=ROUNDS * (1 + len(RACED)))
    zone = ZoneInfo(
        server_environment.run_ok(
            "shell",
            "--no-imports",
            "-c",
            f"from needlecare.clinics.models import Clinic; "
            f"print(Clinic.objects.get(slug={made['slug']!r}).time_zone)",
        )
        .strip()
        .splitlines()[-1]
    )
    first_day = dt.date.fromisoformat(made["first_day"])
    url = urllib.parse.urlsplit(live_server_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    jar = sign_in(host, port, made["desk"])
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}",
        "X-CSRFToken": jar["csrftoken"],
    }
    patients = iter(made["patients"])

    def send(path: str, body: dict, barrier: threading.Barrier, wait: float) -> tuple[int, dict]:
        conn = http.client.HTTPConnection(host, port, timeout=120)
        try:
            conn.connect()
            barrier.wait(timeout=60)
            time.sleep(wait)
            conn.request("POST", path, json.dumps(body), headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()

    outcomes = []
    for r in range(ROUNDS):
        start = dt.datetime.combine(first_day, dt.time(8 + 2 * r), tzinfo=zone)
        course = {
            "clinic": made["slug"],
            "type": "dry-needling",
            "patient_id": next(patients),
            "therapist_id": made["therapist"],
            "first_start": start.isoformat(),
            "count": VISITS,
            "planned_regions": ["neck"],
        }
        singles = [
            {
                "clinic": made["slug"],
                "type": "dry-needling",
                "patient_id": next(patients),
                "therapist_id": made["therapist"],
                "starts_at": (start + dt.timedelta(days=7 * (n - 1))).isoformat(),
                "planned_regions": ["neck"],
            }
            for n in RACED
        ]
        barrier = threading.Barrier(1 + len(singles))
        calls = [("/api/scheduling/series", course, barrier, 0.0)]
        calls += [("/api/scheduling/appointments", s, barrier, HEADSTART[r]) for s in singles]
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            results = list(pool.map(lambda call: send(*call), calls))
        outcomes.append((course, singles, results))

    ids = made["patients"]
    stored = json.loads(
        server_environment.run_ok("shell", "--no-imports", "-c", f"PATIENTS = {ids!r}\n" + STORED)
        .strip()
        .splitlines()[-1]
    )
    for course, singles, results in outcomes:
        (status, body), *single_results = results
        mine = [row for row in stored if row[0] == course["patient_id"]]
        if status == 201:
            # The course came first: every visit is its, each single booking was refused.
            assert len(mine) == VISITS and len({row[1] for row in mine}) == 1
            assert [s for s, _ in single_results] == [409] * len(singles)
        else:
            # A single booking came first: nothing of the course was written, and the refusal
            # names the visits now taken.
            assert status == 409 and body["code"] == "series.not_free", body
            assert mine == []
            named = {c["visit"] for c in body["details"]["conflicts"]}
            won = {n for n, (s, _) in zip(RACED, single_results, strict=True) if s == 201}
            assert named and named <= set(RACED) and won
    # No two active appointments of the therapist overlap, whoever won.
    held = sorted((row[2], row[3]) for row in stored)
    for (_, end), (begin, _) in zip(held, held[1:], strict=False):
        assert end <= begin
