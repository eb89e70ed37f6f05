"""Sharing views: share cards, QR codes, the link to the original, embeds, oEmbed, exports, imports.

Every view that shows one annotation finds it through ``shared_annotation``, which applies the
permalink's visibility rule (``visible_to(user, via_link=True)``): a private annotation exists for
its author only (404 for everyone else), unlisted and public ones for anyone with the link.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import split_domain_port, validate_host
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat, truncatechars
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from newsapp.annotations.models import Annotation, Visibility
from newsapp.articles.models import Article
from newsapp.prepared import PreparedLookup
from newsapp.reader import cache as reader_cache
from newsapp.text.fragments import text_fragment_url
from newsapp.text.url_parts import url_host, web_url_parts
from newsapp.web import add_service_errors

from .cards import CARD_SIZE, CardContent, card_cache_key, render_card
from .exports import article_jsonld, article_markdown, reader_jsonld, reader_markdown
from .import_report import ImportReport
from .imports import IMPORT_VISIBILITIES, annotations_import
from .qr import qr_png, qr_svg
from .w3c.model import AnnotationImportError
from .w3c.reading import MAX_IMPORT_BYTES

SHARED_MAX_AGE = 300  # seconds a shared cache may keep a public or unlisted card, QR or embed
CACHE_TIMEOUT = 60 * 60 * 24 * 30  # rendered cards and original links are keyed by content
EMBED_WIDTH = 560
EMBED_HEIGHT = 340
EMBED_SOURCES = 3  # a 340 px card has room for three source lines under the note
IMPORT_REPORT_SESSION_KEY = "gloss:import-report"
REPORT_ROWS = 200  # rows per group kept for the report page after a redirect
JSONLD_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def shared_annotation(request, public_id: str) -> Annotation:
    """The top-level annotation behind a permalink, if this request may open it; else 404."""
    annotation = (
        Annotation.objects.visible_to(request.user, via_link=True)
        .filter(public_id=public_id, parent__isnull=True)
        .select_related("article")
        .defer("article__body_html", "article__body_text")
        .order_by()  # one row: `public_id` is unique
        .first()
    )
    if annotation is None:
        raise Http404("No such annotation, or it is private.")
    return annotation


# What a share card shows, and what decides who may cache it.
CARD_FIELDS = (
    "public_id", "exact", "note", "kind", "visibility", "moderation",
    "article", "article__title", "article__source_name", "article__source_url",
)  # fmt: skip
# Most card requests are link previews, signed out: compiled once (newsapp.prepared), the
# lookup costs its query alone.
_SIGNED_OUT_CARD = PreparedLookup(
    lambda public_id: (
        Annotation.objects.visible_to(None, via_link=True)
        .filter(public_id=public_id, parent__isnull=True)
        .order_by()
    ),
    CARD_FIELDS,
)


def card_annotation(request, public_id: str) -> Annotation:
    """`shared_annotation` for a share card: for signed-out visitors, only what it shows."""
    if request.user.is_authenticated:
        return shared_annotation(request, public_id)
    annotation = _SIGNED_OUT_CARD.instance(public_id)
    if annotation is None:
        raise Http404("No such annotation, or it is private.")
    return annotation


def cache_for(response: HttpResponse, annotation: Annotation) -> HttpResponse:
    """Shared caches may keep what anyone with the link may see; a private or group note (or
    one moderators hold back, which only its author sees) stays private."""
    shared = (Visibility.PUBLIC, Visibility.UNLISTED)
    if annotation.visibility not in shared or annotation.is_moderated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=SHARED_MAX_AGE)
    patch_vary_headers(response, ["Cookie"])
    return response


def permalink_url(request, annotation: Annotation) -> str:
    return request.build_absolute_uri(annotation.get_absolute_url())


# --- one annotation -------------------------------------------------------------------------


def card_content(annotation: Annotation) -> CardContent:
    article = annotation.article
    return CardContent(
        quote=annotation.exact,
        article_title=article.title,
        source_name=article.source_name or url_host(article.source_url),
        speaker=None,  # no speaker data yet: quotes are attributed by the quotes work
        note_first_line=annotation.note or None,
        kind=annotation.kind,
    )


@require_GET
def annotation_card(request, public_id: str):
    """The 1200×630 share card: rendered once per content, then served from the cache."""
    annotation = card_annotation(request, public_id)
    content = card_content(annotation)
    key = card_cache_key(content)
    etag = f'"{key[:40]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        cache_key = f"gloss:card:{key}"
        png = cache.get(cache_key)
        if png is None:
            png = render_card(content)
            cache.set(cache_key, png, CACHE_TIMEOUT)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    return cache_for(response, annotation)


@require_GET
@vary_on_headers("HX-Request")
def annotation_qr_svg(request, public_id: str):
    """The permalink's QR code: an SVG file, or (for htmx) markup to place inline in a card."""
    annotation = shared_annotation(request, public_id)
    svg = qr_svg(permalink_url(request, annotation), label="QR code for the link to this note")
    if request.htmx:
        return cache_for(HttpResponse(svg, content_type="text/html; charset=utf-8"), annotation)
    # Served as a file, the SVG needs its namespace (inline markup inherits it from HTML).
    svg = svg.replace("<svg ", f"<svg {SVG_NAMESPACE} ", 1)
    return cache_for(HttpResponse(svg, content_type="image/svg+xml"), annotation)


