"""Two needling requests for opposite sides of the thorax arrive at once, against a real server:
one is recorded, the other refused, never both (a bilateral pneumothorax risk)."""

import http.client
import json
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from needlecare.common.testing.charting import NEEDLE
from needlecare.common.testing.server import sign_in

pytestmark = pytest.mark.server

SESSIONS = 6
DANA = "dana.reyes@demo.needlecare.test"

# Open sessions in the upper back (thorax) for fresh patients, each screened, consented (thorax
# included) and checked in with Dana on a Wednesday five weeks on: the script travels to that
# morning, as check-in and the record's opening happen only on the visit's day.
SETUP = """
import datetime as dt, json
import time_machine
from needlecare.accounts.models import User
from needlecare.charting.consent_documents import consent_document_current
from needlecare.charting.services import consent_countersign, consent_sign, session_open
from needlecare.clinics.models import Clinic, Therapist
from needlecare.common.time import clinic_today, clinic_zone
from needlecare.patients.services import patient_register_by_staff
from needlecare.scheduling.models import AppointmentType
from needlecare.scheduling.selectors import slots_for
from needlecare.scheduling.services import appointment_book, appointment_transition
from needlecare.screening.policy import parse_intake
from needlecare.screening.services import screening_record

clinic = Clinic.objects.get(slug="stoughton")
desk = User.objects.get(email="frontdesk.stoughton@demo.needlecare.test")
dana = Therapist.objects.get(user__email="{dana}")
kind = AppointmentType.objects.get(clinic=clinic, code="dry-needling")
document = consent_document_current(clinic)
today = clinic_today(clinic)
day = today + dt.timedelta(days=(2 - today.weekday()) % 7 + 35)
morning = dt.datetime.combine(day, dt.time(7, 0), tzinfo=clinic_zone(clinic))
traveller = time_machine.travel(morning, tick=True)
traveller.start()
sessions = []
for n in range({sessions}):
    patient = patient_register_by_staff(
        details={{"first_name": "Thorax", "last_name": f"Patient {{n}}",
                 "date_of_birth": dt.date(1975, 5, 5), "phone": "781-555-0199"}},
        clinic=clinic, by=desk,
    )
    screening_record(patient=patient, intake=parse_intake({{"planned_regions": ["upper_back"]}}),
                     by=desk)
    consent = consent_sign(patient=patient, document=document, signed_name=patient.full_name,
                           agreed=True, covers_thorax=True, by=desk, witness=desk)
    consent_countersign(consent=consent, therapist=dana, by=dana.user)
    [first, *_] = slots_for(clinic=clinic, type=kind, first_day=day, last_day=day,
                            therapist_ids=[dana.pk])
    appointment = appointment_book(patient=patient, clinic=clinic, type=kind, therapist=dana,
                                   starts_at=first.start, planned_regions=["upper_back"],
                                   booked_by=desk)
    appointment_transition(appointment=appointment, action="check_in", by=desk)
    session = session_open(appointment=appointment, regions=["upper_back"], by=dana.user,
                           no_changes_confirmed=True)
    sessions.append(session.pk)
traveller.stop()
print(json.dumps(sessions))
"""

ROWS = """
from needlecare.charting.models import NeedlingRecord
print([NeedlingRecord.objects.filter(session_id=pk).count() for pk in {sessions}])
"""


def test_both_sides_of_the_thorax_are_never_needled_in_one_session_even_at_once(
    server_environment, live_server_url
):
    sessions = json.loads(
        server_environment.run_ok(
            "shell", "--no-imports", "-c", SETUP.format(dana=DANA, sessions=SESSIONS)
        )
        .strip()
        .splitlines()[-1]
    )
    url = urllib.parse.urlsplit(live_server_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    jar = sign_in(host, port, DANA)
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"csrftoken={jar['csrftoken']}; sessionid={jar['sessionid']}",
        "X-CSRFToken": jar["csrftoken"],
    }
    barrier = threading.Barrier(2 * SESSIONS)

    def needle(job: tuple[int, str]) -> tuple[int, int, str]:
        session_id, side = job
        body = json.dumps({**NEEDLE, "muscle": "rhomboids", "side": side})
        conn = http.client.HTTPConnection(host, port, timeout=120)  # one connection each
        try:
            barrier.wait(timeout=60)
            conn.request("POST", f"/api/charting/sessions/{session_id}/needling", body, headers)
            response = conn.getresponse()
            return (
                session_id,
                response.status,
                json.loads(response.read() or b"{}")["detail"] if (response.status != 201) else "",
            )
        finally:
            conn.close()

    jobs = [(session_id, side) for session_id in sessions for side in ("left", "right")]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(needle, jobs))

    for session_id in sessions:
        answers = sorted(status for sid, status, _ in results if sid == session_id)
        assert answers == [201, 400], (session_id, results)
    refusals = {detail for _, status, detail in results if status == 400}
    assert all("Both sides of the thorax" in detail for detail in refusals), refusals
    stored = server_environment.run_ok(
        "shell", "--no-imports", "-c", ROWS.format(sessions=sessions)
    )
    assert json.loads(stored.strip().splitlines()[-1]) == [1] * SESSIONS
