"""The database side of a backup: its vendor and schema, a consistent copy taken while the
server writes (SQLite's online backup API; pg_dump's snapshot), and putting one back."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from needlecare.ops.manifest import OpsError, TargetNotEmpty, latest_applied

PG_BINARIES = Path("/usr/lib/postgresql")
USER_RELATIONS = """
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
"""


def vendor() -> str:
    return connection.vendor


def code_schema() -> dict[str, str]:
    """The latest migration of each app in this code."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return dict(sorted(graph.leaf_nodes()))


def applied_schema() -> dict[str, str]:
    """The latest migration of each app applied to the database."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    applied = list(MigrationRecorder(connection).applied_migrations())
    depth = {node: len(graph.forwards_plan(node)) for node in applied if node in graph.nodes}
    return latest_applied(applied, depth)


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def sqlite_copy(dest: Path) -> None:
    """A consistent copy through the online backup API: writers carry on meanwhile (WAL)."""
    source = sqlite3.connect(sqlite_path(), timeout=20)
    target = sqlite3.connect(dest)
    try:
        source.execute("PRAGMA busy_timeout=20000")
        source.backup(target)
        (ok,) = target.execute("PRAGMA quick_check").fetchone()
        if ok != "ok":
            raise OpsError(f"the copy of the SQLite database fails its check: {ok}")
    except sqlite3.Error as error:
        raise OpsError(f"could not copy the SQLite database: {error}") from None
    finally:
        target.close()
        source.close()


def sqlite_check_empty() -> None:
    path = sqlite_path()
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            (tables,) = db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        raise TargetNotEmpty(f"{path} exists and is not an empty database ({error})") from None
    if tables:
        raise TargetNotEmpty(
            f"the database {path} is not empty: restore into an empty NEEDLECARE_DATA_DIR"
        )


def sqlite_install(copy: Path) -> None:
    """Put the restored file in place by renaming (same file system), never half-copied."""
    path = sqlite_path()
    sqlite_check_empty()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    os.chmod(copy, 0o600)
    os.replace(copy, path)


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    """The newest Debian postgresql-client's `name` (as scripts/pg-cluster finds initdb), else
    the one on PATH: pg_dump must be at least the server's version."""
    found = sorted(
        PG_BINARIES.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path is None:
        raise OpsError(f"{name} not found: install postgresql-client (apt-get install it)")
    return on_path


def _pg_env() -> dict[str, str]:
    """The connection details as libpq's variables: no password on a command line."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for value, var in ((db.get("HOST"), "PGHOST"), (db.get("PORT"), "PGPORT")):
        if value:
            env[var] = str(value)
    if db.get("USER"):
        env["PGUSER"] = str(db["USER"])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def _run(args: list[str], what: str) -> None:
    # Our own argument list (the binary found above, our file names): no shell, nothing untrusted.
    result = subprocess.run(  # noqa: S603
        args, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit status {result.returncode}"
        raise OpsError(f"{what} failed: {detail}")


def pg_dump(dest: Path) -> None:
    """pg_dump's custom format, from one snapshot: writers carry on meanwhile."""
    _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", f"--file={dest}"], "pg_dump")


def pg_check_empty() -> None:
    with connection.cursor() as cursor:
        cursor.execute(USER_RELATIONS)
        (relations,) = cursor.fetchone()
    if relations:
        name = settings.DATABASES["default"]["NAME"]
        raise TargetNotEmpty(
            f"the database {name} is not empty ({relations} tables and sequences): "
            "restore into a newly created database"
        )


def pg_install(dump: Path) -> None:
    """pg_restore in one transaction: the database is restored whole or left empty."""
    pg_check_empty()
    connection.close()
    _run(
        [
            pg_binary("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            # The only comment is btree_gist's own, which a database user who is not the
            # extension's owner may not set (the models declare no database comments).
            "--no-comments",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(dump),
        ],
        "pg_restore",
    )


def copy_database(dest: Path) -> None:
    if vendor() == "postgresql":
        pg_dump(dest)
    elif vendor() == "sqlite":
        sqlite_copy(dest)
    else:
        raise OpsError(f"backups support SQLite and PostgreSQL, not {vendor()}")


def check_database_empty() -> None:
    if vendor() == "postgresql":
        pg_check_empty()
    else:
        sqlite_check_empty()


def install_database(copy: Path) -> None:
    if vendor() == "postgresql":
        pg_install(copy)
    else:
        sqlite_install(copy)
