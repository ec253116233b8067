"""A real S3-compatible server for tests: moto's standalone server (`moto_server`, from the
`moto[server]` test extra) as a subprocess on a free port, with a bucket made through boto3.
Nothing is mocked in needlecare: it talks HTTP to the server as it would to any object store."""

import contextlib
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from needlecare.common.testing.server import (
    ServerEnvironment,
    _admin_connection,
    _free_port,
    _needlecare_command,
    _with_database,
)

REGION = "us-east-1"
# moto accepts any credentials; needlecare finds them where boto3 always looks.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "needlecare-test", "AWS_SECRET_ACCESS_KEY": "needlecare-test"}


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str
    bucket: str
    prefix: str

    @property
    def url(self) -> str:
        """NEEDLECARE_STORAGE_URL for this bucket and prefix."""
        return f"s3://{self.bucket}/{self.prefix}?endpoint={self.endpoint}&region={REGION}"

    @property
    def env(self) -> dict[str, str]:
        return {"NEEDLECARE_STORAGE_URL": self.url, **CREDENTIALS}

    @property
    def where(self) -> str:
        """How the manifest and the commands name it."""
        return f"s3://{self.bucket}/{self.prefix} at {self.endpoint}"

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def keys(self, under: str = "") -> list[str]:
        """Every object's key below the prefix (and `under`), without the prefix."""
        found = []
        pages = self.client().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=f"{self.prefix}/{under}"):
            found += [item["Key"] for item in page.get("Contents", [])]
        return sorted(key.removeprefix(f"{self.prefix}/") for key in found)

    def read(self, name: str) -> bytes:
        answer = self.client().get_object(Bucket=self.bucket, Key=f"{self.prefix}/{name}")
        return answer["Body"].read()


@contextlib.contextmanager
def moto_server(log_dir: Path) -> Iterator[str]:
    """`moto_server` on a free port until the block ends; yields its endpoint URL."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    script = Path(sys.executable).parent / "moto_server"
    log_path = log_dir / "moto.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(script), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited with {process.returncode}: {log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310
                    break
            except urllib.error.HTTPError:
                break  # it answers: up
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start in 30 s: {log_path.read_text()}")
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def object_store(log_dir: Path) -> Iterator[ObjectStore]:
    """A fresh bucket (with a prefix, as a shared bucket would have) on a fresh moto server."""
    with moto_server(log_dir) as endpoint:
        store = ObjectStore(
            endpoint=endpoint, bucket=f"needlecare-{secrets.token_hex(4)}", prefix="practice"
        )
        store.client().create_bucket(Bucket=store.bucket)
        yield store


@contextlib.contextmanager
def installation(
    data_dir: Path, extra_env: dict[str, str], *, migrate: bool = True
) -> Iterator[ServerEnvironment]:
    """A fresh installation in `data_dir` (SQLite there, or a PostgreSQL database of its own
    when DATABASE_URL is set), migrated unless told not to, its commands run with `extra_env`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.pop("NEEDLECARE_TEST_SQLITE", None)
    env.update(NEEDLECARE_DATA_DIR=str(data_dir), NEEDLECARE_DEBUG="0", NEEDLECARE_WORKERS="1")
    env.update(extra_env)
    base_url = os.environ.get("DATABASE_URL", "").strip()
    name = f"needlecare_store_{secrets.token_hex(5)}" if base_url else ""
    if base_url:
        with _admin_connection(base_url) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = _with_database(base_url, name) if base_url else ""
    try:
        environment = ServerEnvironment(command=_needlecare_command(), env=env, data_dir=data_dir)
        if migrate:
            environment.run_ok("migrate", "--noinput")
        yield environment
    finally:
        if base_url:
            with _admin_connection(base_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    """A real S3-compatible server (moto) with a bucket, for a test module."""
    with object_store(tmp_path_factory.mktemp("moto")) as made:
        yield made
