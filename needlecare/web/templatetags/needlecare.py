"""Small template filters the pages share."""

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """A value from a dictionary by a key held in a variable: {{ labels|get_item:m.kind }}."""
    return mapping.get(key, "")
