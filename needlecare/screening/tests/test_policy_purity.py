"""The screening rules are plain Python: importing them loads nothing from Django or the app."""

import subprocess
import sys

CHECK = """
import sys
import needlecare.screening.policy as policy
policy.evaluate(policy.parse_intake({"planned_regions": ["neck"]}))
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
app = sorted(
    m for m in sys.modules
    if m.startswith("needlecare.")
    and m != "needlecare.screening"
    and not m.startswith("needlecare.screening.policy")
)
print(django, app)
assert not django, django
assert not app, app
"""


def test_the_policy_package_imports_nothing_from_django_or_the_rest_of_needlecare():
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
