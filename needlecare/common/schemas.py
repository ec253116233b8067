"""Schemas every API router shares: the refusal message, and the base of every request schema.

PostgreSQL text and JSON cannot hold a NUL character, so a NUL in a slug, a muscle name or a
measure's answers would end as a database error (a 500). Request schemas derive from `Input`,
which refuses NUL in every declared field (dictionary keys included) with a 400 after the
caller is signed in, and says so in the OpenAPI schema: every string gets the pattern NO_NUL,
every dictionary's keys too. Path parameters that are text use `Slug`.
"""

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

NO_NUL = r"^[^\x00]*$"
NUL_REFUSED = "Text may not contain NUL characters."


def _refuse_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError(NUL_REFUSED)
    return text


# A text path parameter: declared with NO_NUL, refused in plain words.
Slug = Annotated[str, AfterValidator(_refuse_nul), Field(json_schema_extra={"pattern": NO_NUL})]


# A wall-clock time of day in a clinic's own time zone (opening hours): "HH:MM". Not JSON
# Schema's "time" format, which is RFC 3339's full-time and requires a UTC offset that a
# recurring local time does not have.
ClockTime = Annotated[
    dt.time,
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "description": "A time of day (HH:MM, 24-hour) in the clinic's time zone.",
        }
    ),
]


class Message(Schema):
    """Every refusal the API gives: one sentence a person can act on; a refusal by a rule of the
    clinic also carries its stable code (for programs to branch on), the input it is about, and
    any structured details (e.g. what is missing before a record can be signed)."""

    detail: str
    code: str | None = None
    field: str | None = None
    details: dict[str, Any] | None = None


def _carries_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_carries_nul(k) or _carries_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_carries_nul(v) for v in value)
    return False


def _declare_no_nul(node: Any) -> None:
    """Add NO_NUL to every string (and every object's keys) in a JSON schema, in place."""
    if isinstance(node, list):
        for item in node:
            _declare_no_nul(item)
        return
    if not isinstance(node, dict):
        return
    plain_string = node.get("type") == "string" and not {"enum", "const", "format"} & set(node)
    if plain_string:
        node.setdefault("pattern", NO_NUL)
    if node.get("type") == "object" and "additionalProperties" in node:
        node.setdefault("propertyNames", {"pattern": NO_NUL})
    for key in ("properties", "items", "anyOf", "oneOf", "allOf", "additionalProperties"):
        child = node.get(key)
        if key == "properties" and isinstance(child, dict):
            child = list(child.values())
        _declare_no_nul(child)


class Input(Schema):
    """The base of every request body and query schema: no NUL in any of its text."""

    model_config = ConfigDict(json_schema_extra=_declare_no_nul)

    @model_validator(mode="after")
    def _refuse_nul_anywhere(self) -> "Input":
        if any(_carries_nul(getattr(self, name)) for name in type(self).model_fields):
            raise ValueError(NUL_REFUSED)
        return self
