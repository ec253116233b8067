import pytest

from needlecare.common.testing.charting import visit  # noqa: F401 - a consented visit
from needlecare.common.testing.object_store import store  # noqa: F401 - an S3-compatible server
from needlecare.common.testing.personas import Practice, build_practice
from needlecare.common.testing.server import (  # noqa: F401 - fixtures for every app's tests
    demo_clinics,
    live_server_url,
    server_environment,
    two_servers,
)
from needlecare.common.testing.smtp import smtp, smtp_server  # noqa: F401 - a real SMTP server
from needlecare.common.testing.two_factor import VerifiedClient


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is the real hasher (see test_settings); tests create many users, so they use a
    # cheap one. The browser tests run a real server process with the real settings.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    # Rate limits live in the cache (the database cache): each test with a database starts
    # with a clean count; a test without one has no cache to count in.
    from django.core.cache import cache

    uses_db = request.node.get_closest_marker("django_db") is not None
    if uses_db or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
        cache.clear()
        # The public pages kept per process: each test's database counts changes afresh.
        from needlecare.clinics.public import forget

        forget()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.MEDIA_ROOT = str(tmp_path) + "/media"  # type: ignore[attr-defined]


@pytest.fixture
def client() -> VerifiedClient:
    # pytest-django's client, but force_login also passes the second step for staff (and
    # patients who turned it on) with a real TOTP device: see common/testing/two_factor.py.
    return VerifiedClient()


@pytest.fixture
def practice(db: None) -> Practice:
    return build_practice()


@pytest.fixture
def schedule(practice: Practice):  # type: ignore[no-untyped-def]
    from needlecare.common.testing.schedule import build_schedule

    return build_schedule(practice)
