"""Reading the contract's JSON body into an Intake, with one clear line for any mistake.

Unknown fields are refused, at the top level and inside a condition: a typo such as
"condition" for "conditions" would otherwise drop what the patient reported and clear them.
Repeated codes are fine (they are merged); JSON objects with a repeated key are refused, since
parsers disagree on which copy wins.
"""

import difflib
import json
from collections.abc import Iterable
from typing import Any

from .errors import IntakeError
from .model import Intake, ReportedCondition
from .vocabulary import CONDITION_CODES, CONDITION_SET, REGION_SET, REGIONS

TOP_FIELDS = ("planned_regions", "conditions", "physician_clearances")
CONDITION_FIELDS = ("code", "regions")


def _describe(value: object) -> str:
    """A value named by its JSON type, with a short sample: 'a string ("neck")'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        kind = "a number"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, list | tuple):
        return "a list"
    elif isinstance(value, dict):
        return "an object"
    else:
        return f"a {type(value).__name__}"
    return f"{kind} ({_sample(value)})"


def _sample(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _unknown(what: str, value: str, known: Iterable[str]) -> IntakeError:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.7)
    hint = f" (did you mean {_sample(close[0])}?)" if close else ""
    return IntakeError(f"unknown {what} {_sample(value)}{hint}")


def _check_fields(obj: dict[Any, Any], where: str, fields: tuple[str, ...]) -> None:
    for key in obj:
        if key not in fields:
            close = difflib.get_close_matches(str(key), fields, n=1, cutoff=0.6)
            hint = f" (did you mean {_sample(close[0])}?)" if close else ""
            raise IntakeError(
                f"{where}unknown field {_sample(key)}{hint}; the fields are {', '.join(fields)}"
            )


def _codes(
    value: object, where: str, what: str, known: frozenset[str], order: Iterable[str]
) -> list[str]:
    """A list of known codes, or IntakeError naming the first problem."""
    if not isinstance(value, list):
        raise IntakeError(f"{where} must be a list of {what}s, not {_describe(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise IntakeError(f"{where}[{i}] must be a {what} (a string), not {_describe(item)}")
        if item not in known:
            raise IntakeError(f"{where}[{i}]: {_unknown(what, item, order)}")
    return value


def parse_intake(data: object) -> Intake:
    """Validate the decoded JSON body (see the screening contract) and build an Intake."""
    if not isinstance(data, dict):
        raise IntakeError(
            f"the input must be a JSON object with planned_regions, not {_describe(data)}"
        )
    _check_fields(data, "", TOP_FIELDS)

    if "planned_regions" not in data:
        raise IntakeError("planned_regions is missing: list the regions planned for needling")
    planned = _codes(data["planned_regions"], "planned_regions", "region code", REGION_SET, REGIONS)
    if not planned:
        raise IntakeError("planned_regions is empty: list at least one region planned for needling")

    conditions = []
    raw_conditions = data.get("conditions", [])
    if not isinstance(raw_conditions, list):
        raise IntakeError(
            f'conditions must be a list of objects like {{"code": "rash"}}, not'
            f" {_describe(raw_conditions)}"
        )
    for i, raw in enumerate(raw_conditions):
        where = f"conditions[{i}]"
        if not isinstance(raw, dict):
            raise IntakeError(
                f'{where} must be an object like {{"code": "rash"}}, not {_describe(raw)}'
            )
        _check_fields(raw, f"{where}: ", CONDITION_FIELDS)
        if "code" not in raw:
            raise IntakeError(f'{where} has no "code"')
        code = raw["code"]
        if not isinstance(code, str):
            raise IntakeError(
                f"{where}.code must be a condition code (a string), not {_describe(code)}"
            )
        if code not in CONDITION_SET:
            raise IntakeError(f"{where}.code: {_unknown('condition code', code, CONDITION_CODES)}")
        regions = _codes(
            raw.get("regions", []), f"{where}.regions", "region code", REGION_SET, REGIONS
        )
        conditions.append(ReportedCondition(code, tuple(regions)))

    clearances = _codes(
        data.get("physician_clearances", []),
        "physician_clearances",
        "condition code",
        CONDITION_SET,
        CONDITION_CODES,
    )
    return Intake(
        planned_regions=tuple(planned),
        conditions=tuple(conditions),
        physician_clearances=frozenset(clearances),
    )


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise IntakeError(f"the key {_sample(key)} appears twice in one JSON object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> object:
    raise IntakeError(f"the input is not valid JSON: {name} is not a JSON number")


def parse_intake_json(raw: bytes | str) -> Intake:
    """Decode a JSON body (UTF-8 bytes or text) and parse it; every problem is an IntakeError.

    The command line uses this; the JSON API can too, so both refuse the same bodies.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start]
            raise IntakeError(
                f"the input is not valid UTF-8 text (byte 0x{bad:02x} at offset {exc.start})"
            ) from None
    else:
        text = raw
    if not text.strip():
        raise IntakeError("the input is empty: expected a JSON object with planned_regions")
    try:
        data = json.loads(text, object_pairs_hook=_no_repeated_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise IntakeError(
            f"the input is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise IntakeError("the input is nested too deeply to be an intake") from None
    except ValueError as exc:
        if isinstance(exc, IntakeError):
            raise
        # e.g. an integer with thousands of digits
        raise IntakeError("the input is not valid JSON: a number in it is too long") from None
    return parse_intake(data)
