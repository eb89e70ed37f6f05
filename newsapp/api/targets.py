"""Which article a target's URL names: a Gloss article page, or the page an article in the
library was imported from (after canonicalisation); otherwise none yet."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from newsapp.articles.models import Article
from newsapp.text.canonical_url import canonicalize_url


def canonical_target(url: str) -> str:
    """The canonical form of a web address; any other IRI (a urn:, say) as given."""
    try:
        if urlsplit(url).scheme.lower() not in {"http", "https"}:
            return url
        return canonicalize_url(url)[:2000]
    except ValueError:  # not a URL urllib can split (a broken IPv6 host, say): as given
        return url


def article_for_target(url: str, *, host: str) -> Article | None:
    """The article ``url`` names, if Gloss has it: its reader page on this site (``host``),
    or its original address in any of its spellings."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in {"http", "https"} and parts.netloc.lower() == host.lower():
        try:
            match = resolve(parts.path)
        except Resolver404:
            match = None
        if match is not None and match.view_name == "articles:detail":
            return Article.objects.filter(slug=match.kwargs["slug"]).first()
    return Article.objects.matching_urls(list(dict.fromkeys([canonical_target(url), url]))).first()


def article_addresses(article: Article) -> list[str]:
    """Every canonical address waiting annotations may have used for ``article``."""
    found = [article.canonical_url]
    if article.source_url:
        found += [article.source_url, canonical_target(article.source_url)]
    return list(dict.fromkeys(url for url in found if url))
