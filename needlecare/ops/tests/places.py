"""Installations for the backup tests: a data directory and a database of their own (a fresh
PostgreSQL database when DATABASE_URL is set, else SQLite in the directory), the real
`needlecare` command run against them, and readers of every table's rows and every file."""

import hashlib
import os
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

NEEDLECARE = str(Path(sys.executable).parent / "needlecare")


@dataclass(frozen=True)
class Place:
    data_dir: Path
    database_url: str  # "" for SQLite in data_dir

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.pop("NEEDLECARE_TEST_SQLITE", None)
        env["NEEDLECARE_DATA_DIR"] = str(self.data_dir)
        env["NEEDLECARE_DEBUG"] = "0"
        env["DATABASE_URL"] = self.database_url
        return env

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [NEEDLECARE, *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def run_ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"needlecare {args}: {result.stdout}\n{result.stderr}"
        return result.stdout

    def popen(self, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [NEEDLECARE, *args], env=self.env, cwd=self.data_dir, text=True, **kwargs
        )


def _admin(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, dbname="postgres", autocommit=True)


@contextmanager
def places(tmp: Path, count: int) -> Iterator[list[Place]]:
    """`count` empty installations (database created, nothing in it)."""
    base_url = os.environ.get("DATABASE_URL", "").strip()
    names = [f"needlecare_ops_{secrets.token_hex(5)}" for _ in range(count)]
    made = []
    for i, name in enumerate(names):
        data_dir = tmp / f"place{i}"
        data_dir.mkdir()
        url = ""
        if base_url:
            with _admin(base_url) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))
        made.append(Place(data_dir, url))
    try:
        yield made
    finally:
        if base_url:
            with _admin(base_url) as conn:
                for name in names:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _connect(place: Place) -> Any:
    if place.database_url:
        return psycopg.connect(place.database_url)
    return sqlite3.connect(place.data_dir / "needlecare.sqlite3")


def tables(place: Place) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted; with the column names as the first row."""
    conn = _connect(place)
    try:
        if place.database_url:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                ).fetchall()
            ]
        else:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                ).fetchall()
            ]
        found = {}
        for name in sorted(names):
            # Table names come from the database's own catalogue.
            cursor = conn.execute(f'SELECT * FROM "{name}"')  # noqa: S608
            columns = tuple(d[0] for d in cursor.description)
            found[name] = [columns, *sorted(cursor.fetchall(), key=repr)]
        return found
    finally:
        conn.close()


def files(root: Path) -> dict[str, str]:
    """Every file under root by relative path, with its SHA-256."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def wait_healthy(base_url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail("the restored server did not answer /healthz within 30 s")
