from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from newsapp.reader import cache as reader_cache
from newsapp.reader import layers, shared
from newsapp.reader.page import reader_context
from newsapp.web import add_service_errors, refusal, render_htmx

from .feed_services import feed_mark_read, feed_unsubscribe
from .forms import ArticleImportForm, ArticleUrlForm, FeedSubscribeForm
from .jobs import TooManyJobs, job_start, refresh_start
from .models import Article, FeedSubscription, Job, JobKind, JobStatus
from .pasted import read_pasted
from .revisions import revision_diff
from .services import SameTextExists, article_import

ARTICLES_PER_PAGE = 12
EVERYTHING = "all"


def library_tabs(request) -> tuple[list[layers.Shelf], layers.Shelf | None]:
    """The library's tabs in order (the layers' shelves around "Library", which is everything)
    and the shelf the request shows (None: everything)."""
    shelves = sorted(layers.library_shelves(request), key=lambda shelf: shelf.position)
    everything = layers.Shelf(
        key=EVERYTHING,
        label="Library",
        count=Article.objects.count(),
        select=lambda articles: articles.newest_first(),
        shortcut="2" if shelves else "",
    )
    tabs = [
        *(s for s in shelves if s.position < 0),
        everything,
        *(s for s in shelves if s.position >= 0),
    ]
    asked = request.GET.get("shelf") or next((s.key for s in shelves if s.default), EVERYTHING)
    shown = next((shelf for shelf in shelves if shelf.key == asked), None)
    return (tabs if shelves else []), shown


@require_GET
def library(request):
    """Every article, newest first, or one of the reader's shelves (their reading list, their
    archive), with a search over titles and text (best matches first within the shelf)."""
    query = request.GET.get("q", "").strip()
    tabs, shelf = library_tabs(request)
    articles = Article.objects.for_library()
    articles = shelf.select(articles) if shelf else articles.newest_first()
    search_error, more_matches = "", False
    if query:
        try:
            articles = articles.search(query)  # best matches first
            more_matches = getattr(articles, "more_matches", False)
        except ValidationError as error:
            search_error, articles = error.messages[0], articles.none()
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    layers.library_cards(page.object_list, request.user)
    context = {
        "page": page,
        "query": query,
        "tabs": tabs,
        "shelf": shelf.key if shelf else EVERYTHING,
        "empty": shelf.empty if shelf else "",
        "search_error": search_error,
        "more_matches": more_matches,
    }
    return render_htmx(
        request,
        "articles/library.html",
        context,
        partial="results",
        status=400 if search_error else 200,
    )


@require_GET
def article_detail(request, slug: str):
    """The reader page; for HTMX (a filter, a change elsewhere), what changed on it. Signed-out
    visitors share one rendering a minute (`reader.shared`)."""
    return shared_article_page(request, slug, "page", reader_page)


def shared_article_page(request, slug: str, variant: str, render):
    """An article's page, `render(request, article)`. Signed-out visitors share one rendering
    a minute (`reader.shared`), found by the article's state alone."""
    if not shared.shareable(request):
        return render(request, get_object_or_404(Article, slug=slug))
    state = Article.objects.state_at(slug)
    if state is None:
        raise Http404("No such article.")
    return shared.shared_page(
        request,
        reader_cache.page_key(state, variant=variant),
        lambda: render(request, get_object_or_404(Article, pk=state.pk)),
    )


