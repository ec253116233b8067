"""Small helpers the policy's values share: quoting outside values in one-line messages, and
checking region codes."""

import json
from collections.abc import Iterable

from .vocabulary import REGION_SET


def quote(value: object) -> str:
    """A value from outside, quoted for a one-line message (JSON escapes keep it one line)."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value).encode("unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:57] + "..."


def known_regions(values: object, error: type[ValueError], what: str) -> tuple[str, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise error(f"{what} must be a list of region codes, not {quote(values)}")
    values = tuple(values)
    for value in values:
        if not isinstance(value, str) or value not in REGION_SET:
            raise error(f"{what}: unknown region code {quote(value)}")
    return values
