from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from newsapp.annotations.cards import note_with_details
from newsapp.annotations.models import Annotation, Visibility
from newsapp.annotations.scoring import ORDERING_EXPLANATION
from newsapp.articles.models import Article
from newsapp.articles.views import shared_article_page
from newsapp.ratelimit import RateLimited
from newsapp.reader import shared
from newsapp.web import refusal, render_htmx, safe_next

from . import ratings, services
from .models import AttributionCorrection, Quote, Speaker
from .reader import panel_quote, reader_claims
from .selectors import (
    QUOTES_PER_PAGE,
    ClaimStatus,
    attach_annotations,
    claim_groups,
    count_by_status,
    quote_story,
    reattributed_away,
    speaker_page_key,
)

# --- speakers, claims, quotes ------------------------------------------------------------------


@require_GET
def speaker_detail(request, slug: str):
    """What a speaker said across the library. Signed-out visitors share one rendering a
    minute, until the speaker's quotes or the notes on them change (`reader.shared`)."""
    speaker = get_object_or_404(Speaker, slug=slug)
    if not shared.shareable(request):
        return speaker_page(request, speaker)
    key = speaker_page_key(speaker)
    return shared.shared_page(request, key, lambda: speaker_page(request, speaker))


def speaker_page(request, speaker: Speaker):
    quotes = (
        Quote.objects.said_by(speaker)
        .select_related("article", "speaker")
        .defer("article__body_html", "article__body_text")
        .order_by("-article__published_at", "-article__created_at", "article_id", "start")
    )
    page = Paginator(quotes, QUOTES_PER_PAGE).get_page(request.GET.get("page"))
    page_quotes = list(page.object_list)
    attach_annotations(page_quotes, request.user)
    context = {
        "speaker": speaker,
        "page": page,
        "quotes": page_quotes,
        "article_count": quotes.order_by().values("article_id").distinct().count(),
        "reattributed": reattributed_away(speaker) if page.number == 1 else [],
    }
    return render_htmx(request, "claims/speaker.html", context, partial="quote_list")


@require_GET
def article_claims(request, slug: str):
    """The article's claims with their context notes. Signed-out visitors share one rendering
    a minute, until the article's notes change (`reader.shared`)."""
    return shared_article_page(request, slug, "claims", claims_page)


def claims_page(request, article: Article):
    groups = claim_groups(article, request.user)
    status = request.GET.get("status", "")
    shown = [group for group in groups if group.status == status] if status else groups
    context = {
        "article": article,
        "groups": shown,
        "counts": count_by_status(groups),
        "total": len(groups),
        "status": status if status in ClaimStatus.LABELS else "",
        "statuses": ClaimStatus.LABELS,
        "explanation": ORDERING_EXPLANATION,
    }
    return render_htmx(request, "claims/article_claims.html", context, partial="claim_list")


@require_GET
def quote_detail(request, pk: int):
    quote = get_object_or_404(Quote.objects.with_speakers().select_related("article"), pk=pk)
    context = {
        "story": quote_story(quote, request.user),
        "article": quote.article,
        "explanation": ORDERING_EXPLANATION,
    }
    return render(request, "claims/quote.html", context)


# --- attribution corrections -------------------------------------------------------------------


@login_required
@require_POST
def attribution_correct(request, pk: int):
    quote = get_object_or_404(Quote.objects.with_speakers().select_related("article"), pk=pk)
    slot = f"attribution-error-{quote.pk}"
    back = safe_next(request, quote.get_absolute_url())
    try:
        if request.POST.get("action") == "withdraw":
            services.attribution_withdraw(quote=quote, reader=request.user)
            done = "Your correction was withdrawn."
        else:
            services.attribution_correct(
                quote=quote, reader=request.user, speaker_name=request.POST.get("speaker", "")
            )
            done = "Thank you: your answer is counted."
    except ValidationError as error:
        return refusal(request, " ".join(error.messages), status=400, slot=slot, back=back)
    except RateLimited as error:
        return refusal(request, str(error), status=429, slot=slot, back=back)
    if request.htmx:
        quote = Quote.objects.with_speakers().select_related("article").get(pk=quote.pk)
        corrections = AttributionCorrection.objects.filter(quote=quote)
        context = {
            "quote": panel_quote(quote, corrections.count()),
            "my_answer": corrections.filter(reader=request.user)
            .values_list("speaker__name", flat=True)
            .first(),
            "done": done,
            "next": back,
            "in_panel": request.POST.get("in_panel") == "1",
            "open_form": request.POST.get("in_panel") != "1",
        }
        return render(request, "claims/_fragments.html#attribution", context)
    messages.success(request, done)
    return redirect(back)


# --- ratings -----------------------------------------------------------------------------------


def rateable_note(request, public_id: str) -> Annotation | None:
    """The note, if the reader may see it and it is public; else None (answer 404)."""
    return (
        Annotation.objects.visible_to(request.user)
        .filter(public_id=public_id, visibility=Visibility.PUBLIC)
        .select_related("article")
        .first()
    )


@login_required
@require_POST
def note_rate(request, public_id: str):
    slot = f"rating-error-{public_id}"
    note = rateable_note(request, public_id)
    if note is None:
        message = "That note does not exist, was deleted, or is not public."
        if not request.htmx:
            raise Http404(message)
        return refusal(request, message, status=404, slot=slot, back="/")
    back = safe_next(request, f"{note.article.get_absolute_url()}#note-{note.public_id}")
    try:
        if request.POST.get("value") == "clear":
            ratings.note_unrate(annotation=note, rater=request.user)
        else:
            ratings.note_rate(
                annotation=note, rater=request.user, value=request.POST.get("value", "")
            )
    except PermissionDenied as error:
        return refusal(request, str(error), status=403, slot=slot, back=back)
    except ValidationError as error:
        return refusal(request, " ".join(error.messages), status=400, slot=slot, back=back)
    except RateLimited as error:
        return refusal(request, str(error), status=429, slot=slot, back=back)
    if request.htmx:
        # Fresh: the rescore may have marked the article changed again (new cache key).
        article = Article.objects.get(pk=note.article_id)
        rated_from = "page" if request.POST.get("from") == "page" else "reader"
        context = {
            "note": note_with_details(note, request.user),
            "article": article,
            "rated": True,
            "in_reader": rated_from == "reader",
            # The refreshed buttons post the same way again (claims, quote and speaker pages
            # name the speaker above the note and have no context box).
            "rating_from": rated_from,
            "rating_next": back if rated_from == "page" else "",
            "hide_speaker": rated_from == "page",
        }
        if context["in_reader"]:
            context["claims"] = reader_claims(article)
        return render(request, "claims/_fragments.html#rated", context)
    messages.success(request, "Thank you: your rating is counted.")
    return redirect(back)
