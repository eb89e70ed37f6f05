"""A reader's public page: who they are (their profile) and their public notes, for anyone."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from newsapp.web import render_htmx

from .models import Annotation, Visibility

NOTES_PER_PAGE = 20


@require_GET
def reader_profile(request, username: str):
    """The reader's display name and bio, and their public notes newest first (a page of
    them at a time, in a fixed number of queries)."""
    owner = get_object_or_404(
        get_user_model().objects.select_related("profile"), username=username, is_active=True
    )
    notes = (
        Annotation.objects.visible_to(request.user)
        .top_level()
        .filter(author=owner, visibility=Visibility.PUBLIC)
        .select_related("article")
        .defer("article__body_html", "article__body_text")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "owner": owner,
        "profile": getattr(owner, "profile", None),
        "page": page,
        "is_owner": request.user.is_authenticated and request.user.pk == owner.pk,
    }
    return render_htmx(request, "annotations/profile.html", context, partial="notes")
