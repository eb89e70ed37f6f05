from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsapp import ratelimit
from newsapp.articles.models import Article
from newsapp.ratelimit import RateLimited
from newsapp.reader import cache as reader_cache
from newsapp.reader import shared
from newsapp.reader.page import ReaderPage, reader_context
from newsapp.text.occurrences import MAX_OCCURRENCES
from newsapp.web import add_service_errors, refusal, render_htmx, safe_next

from . import reanchor, services
from .cards import annotation_for_permalink, note_with_details, permalink_state
from .forms import AnnotationForm, NoteFieldsForm, ReattachForm, ReplyForm, audience_value
from .layer import (
    HIGHLIGHT_VISIBILITY,
    REMEMBERED_VISIBILITY,
    ReaderNotes,
    notes_page_number,
)
from .models import Annotation, Kind, Visibility

MY_NOTES_PER_PAGE = 20
PREVIEWS_PER_MINUTE = 120


def render_changed(request, article, *, toast="", undo=None):
    """The HTMX answer to any change: the body with its marks, and out of band every part of
    the reader page that depends on them (notes, counts, context...)."""
    context = reader_context(request, article, toast=toast, undo=undo)
    return render(request, "reader/page.html#changed", context)


def changed(request, annotation: Annotation, message: str):
    """After a change to `annotation`: the HTMX swap, or post/redirect/get back to its note."""
    article = annotation.article
    if request.htmx:
        return render_changed(request, article, toast=message)
    messages.success(request, message)
    return redirect(f"{article.get_absolute_url()}#note-{annotation.public_id}")


def own_annotation(request, public_id: str) -> Annotation:
    """The annotation, if the user may change it: 404 when they cannot see it, else 403."""
    annotation = Annotation.objects.filter(public_id=public_id).select_related("article").first()
    if annotation is None:
        raise Http404("No such annotation.")
    if annotation.author_id != request.user.pk:
        visible = Annotation.objects.visible_to(request.user, via_link=True)
        if not visible.filter(pk=annotation.pk).exists():
            raise Http404("No such annotation.")
        raise PermissionDenied("Only the author can change this annotation.")
    return annotation


@require_GET
def notes_page(request, slug: str):
    """A further page of the margin's note cards ("Show more notes"), for the reader's filter;
    without HTMX, the reader page showing it."""
    article = get_object_or_404(Article, slug=slug)
    if not request.htmx:
        return redirect(f"{article.get_absolute_url()}?{request.GET.urlencode()}#notes")
    page = ReaderPage(request, article)
    return HttpResponse(ReaderNotes(page, notes_page_number(request.GET)).notes_html)


@login_required
@require_GET
def annotation_new(request, slug: str):
    """The annotate form: inline (HTMX) beside a selection, or a page that works without JS."""
    article = get_object_or_404(Article, slug=slug)
    initial = {
        key: request.GET[key]
        for key in ("exact", "prefix", "suffix", "start", "end", "kind", "visibility")
        if request.GET.get(key)
    }
    initial.setdefault("visibility", request.session.get(REMEMBERED_VISIBILITY, "public"))
    context = {"article": article, "form": AnnotationForm(initial=initial, user=request.user)}
    return render_htmx(request, "annotations/new.html", context, partial="annotate_form")


