"""How each kind of message is written: a renderer per kind, registered by the app that knows
what the message says (each app's `mail` module, found when the outbox app is ready).

A renderer reads the message's record as it is now and returns what to send, or None when the
message no longer applies (a reminder for a visit that moved or was cancelled)."""

import datetime as dt
from collections.abc import Callable

from django.utils import translation

from needlecare.outbox.channels import Rendered
from needlecare.outbox.models import Message

Renderer = Callable[[Message], Rendered | None]
# Reads, in one go, what a batch of messages of one kind will need (e.g. their appointments).
Prefetch = Callable[[list[Message]], None]
_RENDERERS: dict[str, Renderer] = {}
_PREFETCHES: dict[str, Prefetch] = {}


def renders(kind: str, *, prefetch: Prefetch | None = None) -> Callable[[Renderer], Renderer]:
    """Register the renderer of one kind of message (and, optionally, its batch read)."""

    def register(renderer: Renderer) -> Renderer:
        if kind in _RENDERERS:
            raise ValueError(f"{kind!r} already has a renderer")
        _RENDERERS[kind] = renderer
        if prefetch is not None:
            _PREFETCHES[kind] = prefetch
        return renderer

    return register


def prefetch(messages: list[Message]) -> None:
    """Let each kind read what its messages in this batch need, in one query per kind."""
    by_kind: dict[str, list[Message]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for kind, group in by_kind.items():
        if kind in _PREFETCHES:
            _PREFETCHES[kind](group)


def render(message: Message) -> Rendered | None:
    try:
        renderer = _RENDERERS[message.kind]
    except KeyError:
        raise LookupError(f"no renderer for messages of kind {message.kind!r}") from None
    # English, whatever page sent it; a patient's renderer switches to the patient's language.
    with translation.override("en"):
        return renderer(message)


def kinds() -> list[str]:
    return sorted(_RENDERERS)


# Jobs the sender runs on every poll before sending: they queue what falls due by the calendar
# (a weekly digest), each idempotent through its messages' dedupe keys.
Periodic = Callable[[dt.datetime], None]
_PERIODIC: list[Periodic] = []


def every_poll(job: Periodic) -> Periodic:
    """Register a job for the sender to run on every poll."""
    _PERIODIC.append(job)
    return job


def run_periodic(now: dt.datetime) -> None:
    for job in _PERIODIC:
        job(now)
