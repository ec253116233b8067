"""No double booking, guaranteed by PostgreSQL: exclusion constraints over half-open ranges.

SQLite has no exclusion constraints; there the booking service's check and insert run in one
IMMEDIATE transaction, which serialises writers (see scheduling.services).
"""

from django.db import migrations

ACTIVE = "status IN ('requested', 'confirmed', 'checked_in', 'completed')"
CONSTRAINTS = {
    # The therapist and the room are held through the buffer; the patient only for the visit.
    "appointment_no_therapist_overlap": "therapist_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&",
    "appointment_no_room_overlap": "room_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&",
    "appointment_no_patient_overlap": "patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&",
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, expression in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({expression}) WHERE ({ACTIVE})"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT {name}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
