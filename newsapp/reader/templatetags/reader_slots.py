"""`{% reader_slot "name" %}`: every layer's template for a named slot of the reader page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from newsapp.reader.layers import templates_for

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_slot(context, name: str) -> SafeString:
    """Render each layer's template for slot `name` with the current context, in layer order
    (like `{% include %}`, so the templates see everything the page sees)."""
    engine = context.template.engine
    parts = []
    for name_of_template in templates_for(name):
        with context.push():
            parts.append(engine.get_template(name_of_template).render(context))
    return mark_safe("".join(parts))
