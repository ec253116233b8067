"""Outcome scoring is plain Python: importing it loads nothing from Django or the app."""

import subprocess
import sys

CHECK = """
import sys
import needlecare.outcomes.instruments as instruments
instruments.score("nprs", {"pain": 4})
instruments.change("odi", 40, 28)
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
app = sorted(
    m for m in sys.modules
    if m.startswith("needlecare.")
    and m != "needlecare.outcomes"
    and not m.startswith("needlecare.outcomes.instruments")
)
print(django, app)
assert "django" not in sys.modules, django
assert not django, django
assert not app, app
"""


def test_the_instruments_package_imports_nothing_from_django_or_the_rest_of_needlecare():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
