"""`form|errors_above_fields`: the errors a form shows above its fields, in one box.

Each visible field shows its own errors beside it (`_field.html`), where a reader looks for
them; only what has no place of its own goes above: errors about the whole form, and those of
hidden fields and of radio groups (drawn as fieldsets that do not show errors)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def errors_above_fields(form) -> list[str]:
    if form is None or not hasattr(form, "non_field_errors"):
        return []
    found = list(form.non_field_errors())
    for field in form:
        if field.errors and (field.is_hidden or field.widget_type == "radioselect"):
            found.extend(f"{field.label}: {error}" for error in field.errors)
    return found