@login_required
@require_POST
def annotation_create(request, slug: str):
    article = get_object_or_404(Article, slug=slug)
    form = AnnotationForm(request.POST, user=request.user)
    context = {"article": article, "form": form}
    places = form.pasted_place(article.body_text) if form.is_valid() else []
    if places:
        # Pasted words found in several places: ask which (200), or say the choice was wrong.
        shown, more = places[:MAX_OCCURRENCES], len(places) > MAX_OCCURRENCES
        context |= {"places": shown, "more_places": more}
        status = 400 if form.errors else 200
    elif form.is_valid():
        data = form.cleaned_data
        try:
            annotation = services.annotation_create(
                article=article,
                author=request.user,
                exact=data["exact"],
                prefix=data["prefix"],
                suffix=data["suffix"],
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                note=data["note"],
                tags=data["tags"],
                sources=form.sources,
                visibility=data["visibility"],
                group=data["group"],
                submission_token=data["submission_token"],
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            if request.POST.get("from") != "toolbar":
                request.session[REMEMBERED_VISIBILITY] = audience_value(
                    annotation.visibility, annotation.group_id
                )
            return changed(request, annotation, f"{annotation.get_kind_display()} saved.")
    else:
        status = 400
    # Refused: the form again with its reasons, where the form is (not where success goes).
    return render_htmx(
        request,
        "annotations/new.html",
        context,
        partial="annotate_form",
        status=status,
        target="#annotate-panel",
        swap="innerHTML",
    )


@login_required
@require_POST
def highlight_visibility(request):
    """The reader's default visibility for one-click highlights, chosen in the toolbar."""
    visibility = request.POST.get("visibility", "")
    if visibility not in Visibility.values:
        return refusal(
            request,
            "Choose public, unlisted or only me.",
            status=400,
            slot="highlight-visibility-error",
            back=safe_next(request, "/"),
        )
    request.session[HIGHLIGHT_VISIBILITY] = visibility
    if request.htmx:
        return HttpResponse(status=204)
    return redirect(safe_next(request, "/"))


@login_required
@require_POST
def note_preview(request):
    """The note as it will look, under the rules of saving it: the same size and structure
    limits (400 with the reason), and a per-reader rate (each preview costs a render)."""
    status = 200
    context = {"preview_html": ""}
    try:
        ratelimit.hit(
            "preview",
            request.user.pk,
            limit=PREVIEWS_PER_MINUTE,
            message="That is a lot of previews in a minute; wait a moment and try again.",
        )
        context["preview_html"] = services.note_html(
            services.validate_note(request.POST.get("note", ""))
        )
    except RateLimited as error:
        context["preview_error"], status = str(error), 429
    except ValidationError as error:
        context["preview_error"], status = " ".join(error.messages), 400
    return render(request, "annotations/_fragments.html#preview", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request, public_id: str):
    annotation = own_annotation(request, public_id)
    article = annotation.article
    if request.method == "GET":
        form = NoteFieldsForm(
            initial={
                "kind": annotation.kind,
                "note": annotation.note,
                "visibility": audience_value(annotation.visibility, annotation.group_id),
                "tags": ", ".join(annotation.tags.values_list("name", flat=True)),
            },
            user=request.user,
            current_group=annotation.group,
        )
        form.sources = list(annotation.sources.all())
    else:
        form = NoteFieldsForm(request.POST, user=request.user, current_group=annotation.group)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.annotation_update(
                    annotation=annotation,
                    user=request.user,
                    note=data["note"],
                    kind=data["kind"],
                    visibility=data["visibility"],
                    group=data["group"],
                    tags=data["tags"],
                    sources=form.sources,
                )
            except RateLimited as error:
                form.add_error(None, str(error))
                status = 429
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return changed(request, annotation, "Changes saved.")
    context = {"annotation": annotation, "article": article, "form": form}
    if not form.is_bound:
        return render_htmx(request, "annotations/edit.html", context, partial="edit_form")
    return render_htmx(
        request,
        "annotations/edit.html",
        context,
        partial="edit_form",
        status=status,
        target=f"#note-{annotation.public_id}",
    )


@login_required
@require_POST
def annotation_delete(request, public_id: str):
    annotation = own_annotation(request, public_id)
    services.annotation_delete(annotation=annotation, user=request.user)
    if request.htmx:
        return render_changed(request, annotation.article, toast="Moved to trash.", undo=annotation)
    messages.success(request, "Moved to your trash. You can restore it from there.")
    return redirect(annotation.article)


@login_required
@require_POST
def annotation_restore(request, public_id: str):
    annotation = own_annotation(request, public_id)
    services.annotation_restore(annotation=annotation, user=request.user)
    if request.htmx and request.POST.get("from") == "reader":
        return render_changed(request, annotation.article, toast="Restored.")
    messages.success(request, "Restored.")
    return redirect(f"{annotation.article.get_absolute_url()}#note-{annotation.public_id}")


@login_required
@require_http_methods(["GET", "POST"])
def annotation_reattach(request, public_id: str):
    """Give an orphaned note new words: selected in the reader, or pasted on this page."""
    annotation = own_annotation(request, public_id)
    article = annotation.article
    form = ReattachForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                reanchor.annotation_reattach(
                    annotation=annotation, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return changed(request, annotation, "Note re-attached.")
        # From a selection in the reader (HTMX): say why in a toast, keep the page.
        context = {"annotation": annotation, "article": article, "form": form}
        return render_htmx(
            request,
            "annotations/reattach.html",
            context,
            partial="reattach_error",
            status=400,
            target="#toast",
            swap="innerHTML",
        )
    context = {"annotation": annotation, "article": article, "form": form}
    return render(request, "annotations/reattach.html", context)


@login_required
@require_POST
def reply_create(request, public_id: str):
    parent = Annotation.objects.visible_to(request.user, via_link=True).filter(public_id=public_id)
    parent = get_object_or_404(parent.select_related("article"))
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_create(
                parent=parent,
                author=request.user,
                note=form.cleaned_data["note"],
                submission_token=form.cleaned_data["submission_token"],
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            if request.htmx:
                return render_changed(request, parent.article, toast="Reply posted.")
            return redirect(f"{parent.article.get_absolute_url()}#note-{parent.public_id}")
    else:
        status = 400
    context = {"note": parent, "reply_form": form}
    return render_htmx(
        request,
        "annotations/_fragments.html#reply_form",
        context,
        status=status,
        target=f"#reply-{parent.public_id}",
    )


@require_GET
def permalink(request, public_id: str):
    """The article opened at one annotation; for HTMX, just that note's card. Signed-out
    visitors share one rendering a minute (`reader.shared`), found by a lean lookup."""
    if shared.shareable(request):
        state = permalink_state(public_id)
        if state is None:
            raise Http404("No such annotation, or it is private.")
        if state.parent_id is not None:
            return redirect(state.parent)
        key = reader_cache.page_key(state.article, variant=f"at:{public_id}")
        return shared.shared_page(
            request,
            key,
            lambda: permalink_page(request, annotation_for_permalink(public_id, request.user)),
        )
    annotation = annotation_for_permalink(public_id, request.user)
    if annotation is None:
        raise Http404("No such annotation, or it is private.")
    if annotation.parent_id is not None:
        return redirect(annotation.parent)
    if request.htmx:
        context = {
            "note": note_with_details(annotation, request.user),
            "article": annotation.article,
        }
        return render_htmx(request, "annotations/_fragments.html#note_card", context)
    return permalink_page(request, annotation)


def permalink_page(request, annotation: Annotation | None):
    if annotation is None:  # gone since the lookup that found the page's key
        raise Http404("No such annotation, or it is private.")
    # The lookup leaves the article's text out: finding a cached page needs none of it.
    annotation.article.refresh_from_db(fields=["body_html", "body_text"])
    context = reader_context(request, annotation.article, target=annotation)
    return render_htmx(request, "reader/page.html", context)


@login_required
@require_GET
def my_notes(request):
    kind = request.GET.get("kind", "")
    tag = request.GET.get("tag", "").strip().lower()
    notes = (
        Annotation.objects.alive()
        .filter(author=request.user)
        .select_related("article", "group")
        .defer("article__body_html", "article__body_text")
        .prefetch_related("tags")
        .order_by("-created_at", "-pk")
    )
    if kind in Kind.values:
        notes = notes.filter(kind=kind)
    if tag:
        notes = notes.filter(tags__name=tag).distinct()
    page = Paginator(notes, MY_NOTES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notes": page.object_list,
        "kinds": Kind,
        "kind": kind,
        "tag": tag,
        "my_tags": sorted(
            set(
                Annotation.tags.through.objects.filter(
                    annotation__author=request.user, annotation__deleted_at__isnull=True
                ).values_list("tag__name", flat=True)
            )
        ),
    }
    return render_htmx(request, "annotations/my_notes.html", context, partial="note_list")


@login_required
@require_GET
def trash(request):
    trashed = (
        Annotation.objects.filter(author=request.user, deleted_at__isnull=False)
        .select_related("article")
        .defer("article__body_html", "article__body_text")
        .order_by("-deleted_at")
    )
    return render(request, "annotations/trash.html", {"trashed": trashed[:500]})
