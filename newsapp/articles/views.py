from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from newsapp.annotations.reader import reader_context
from newsapp.formerrors import add_service_errors

from .forms import ArticleImportForm
from .models import Article
from .services import article_import

ARTICLES_PER_PAGE = 12


@require_GET
@vary_on_headers("HX-Request")
def library(request):
    query = request.GET.get("q", "").strip()[:200]
    articles = Article.objects.for_library().search(query).newest_first()
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    template = "articles/library.html#results" if request.htmx else "articles/library.html"
    return render(request, template, {"page": page, "query": query})


@require_GET
@vary_on_headers("HX-Request")
def article_detail(request, slug: str):
    article = get_object_or_404(Article, slug=slug)
    context = reader_context(request, article)
    if request.htmx and "notes_page" in request.GET:
        return HttpResponse(context["annotations"].notes_html)
    if request.htmx:
        return render(request, "annotations/_changed.html", context)
    return render(request, "articles/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    form = ArticleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                article = article_import(
                    title=data["title"],
                    body=data["body"],
                    body_format=data["body_format"],
                    byline=data["byline"],
                    source_name=data["source_name"],
                    source_url=data["source_url"],
                    published_at=data["published_at"],
                    added_by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Added “{article.title}”. Select any words to annotate.")
                return redirect(article)
        return render(request, "articles/new.html", {"form": form}, status=400)
    return render(request, "articles/new.html", {"form": form})
