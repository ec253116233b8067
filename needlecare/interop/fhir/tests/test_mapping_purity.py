"""The FHIR mapping is plain Python: importing values.py and every mapper loads nothing from
Django or the rest of needlecare (from_models is the Django side and is not among them).
The project's structure check (shared/tools/structure.py) keeps its own list of pure cores,
outside this tree; this test holds these modules to the same rule."""

import pkgutil
import subprocess
import sys

from needlecare.interop.fhir import mapping

MAPPERS = sorted(
    f"needlecare.interop.fhir.mapping.{m.name}" for m in pkgutil.iter_modules(mapping.__path__)
)

CHECK = """
import datetime as dt
import importlib
import sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from needlecare.interop.fhir.mapping.people import patient_resource
from needlecare.interop.fhir.values import Address, PatientValue
address = Address("", "Foxboro", "MA", "02035")
patient = patient_resource(PatientValue(1, "A", "B", dt.date(1990, 1, 1), "", "1", address, 2))
ours = ("needlecare", "needlecare.interop", "needlecare.interop.fhir")
django = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
app = sorted(
    m for m in sys.modules
    if m.startswith("needlecare.") and m not in ours
    and not m.startswith(("needlecare.interop.fhir.mapping", "needlecare.interop.fhir.values"))
)
print(django, app)
assert patient["resourceType"] == "Patient", patient
assert not django, django
assert not app, app
"""


def test_the_fhir_mappers_import_nothing_from_django_or_the_rest_of_needlecare():
    assert len(MAPPERS) >= 6
    result = subprocess.run(
        [sys.executable, "-c", CHECK, "needlecare.interop.fhir.values", *MAPPERS],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
