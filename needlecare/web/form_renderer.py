"""Django's form renderer, without rendering a template for an empty list of errors.

Every field a form shows renders its errors through a template, and Django's error templates
write nothing when there are none. A treatment record shows about ten fields, so that was ten
template renders of nothing per page. The output is the same, byte for byte.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest

ERROR_TEMPLATES = "django/forms/errors/"


class FormRenderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name.startswith(ERROR_TEMPLATES) and not context.get("errors"):
            return ""
        return str(super().render(template_name, context, request))
