"""schema.org JSON-LD for an article page: `ClaimReview` for each claim whose readers' context
is shown, `Quotation` (with its `creator`) for each attributed quote.

The result goes inside `<script type="application/ld+json">`, so `<`, `>` and `&` are escaped
as JSON unicode escapes (as Django's `json_script` does): no quote or note can close the
script element, and the JSON still decodes to the same text.
"""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

from newsapp.text.extract import plain_text

from .reader import ContextItem, ReaderClaims

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
PUBLISHER = {"@type": "Organization", "name": "Gloss readers"}


def article_graph(claims: ReaderClaims, absolute) -> dict | None:
    """The JSON-LD document, or None when there is nothing to say. `absolute(path)` turns a
    site path into a full URL."""
    article = claims.article
    page_url = absolute(article.get_absolute_url())
    appearance = {
        "@type": "NewsArticle",
        "@id": page_url,
        "url": article.source_url or page_url,
        "headline": article.title,
    }
    graph: list[dict] = [appearance]
    for quote in claims.quotes:
        if not quote.speaker:
            continue
        graph.append(
            {
                "@type": "Quotation",
                "@id": f"{page_url}#{quote.anchor}",
                "text": quote.text,
                "creator": {
                    "@type": "Person",
                    "name": quote.speaker,
                    "url": absolute(quote.speaker_url),
                },
                "isPartOf": {"@id": page_url},
            }
        )
    for item in claims.context:
        graph.append(claim_review(item, appearance, absolute))
    if len(graph) == 1:
        return None
    return {"@context": "https://schema.org", "@graph": graph}


def claim_review(item: ContextItem, appearance: dict, absolute) -> dict:
    claim: dict = {"@type": "Claim", "appearance": {"@id": appearance["@id"]}}
    if item.speaker:
        claim["author"] = {"@type": "Person", "name": item.speaker}
    review = {
        "@type": "ClaimReview",
        "url": absolute(item.url),
        "claimReviewed": item.exact,
        "itemReviewed": claim,
        "author": PUBLISHER,
        "datePublished": item.created_at.date().isoformat(),
        "reviewBody": plain_text(item.note_html),
        "reviewRating": {"@type": "Rating", "alternateName": verdict(item)},
    }
    if item.sources:
        review["citation"] = [
            {"@type": "CreativeWork", "url": source.url, "name": source.title or source.url}
            for source in item.sources
        ]
    return review


def verdict(item: ContextItem) -> str:
    """A short textual rating from the stances of the cited sources."""
    stances = {source.stance for source in item.sources}
    if "disputes" in stances and "supports" not in stances:
        return "Disputed by the sources readers cited"
    if "supports" in stances and "disputes" not in stances:
        return "Supported by the sources readers cited"
    if {"supports", "disputes"} <= stances:
        return "Sources readers cited disagree"
    return "Readers added context"


def script_json(data: dict) -> SafeString:
    """JSON safe to place between `<script type="application/ld+json">` and `</script>`."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
