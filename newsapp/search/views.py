from __future__ import annotations

from django.views.decorators.http import require_GET

from newsapp.text.search_query import MAX_QUERY_CHARS, QueryError
from newsapp.web import render_htmx

from .groups import GROUPS
from .results import WINDOW
from .service import PER_PAGE, search

MAX_PAGE = WINDOW // PER_PAGE


def page_number(value: str) -> int:
    """`?page=`, range-checked: past the last page reads as the last (the group's own count
    narrows it further), anything that is not a number as the first."""
    if not (value.isascii() and value.isdigit()):
        return 1
    return MAX_PAGE if len(value) > 4 else min(max(int(value), 1), MAX_PAGE)


@require_GET
def results(request):
    """Search everything: the page (a GET form that works without JavaScript), its live
    results for HTMX, or the header's short preview (`?preview=1`)."""
    text = request.GET.get("q", "")
    group = request.GET.get("in", "")
    context = {
        "text": text,
        "group": group,
        "groups": [(kind.name, kind.label) for kind in GROUPS],
        "max_chars": MAX_QUERY_CHARS,
        "results": None,
        "error": "",
    }
    status = 200
    try:
        context["results"] = search(
            user=request.user,
            text=text,
            group=group,
            page=page_number(request.GET.get("page", "")),
        )
    except QueryError as error:
        context["error"] = str(error)
        status = 400
    partial = "preview" if request.GET.get("preview") else "results"
    return render_htmx(request, "search/results.html", context, partial=partial, status=status)