@require_GET
def annotation_qr_png(request, public_id: str):
    annotation = shared_annotation(request, public_id)
    response = HttpResponse(qr_png(permalink_url(request, annotation)), content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(
        False, f"gloss-{annotation.public_id}-qr.png"
    )
    return cache_for(response, annotation)


@require_GET
def annotation_original(request, public_id: str):
    """Redirect to the source article with a text fragment that opens it at these words.

    Building the fragment checks the directive against the whole article text (tens of
    milliseconds on a long article), so note cards link here rather than building one per card.
    Browsers keep a text fragment, and the click that asked for it, through an HTTP redirect.
    """
    annotation = shared_annotation(request, public_id)
    article = annotation.article
    if not article.source_url:
        raise Http404("This article has no original to link to.")
    if annotation.is_orphaned or annotation.start is None:
        return cache_for(HttpResponseRedirect(article.source_url), annotation)
    stamp = article.updated_at.timestamp()  # a new revision changes the text and the offsets
    key = f"gloss:original:{article.pk}:{stamp}:{annotation.start}:{annotation.end}"
    target = cache.get(key)
    if target is None:
        try:
            target = text_fragment_url(
                article.source_url, article.body_text, annotation.start, annotation.end
            )
        except ValueError:
            target = article.source_url
        cache.set(key, target, CACHE_TIMEOUT)
    return cache_for(HttpResponseRedirect(target), annotation)


@xframe_options_exempt
@require_GET
def annotation_embed(request, public_id: str):
    """A small standalone card that any site may frame (this path only; the rest stays DENY)."""
    annotation = shared_annotation(request, public_id)
    sources = list(annotation.sources.all()[: EMBED_SOURCES + 1])
    context = {
        "target": annotation,
        "article": annotation.article,
        "note": annotation,
        "sources": sources[:EMBED_SOURCES],
        "more_sources": len(sources) > EMBED_SOURCES,
    }
    response = render(request, "sharing/embed.html", context)
    response["Content-Security-Policy"] = "frame-ancestors *"
    return cache_for(response, annotation)


def annotation_from_url(request, url: str) -> Annotation | None:
    """The annotation a URL of this site points at (its permalink or embed), if visible."""
    parts = web_url_parts(url)
    if parts is None:
        return None
    host, _ = split_domain_port(parts.netloc)
    request_host, _ = split_domain_port(request.get_host())
    if host != request_host and not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name not in ("annotations:permalink", "sharing:embed"):
        return None
    try:
        return shared_annotation(request, match.kwargs["public_id"])
    except Http404:
        return None


def bounded(value: str | None, default: int) -> int:
    """``default``, or the consumer's maximum when smaller (oEmbed: never exceed it)."""
    try:
        limit = int(value) if value else default
    except ValueError:
        return default
    return max(1, min(default, limit))


@require_GET
def oembed(request):
    """oEmbed for permalinks: a rich embed (an iframe of the embed card) as JSON."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse("Only format=json is offered.", status=501, content_type="text/plain")
    url = request.GET.get("url", "")
    if not url:
        return JsonResponse({"error": "Give the permalink to embed as ?url=…"}, status=400)
    annotation = annotation_from_url(request, url)
    if annotation is None:
        return JsonResponse({"error": "No shared annotation at that URL."}, status=404)
    width = bounded(request.GET.get("maxwidth"), EMBED_WIDTH)
    height = bounded(request.GET.get("maxheight"), EMBED_HEIGHT)
    article = annotation.article
    title = f"“{truncatechars(' '.join(annotation.exact.split()), 90)}” — {article.title}"
    embed_url = request.build_absolute_uri(
        reverse("sharing:embed", kwargs={"public_id": annotation.public_id})
    )
    iframe = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0;max-width:100%;border-radius:10px"></iframe>',
        embed_url,
        width,
        height,
        f"Annotation on {article.title} (Gloss)",
    )
    card_url = request.build_absolute_uri(
        reverse("sharing:card", kwargs={"public_id": annotation.public_id})
    )
    payload = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Gloss",
        "provider_url": request.build_absolute_uri("/"),
        "title": title,
        "author_name": annotation.author.get_username(),
        "html": str(iframe),
        "width": width,
        "height": height,
        "thumbnail_url": card_url,
        "thumbnail_width": CARD_SIZE[0],
        "thumbnail_height": CARD_SIZE[1],
        "cache_age": SHARED_MAX_AGE,
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return cache_for(response, annotation)


# --- exports ----------------------------------------------------------------------------------


def download(request, body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # What an export holds depends on who asks.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def site_root(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def as_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@require_GET
def article_export(request, slug: str, fmt: str):
    """An article's annotations that the requester may see listed, as Markdown or JSON-LD."""
    article = get_object_or_404(Article.objects.defer("body_html", "body_text"), slug=slug)
    base = site_root(request)
    id_url = request.build_absolute_uri(request.path)

    def export() -> str:
        if fmt == "md":
            return article_markdown(article, request.user, base_url=base)
        return as_json(article_jsonld(article, request.user, base_url=base, id_url=id_url))

    if request.user.is_authenticated:
        body = export()
    else:
        # Signed out, everyone gets the same file (the public notes), until the notes change.
        key = reader_cache.page_key(article, variant=f"export:{id_url}")
        body = reader_cache.cached(key, export)
    content_type = "text/markdown; charset=utf-8" if fmt == "md" else JSONLD_TYPE
    return download(request, body, content_type, f"{article.slug}-annotations.{fmt}")


@login_required
@require_GET
def reader_export(request, fmt: str):
    """All of the signed-in reader's own annotations, as Markdown or JSON-LD."""
    base = site_root(request)
    filename = f"gloss-{request.user.get_username()}-annotations.{fmt}"
    if fmt == "md":
        body = reader_markdown(request.user, base_url=base)
        return download(request, body, "text/markdown; charset=utf-8", filename)
    document = reader_jsonld(
        request.user, base_url=base, id_url=request.build_absolute_uri(request.path)
    )
    return download(request, as_json(document), JSONLD_TYPE, filename)


# --- import -----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Annotations file",
        help_text="W3C Web Annotation JSON-LD (as Gloss exports it) or a Hypothesis JSON export, "
        f"up to {MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,.jsonld,application/json,application/ld+json"}
        ),
    )
    visibility = forms.ChoiceField(
        label="Who can see the imported notes",
        choices=[(value, Visibility(value).label) for value in IMPORT_VISIBILITIES],
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )

    too_large = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            self.too_large = True
            raise ValidationError(
                f"This file is {filesizeformat(upload.size)}; the limit is "
                f"{filesizeformat(MAX_IMPORT_BYTES)}. Split it, or export one article at a time."
            )
        return upload


