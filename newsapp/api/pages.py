"""The API's pages for people: API tokens under Settings, and the bookmarklet that annotates
any page from anywhere (it only navigates, so no site's Content-Security-Policy can stop it)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsapp.annotations.services import MAX_QUOTE_CHARS
from newsapp.articles.models import Article
from newsapp.articles.services import article_import_url
from newsapp.text.anchoring import locate, selector_for

from .models import ApiToken
from .services import api_token_create, api_token_revoke
from .targets import canonical_target


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    """List, create (the token shown once) and revoke personal API tokens."""
    context: dict = {"new_token": None, "error": ""}
    status = 200
    if request.method == "POST":
        try:
            record, token = api_token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                read_only=request.POST.get("scope") == "read",
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            status = 400
        else:
            context["new_token"], context["new_record"] = token, record
    context["tokens"] = ApiToken.objects.filter(user=request.user)
    response = render(request, "api/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may hold a token shown only once
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, user=request.user)
    messages.success(request, f"Revoked “{token.name}”: it no longer opens the API.")
    return redirect("api:tokens")


@require_GET
def bookmarklet(request):
    """How to install the bookmarklet; the link itself is built from this site's address."""
    open_url = request.build_absolute_uri(reverse("api:bookmarklet_open"))
    script = (
        "javascript:(()=>{location.href='" + open_url + "?url='+encodeURIComponent(location.href)"
        "+'&quote='+encodeURIComponent(String(getSelection()).trim().slice(0,"
        + str(MAX_QUOTE_CHARS)
        + "))})()"
    )
    return render(request, "api/bookmarklet.html", {"script": script})


@login_required
@require_http_methods(["GET", "POST"])
def bookmarklet_open(request):
    """Where the bookmarklet lands: the article (found, or imported on one click), opened at
    the selected words with the annotate form."""
    url = (request.POST.get("url") or request.GET.get("url") or "").strip()
    quote = (request.POST.get("quote") or request.GET.get("quote") or "").strip()
    quote = quote[:MAX_QUOTE_CHARS]
    context = {"url": url, "quote": quote, "error": ""}
    if not url:
        context["error"] = "The bookmarklet sends the page’s address; none came."
        return render(request, "api/bookmarklet_open.html", context, status=400)
    existing = Article.objects.matching_urls(
        list(dict.fromkeys([canonical_target(url), url]))
    ).first()
    if existing is not None:
        return redirect(_annotate_url(request, existing, quote))
    if request.method == "GET":
        return render(request, "api/bookmarklet_open.html", context)
    try:
        imported = article_import_url(url=url, added_by=request.user)
    except ValidationError as error:
        context["error"] = " ".join(error.messages)
        return render(request, "api/bookmarklet_open.html", context, status=400)
    return redirect(_annotate_url(request, imported.article, quote))


def _annotate_url(request, article: Article, quote: str) -> str:
    """The annotate page with the words found in the article, or the reader without any."""
    if not quote:
        return article.get_absolute_url()
    anchor = locate(article.body_text, exact=quote)
    if anchor is None:
        messages.info(request, "The selected words are not in Gloss’s copy of the article.")
        return article.get_absolute_url()
    selectors = selector_for(article.body_text, anchor.start, anchor.end)
    path = reverse("annotations:new", kwargs={"slug": article.slug})
    return path + "?" + urlencode({**selectors, "kind": "note"})
