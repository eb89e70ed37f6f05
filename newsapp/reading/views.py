"""The reader's list: save, archive, remove, "Mark as read", and the progress the reader page
reports as the reader scrolls. Each answers an HTMX request with the control that changed and
anything else with a redirect back (post/redirect/get)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from newsapp.articles.models import Article
from newsapp.ratelimit import RateLimited
from newsapp.web import refusal, render_htmx, safe_next

from .layer import minutes_left
from .models import Status
from .services import (
    REMOVE,
    parse_offset,
    reading_mark_read,
    reading_record_progress,
    reading_set_status,
)

SAID = {
    Status.SAVED: "Saved for later: it is on your reading list.",
    Status.READING: "On your reading list.",
    Status.ARCHIVED: "Archived.",
    REMOVE: "Removed from your reading list.",
}


def _article(slug: str) -> Article:
    return get_object_or_404(Article.objects.defer("body_html", "body_text"), slug=slug)


def _answer(request, article, entry, *, message: str):
    """The control that changed (the reader page's or a library card's), or back where the
    reader was."""
    if request.htmx:
        where = "card" if request.POST.get("from") == "card" else "reader"
        context = {
            "article": article,
            "entry": entry,
            "minutes_left": minutes_left(article, entry),
            "said": message,
            "where": where,
        }
        return render_htmx(request, "reading/_controls.html", context)
    messages.success(request, message)
    return redirect(safe_next(request, article.get_absolute_url()))


def _slot(request, article) -> str:
    return (
        f"reading-card-{article.pk}" if request.POST.get("from") == "card" else "reading-controls"
    )


@login_required
@require_POST
def reading_status(request, slug: str):
    article = _article(slug)
    status = request.POST.get("status", "")
    try:
        entry = reading_set_status(reader=request.user, article=article, status=status)
    except ValidationError as error:
        message = " ".join(error.messages)
        return refusal(request, message, status=400, slot=_slot(request, article), back="/")
    except RateLimited as error:
        return refusal(request, str(error), status=429, slot=_slot(request, article), back="/")
    return _answer(request, article, entry, message=SAID[status])


@login_required
@require_POST
def reading_read(request, slug: str):
    """ "Mark as read": archived, read to the end. Works without JavaScript."""
    article = _article(slug)
    try:
        entry = reading_mark_read(reader=request.user, article=article)
    except RateLimited as error:
        return refusal(request, str(error), status=429, slot=_slot(request, article), back="/")
    return _answer(request, article, entry, message="Marked as read and archived.")


@login_required
@require_POST
def reading_progress(request, slug: str):
    """Where the reader is, reported by the reader page as they scroll (204: nothing to swap)."""
    article = _article(slug)
    try:
        position = parse_offset(request.POST.get("position"), "position")
        raw_seen = request.POST.get("seen")
        seen = parse_offset(raw_seen, "seen") if raw_seen not in (None, "") else None
        reading_record_progress(reader=request.user, article=article, position=position, seen=seen)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    except RateLimited as error:
        return HttpResponse(str(error), status=429, content_type="text/plain")
    if request.htmx or request.POST.get("beacon"):
        return HttpResponse(status=204)
    return redirect(safe_next(request, article.get_absolute_url()))