def reader_page(request, article: Article):
    return render_htmx(
        request, "reader/page.html", reader_context(request, article), partial="changed"
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    """Paste or upload an article (the address form posts to `article_new_from_url`; after a
    failed fetch without JavaScript, ?url= brings the address back into its field)."""
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    url_form = ArticleUrlForm(initial={"url": request.GET.get("url", "")[:2000]})
    context = {"form": form, "url_form": url_form}
    if request.method == "GET":
        return render(request, "articles/new.html", context)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        pasted = read_pasted(data["body"], data["body_format"], title=data["title"])
        try:
            article = article_import(
                title=pasted.title,
                body=pasted.body,
                body_format=pasted.body_format,
                byline=data["byline"] or pasted.byline,
                source_name=data["source_name"],
                source_url=data["source_url"],
                published_at=data["published_at"] or pasted.published_at,
                language=pasted.language or "en",
                added_by=request.user,
                refuse_same_text=not data["add_again"],
            )
        except SameTextExists as error:
            context["same_text"] = error.article
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added “{article.title}”. Select any words to annotate.")
            return redirect(article)
    return render(request, "articles/new.html", context, status=status)


def already_in_library(request, article: Article):
    """Send the reader to the article they tried to import again (HTMX: a client redirect)."""
    messages.info(
        request,
        f"“{article.title}” is already in the library, so it was not imported again. "
        "Use “Check for changes” to fetch its latest version.",
    )
    if request.htmx:
        return HttpResponseClientRedirect(article.get_absolute_url())
    return redirect(article)


@login_required
@require_POST
def article_new_from_url(request):
    """Import a web page: the fetch runs as a job; the page polls its status."""
    url_form = ArticleUrlForm(request.POST)
    context = {"form": ArticleImportForm(), "url_form": url_form, "url_open": True}

    def answer(status: int = 200, **extra):
        return render_htmx(
            request, "articles/new.html", context | extra, partial="url_import", status=status
        )

    if not url_form.is_valid():
        return answer(400)
    url = url_form.cleaned_data["url"]
    existing = Article.objects.matching_urls([url_form.cleaned_data["canonical_url"], url]).first()
    if existing is not None:
        return already_in_library(request, existing)
    try:
        job = job_start(kind=JobKind.IMPORT_URL, requested_by=request.user, url=url)
    except TooManyJobs as error:
        url_form.add_error("url", str(error))
        return answer(429)
    if request.htmx:
        # The address stays in its field while the job runs: if the fetch fails, the reader
        # corrects it there rather than typing it again.
        return answer(job=job)
    if job.failed:
        url_form.add_error("url", job.message)
        return answer(400)
    if job.finished and job.article is not None:
        if job.outcome == "duplicate":
            return already_in_library(request, job.article)
        messages.success(request, f"{job.message} Select any words to annotate.")
        return redirect(job.article)
    return redirect(job)


@login_required
@require_POST
def article_check(request, slug: str):
    """ "Check for changes": fetch the source again in a job; the reader polls its status."""
    article = get_object_or_404(Article, slug=slug)
    back = article.get_absolute_url()
    if not article.can_check_for_changes:
        message = "This article was not imported from the web: there is no source to check."
        return refusal(request, message, status=400, slot="revision-check", back=back)
    try:
        job = refresh_start(article=article, user=request.user)
    except TooManyJobs as error:
        return refusal(request, str(error), status=429, slot="revision-check", back=back)
    if request.htmx:
        return render_job(request, job, on_reader=True)
    if job.finished:
        (messages.error if job.failed else messages.success)(request, job_sentence(job))
        return redirect(article)
    return redirect(job)


def job_sentence(job: Job) -> str:
    return f"Failed: {job.message}" if job.failed else job.message


def visible_job(request, pk: int) -> Job:
    """The reader's own jobs; checks for changes are shared by everyone reading the article."""
    job = (
        Job.objects.select_related("article", "feed", "revision")
        .filter(Q(requested_by=request.user) | Q(kind=JobKind.REFRESH), pk=pk)
        .first()
    )
    if job is None:
        raise Http404("No such job.")
    if job.is_stale:
        Job.objects.filter(pk=job.pk, status=job.status).update(
            status=JobStatus.FAILED,
            message="The job did not finish: the background worker stopped. Try again.",
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
    return job


def render_job(request, job: Job, *, on_reader: bool = False):
    context = {"job": job, "on_reader": on_reader}
    if job.article is not None and on_reader:
        context["article"] = job.article
    return render(request, "articles/_fragments.html#job_status", context)


@login_required
@require_GET
def job_status(request, pk: int):
    """A job's progress and result: the polled fragment (286 stops polling) or a page."""
    job = visible_job(request, pk)
    if request.htmx:
        response = render_job(request, job, on_reader=request.GET.get("on") == "reader")
        if job.finished:
            response.status_code = HttpResponseStopPolling.status_code
        return response
    return render_htmx(request, "articles/job.html", {"job": job})


DIFF_CACHE_SECONDS = 24 * 3600


@require_GET
def revisions(request, slug: str):
    """What changed between any two revisions, words added and removed in place."""
    article = get_object_or_404(Article, slug=slug)
    listed = list(article.revisions.defer("body_html", "body_text").order_by("number"))
    numbers = [revision.number for revision in listed]
    latest = numbers[-1]
    new_number = _revision_number(request.GET.get("to"), numbers, default=latest)
    old_number = _revision_number(request.GET.get("from"), numbers, default=max(1, new_number - 1))
    diff = None
    if len(numbers) > 1:
        old, new = (
            article.revisions.get(number=old_number),
            article.revisions.get(number=new_number),
        )
        # Revisions never change; the timestamps guard against a reused id (a test database).
        key = "gloss:revision-diff:" + ":".join(
            str(part)
            for part in (old.pk, old.created_at.timestamp(), new.pk, new.created_at.timestamp())
        )
        diff = cache.get_or_set(key, lambda: revision_diff(old, new), DIFF_CACHE_SECONDS)
    context = {
        "article": article,
        "revisions": listed,
        "old_number": old_number,
        "new_number": new_number,
        "diff": diff,
    }
    return render_htmx(request, "articles/revisions.html", context, partial="diff")


def _revision_number(raw: str | None, numbers: list[int], *, default: int) -> int:
    try:
        number = int(raw or default)
    except ValueError:
        return default
    return number if number in numbers else default


# --- Feeds -------------------------------------------------------------------------------


def feeds_context(request, form: FeedSubscribeForm | None = None, job: Job | None = None) -> dict:
    subscriptions = list(
        FeedSubscription.objects.filter(user=request.user)
        .with_unread_counts()
        .order_by("feed__title", "feed__url")
    )
    return {"form": form or FeedSubscribeForm(), "subscriptions": subscriptions, "job": job}


@login_required
@require_http_methods(["GET", "POST"])
def feeds(request):
    """The reader's feeds with unread counts and fetch status; POST subscribes."""
    if request.method == "GET":
        return render_htmx(request, "articles/feeds.html", feeds_context(request))
    form = FeedSubscribeForm(request.POST)

    def answer(context: dict, status: int = 200):
        return render_htmx(
            request, "articles/feeds.html", context, partial="subscribe", status=status
        )

    if form.is_valid():
        subscribed = FeedSubscription.objects.filter(
            user=request.user, feed__url=form.cleaned_data["canonical_url"]
        ).exists()
        if subscribed:
            form.add_error("url", "You already follow this feed.")
    if not form.is_valid():
        return answer(feeds_context(request, form), 400)
    try:
        job = job_start(
            kind=JobKind.SUBSCRIBE, requested_by=request.user, url=form.cleaned_data["url"]
        )
    except TooManyJobs as error:
        form.add_error("url", str(error))
        return answer(feeds_context(request, form), 429)
    if request.htmx:
        return answer(feeds_context(request, job=job))
    if job.failed:
        form.add_error("url", job.message)
        return answer(feeds_context(request, form), 400)
    if job.finished:
        messages.success(request, job.message)
        return redirect("articles:feeds")
    return redirect(job)


def own_subscription(request, pk: int) -> FeedSubscription:
    return get_object_or_404(
        FeedSubscription.objects.select_related("feed"), feed_id=pk, user=request.user
    )


@login_required
@require_GET
def feed_detail(request, pk: int):
    """A feed's items, newest first; opening it marks them read."""
    subscription = own_subscription(request, pk)
    feed = subscription.feed
    items = list(
        feed.items.select_related("article")
        .defer("article__body_html", "article__body_text")
        .order_by(F("published_at").desc(nulls_last=True), "-created_at")[:100]
    )
    for item in items:
        item.is_unread = item.article_id is not None and (
            subscription.last_read_at is None or item.created_at > subscription.last_read_at
        )
    feed_mark_read(subscription=subscription)
    return render(request, "articles/feed.html", {"feed": feed, "items": items})


@login_required
@require_POST
def feed_unsubscribe_view(request, pk: int):
    subscription = own_subscription(request, pk)
    feed_unsubscribe(user=request.user, feed=subscription.feed)
    if request.htmx:
        return render_htmx(
            request, "articles/feeds.html", feeds_context(request), partial="subscriptions"
        )
    messages.success(request, f"Unsubscribed from “{subscription.feed}”.")
    return redirect("articles:feeds")


@login_required
@require_POST
def feed_fetch(request, pk: int):
    """Fetch one feed now (feeds are otherwise polled by ``fetch_feeds``)."""
    subscription = own_subscription(request, pk)
    try:
        job = job_start(kind=JobKind.POLL_FEED, requested_by=request.user, feed=subscription.feed)
    except TooManyJobs as error:
        slot = f"feed-job-{subscription.feed_id}"
        return refusal(request, str(error), status=429, slot=slot, back=reverse("articles:feeds"))
    if request.htmx:
        return render_job(request, job)
    if job.finished:
        (messages.error if job.failed else messages.success)(request, job_sentence(job))
        return redirect("articles:feeds")
    return redirect(job)
