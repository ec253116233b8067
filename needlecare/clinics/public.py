"""The clinics as the public sees them (details and opening hours), kept by each server process
until they change.

A database trigger bumps `PublicGeneration` on every change to those tables (migration
clinics/0005), so a process reads one small row per request (or, a server on PostgreSQL, hears
the count: clinics/public_listen.py) and rebuilds what it keeps only when the count has moved:
no stale opening hours, on any number of processes or machines.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connection

from needlecare.clinics.public_listen import listener

T = TypeVar("T")
PAGE_SECONDS = 24 * 60 * 60  # how long a kept public page lives at most in a process

_kept: dict[str, tuple[int, Any]] = {}


def public_generation() -> int | None:
    """The change count of the public clinic data; None if the counter row is missing (a
    flushed test database), when nothing may be kept. A server on PostgreSQL hears it
    (clinics/public_listen.py); anywhere else it is read."""
    heard = listener.count()
    if heard is not None:
        return heard
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation FROM clinics_publicgeneration WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def kept(name: str, build: Callable[[], T]) -> T:
    """build()'s value, built again only once the public clinic data has changed.

    The count is read before building, so what is kept is at least as new as its count."""
    generation = public_generation()
    if generation is None:
        return build()
    held = _kept.get(name)
    if held is not None and held[0] == generation:
        return held[1]
    value = build()
    _kept[name] = (generation, value)
    return value


def forget() -> None:
    """Drop everything kept (tests: each test's database starts the count again)."""
    _kept.clear()
    caches["pages"].clear()


def page_cache(name: str) -> dict[str, Any]:
    """The context a public page's `{% cache %}` block is keyed on: its name, the change
    count, and a lifetime of 0 (nothing kept) when there is no count."""
    generation = public_generation()
    return {
        "page_cache_key": f"{name}:{generation}",
        "page_cache_seconds": 0 if generation is None else PAGE_SECONDS,
    }
