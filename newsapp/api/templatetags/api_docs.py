"""The API docs page writes the OpenAPI descriptions' `code spans` as <code>."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()
_CODE = re.compile(r"`([^`]+)`")


@register.filter
def code_spans(text: str) -> str:
    # Escaped first: only the <code> tags added here are markup.
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(text)))
