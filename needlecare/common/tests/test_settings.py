"""The settings module, checked against the database the suite runs on and in subprocesses."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

NEEDLECARE = str(Path(sys.executable).parent / "needlecare")


def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEEDLECARE_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [NEEDLECARE, *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_the_environment_names():
    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_each_database_is_configured_for_safe_concurrent_writes():
    db = settings.DATABASES["default"]
    # The backend reads its options when it connects; make sure this test sees a connection.
    connection.ensure_connection()
    if os.environ.get("DATABASE_URL"):
        # PostgreSQL: persistent connections, checked before each reuse.
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert db["CONN_MAX_AGE"] > 0
        assert db["CONN_HEALTH_CHECKS"] is True
    else:
        # SQLite: writers take the lock when the transaction begins.
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]


def test_a_fresh_data_dir_gets_a_wal_sqlite_database_with_full_sync(tmp_path):
    script = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "mode = c.execute('PRAGMA journal_mode').fetchone()[0]\n"
        "sync = c.execute('PRAGMA synchronous').fetchone()[0]\n"
        "print(mode, sync)\n"
        "print(connection.settings_dict['NAME'])"
    )
    result = _run(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={"NEEDLECARE_DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    modes, name = result.stdout.split("\n")[:2]
    assert modes == "wal 2"  # 2 is FULL
    assert Path(name) == tmp_path / "needlecare.sqlite3"


def test_passwords_are_hashed_with_argon2_and_need_twelve_characters():
    from needlecare import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    lengths = [v.get("OPTIONS", {}).get("min_length") for v in real.AUTH_PASSWORD_VALIDATORS]
    assert 12 in lengths


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "NEEDLECARE_ENV": "production",
        "NEEDLECARE_DATA_DIR": str(tmp_path),
        "NEEDLECARE_SECRET_KEY": secrets.token_urlsafe(50),
        "NEEDLECARE_ALLOWED_HOSTS": "clinic.example.org",
        "NEEDLECARE_EMAIL_URL": "smtp://needlecare:secret@mail.example.org:587?tls=1",
        **extra,
    }


def test_production_mode_passes_the_deploy_check_with_no_warnings(tmp_path):
    result = _run(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_refuses_production_without_an_email_server(tmp_path):
    env = _production_env(tmp_path)
    del env["NEEDLECARE_EMAIL_URL"]
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "NEEDLECARE_EMAIL_URL is not set" in result.stderr


def test_the_email_url_configures_the_smtp_server(tmp_path):
    script = (
        "from django.conf import settings as s\n"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER,"
        " s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL)"
    )
    env = {
        "NEEDLECARE_DATA_DIR": str(tmp_path),
        "NEEDLECARE_EMAIL_URL": "smtp://desk%40clinic:p%2Fw@mail.example.org:2525?tls=1",
    }
    result = _run("shell", "--no-imports", "-c", script, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "2525",
        "desk@clinic",
        "p/w",
        "True",
        "False",
    ]


@pytest.mark.parametrize("missing", ["NEEDLECARE_SECRET_KEY", "NEEDLECARE_ALLOWED_HOSTS"])
def test_production_mode_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = _production_env(tmp_path)
    del env[missing]
    result = _run("check", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_settings_are_locked_down(tmp_path):
    script = (
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
        " s.SECURE_SSL_REDIRECT, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )
    result = _run(
        "shell", "--no-imports", "-c", script, env=_production_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True True True True [\"'self'\"]"


def test_the_demo_refuses_to_load_in_production(tmp_path):
    env = _production_env(tmp_path)
    assert _run("migrate", "--noinput", env=env, cwd=tmp_path).returncode == 0
    result = _run("load_demo", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "Refusing to load demo accounts in production" in result.stderr


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("value", "debug"), [(None, "False"), ("0", "False"), ("1", "True")])
def test_debug_is_off_unless_asked_for(tmp_path, value, debug):
    env = {"NEEDLECARE_DATA_DIR": str(tmp_path)}
    if value is not None:
        env["NEEDLECARE_DEBUG"] = value
    script = "from django.conf import settings\nprint(settings.DEBUG)"
    result = _run("shell", "-c", script, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == debug
