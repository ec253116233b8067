"""On PostgreSQL the public-generation trigger also announces the new count (NOTIFY), so a
server process can LISTEN instead of reading the count on every request
(clinics/public_listen.py). SQLite keeps its triggers as they are."""

from django.db import migrations

CHANNEL = "needlecare_public"
BUMP = "UPDATE clinics_publicgeneration SET generation = generation + 1 WHERE id = 1"


def _notify(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION clinics_public_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE counted bigint; "
        f"BEGIN {BUMP} RETURNING generation INTO counted; "
        f"IF counted IS NOT NULL THEN PERFORM pg_notify('{CHANNEL}', counted::text); END IF; "
        "RETURN NULL; END $$"
    )


def _quiet(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION clinics_public_bump() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
    )


class Migration(migrations.Migration):
    dependencies = [("clinics", "0005_public_generation")]

    operations = [migrations.RunPython(_notify, _quiet)]