def import_template(request) -> str:
    return "sharing/import.html#import_panel" if request.htmx else "sharing/import.html"


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def annotations_import_page(request, slug: str):
    """Upload W3C or Hypothesis annotations onto an article, then see what anchored where."""
    article = get_object_or_404(Article, slug=slug)
    context = {"article": article, "form": ImportForm(), "report": None, "bad_path": None}
    status = 200
    if request.method == "GET":
        saved = request.session.pop(IMPORT_REPORT_SESSION_KEY, None)
        if saved and saved.get("article_slug") == article.slug and "report" in request.GET:
            context["report"] = ImportReport.from_dict(saved)
        return render(request, import_template(request), context)

    form = ImportForm(request.POST, request.FILES)
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            report = annotations_import(
                article=article,
                author=request.user,
                data=data,
                visibility=form.cleaned_data["visibility"],
            )
        except AnnotationImportError as error:
            form.add_error("file", f"Nothing was imported. At {error.path}: {error.problem}.")
            context["bad_path"] = error.path
            status = 400
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            if request.htmx:
                context |= {"report": report, "form": ImportForm()}
                return render(request, import_template(request), context)
            request.session[IMPORT_REPORT_SESSION_KEY] = report.to_dict(rows_per_group=REPORT_ROWS)
            return redirect(reverse("sharing:import", args=[article.slug]) + "?report=1")
    else:
        status = 413 if form.too_large else 400
    return render(request, import_template(request), context, status=status)
