"""Whether a secret was written anywhere in the database: every table, every row, as text."""

from typing import Any

from django.db import connection


def _text(value: Any) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def tables_containing(secret: str) -> list[str]:
    """The tables with a row in which `secret` appears (in any column, as text)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # The database's own table names, quoted; nothing from outside goes in.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            if any(secret in _text(v) for row in cursor.fetchall() for v in row):
                found.append(table)
    return found
