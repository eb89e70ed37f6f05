from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..jsonld import article_graph, script_json

register = template.Library()


@register.simple_tag(takes_context=True)
def claims_jsonld(context, claims) -> str:
    """`<script type="application/ld+json">` for the article's quotes and reviewed claims."""
    request = context.get("request")
    if request is None or not claims:
        return ""
    graph = article_graph(claims, request.build_absolute_uri)
    if graph is None:
        return ""
    return format_html('<script type="application/ld+json">{}</script>', script_json(graph))
