"""The availability rules are plain Python: importing them loads nothing from Django or the app."""

import subprocess
import sys

CHECK = """
import sys
from datetime import date, time, timedelta
from needlecare.scheduling import availability as a
monday = (a.WeeklyPeriod(0, time(9), time(12)),)
offered = a.available_slots(
    clinic=a.ClinicCalendar("America/New_York", monday, rooms={1: ()}),
    therapists=[a.TherapistAgenda(1, monday)],
    first_day=date(2026, 3, 16),
    last_day=date(2026, 3, 16),
    duration=timedelta(minutes=30),
)
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
app = sorted(
    m for m in sys.modules
    if m.startswith("needlecare.")
    and m not in ("needlecare.scheduling", "needlecare.scheduling.availability")
)
print(django, app)
assert len(offered) == 11, offered
assert not django, django
assert not app, app
"""


def test_the_availability_module_imports_nothing_from_django_or_the_rest_of_needlecare():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
