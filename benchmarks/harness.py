"""What the database benchmarks share: each database measured in a child process of its own.

`run_sqlite(script, argv)` runs `script --child sqlite --out FILE ARGV...` on a temporary data
directory (a fresh SQLite file with the settings' pragmas); `run_postgresql(script, argv)` does
the same on a fresh database of a throwaway `scripts/pg-cluster` cluster started with fsync on
(commits cost what they cost in production), or on DATABASE_URL's server when it is set. The
child writes its result as JSON to FILE; the parent returns it.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PG_CLUSTER = ROOT / "scripts" / "pg-cluster"
# Production settings for a benchmark child: debug off, plain HTTP on this machine; `testserver`
# for Django's test client (benchmarks/pages.py), 127.0.0.1 for a served app (benchmarks/http.py).
PRODUCTION_ENV = {
    "NEEDLECARE_ENV": "production",
    "NEEDLECARE_SECRET_KEY": "benchmark-only-" + "x" * 40,
    "NEEDLECARE_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "NEEDLECARE_SSL_REDIRECT": "0",
}


def run_child(script: str, database: str, env: dict[str, str], argv: list[str]) -> Any:
    with tempfile.TemporaryDirectory(prefix="needlecare-bench.") as tmp:
        out = Path(tmp) / "result.json"
        env = {**env, "NEEDLECARE_DATA_DIR": tmp, "NEEDLECARE_DEBUG": "0"}
        env["DJANGO_SETTINGS_MODULE"] = "needlecare.settings"
        command = [sys.executable, script, "--child", database, "--out", str(out), *argv]
        result = subprocess.run(command, env=env, check=False)
        if result.returncode != 0:
            raise SystemExit(f"the {database} run failed (exit {result.returncode})")
        return json.loads(out.read_text())


def run_sqlite(script: str, argv: list[str], env: dict[str, str] | None = None) -> Any:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return run_child(script, "sqlite", {**base, **(env or {})}, argv)


def run_postgresql(script: str, argv: list[str], env: dict[str, str] | None = None) -> Any:
    import psycopg
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "").strip()
    cluster = None
    if not url:
        cluster = tempfile.mkdtemp(prefix="needlecare-bench-pg.")
        subprocess.run(  # fsync on: commits cost what they cost in production
            [str(PG_CLUSTER), "start", cluster],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PG_CLUSTER_FSYNC": "on"},
        )
        url = (Path(cluster) / "database_url").read_text().strip()
    database = f"needlecare_bench_{os.getpid()}"
    name = sql.Identifier(database)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        try:
            child_url = urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
            child_env = {**os.environ, **(env or {}), "DATABASE_URL": child_url}
            return run_child(script, "postgresql", child_env, argv)
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    finally:
        if cluster is not None:
            subprocess.run([str(PG_CLUSTER), "stop", cluster], check=False)


def machine_lines() -> list[str]:
    """When, on what, with which Python and Django: the lines every report starts with."""
    import datetime as dt
    import platform

    import django
    from availability import cpu_model

    return [
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}",
        f"Python {platform.python_version()}, Django {django.get_version()}",
    ]
