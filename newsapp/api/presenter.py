"""Annotations as the API shows them: W3C JSON-LD (the sharing app's presenter, with the API's
IRIs and Gloss's own terms) and rows in the shape of Hypothesis's search API."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.sharing.exports import export_annotation
from newsapp.sharing.w3c.model import ANNOTATION_CONTEXT, ExportAnnotation, ExportSource
from newsapp.sharing.w3c.presenter import to_jsonld

from .models import WaitingAnnotation

GLOSS_CONTEXT_PATH = "/api/ns/gloss.jsonld"
GLOSS_NAMESPACE_PATH = "/api/ns#"


def contexts(base_url: str) -> list[str]:
    return [ANNOTATION_CONTEXT, base_url + GLOSS_CONTEXT_PATH]


def gloss_context(base_url: str) -> dict[str, Any]:
    """Gloss's own JSON-LD context: the terms the W3C vocabulary has no word for."""
    return {
        "@context": {
            "gloss": base_url + GLOSS_NAMESPACE_PATH,
            "visibility": {"@id": "gloss:visibility"},
        }
    }


def annotation_iri(base_url: str, public_id: str) -> str:
    return base_url + reverse("api:annotation", kwargs={"public_id": public_id})


def annotation_jsonld(
    item: Annotation | WaitingAnnotation, *, base_url: str, embedded: bool = False
) -> dict[str, Any]:
    """One annotation; ``embedded`` ones (in a page) carry no @context of their own."""
    if isinstance(item, Annotation):
        record = dataclasses.replace(
            export_annotation(item, base_url=base_url),
            id_url=annotation_iri(base_url, item.public_id),
        )
        identity = getattr(item, "api_identity", None)
        canonical, via = (identity.canonical, identity.via) if identity else ("", "")
    else:
        record = _waiting_record(item, base_url)
        canonical, via = item.canonical, item.via
    document = to_jsonld(record)
    target = document["target"]
    if isinstance(item, WaitingAnnotation) and not item.exact:
        document["target"] = item.target_url
    else:
        # Orphans kept without offsets have no position to give.
        target["selector"] = [
            s
            for s in target["selector"]
            if s.get("type") != "TextPositionSelector" or s.get("start") is not None
        ]
    document["@context"] = contexts(base_url)
    document["visibility"] = item.visibility
    if canonical:
        document["canonical"] = canonical
    if via:
        document["via"] = via
    if embedded:
        del document["@context"]
    return document


def _waiting_record(item: WaitingAnnotation, base_url: str) -> ExportAnnotation:
    return ExportAnnotation(
        id_url=annotation_iri(base_url, item.public_id),
        public_id=item.public_id,
        article_url=item.target_url,
        article_source_url="",
        revision_id_url=None,
        revision_created=None,
        exact=item.exact,
        prefix=item.prefix,
        suffix=item.suffix,
        start=item.start,
        end=item.end,
        kind=item.kind,
        note_markdown=item.note,
        note_html="",
        tags=tuple(item.tags),
        sources=tuple(ExportSource(**source) for source in item.sources),
        creator_name=item.author.get_username(),
        creator_url=None,
        created=item.created_at,
        modified=item.updated_at,
    )


def hypothesis_row(
    item: Annotation | WaitingAnnotation, *, base_url: str, host: str
) -> dict[str, Any]:
    """One row of ``/api/search``, shaped like a Hypothesis annotation."""
    iri = annotation_iri(base_url, item.public_id)
    if isinstance(item, Annotation):
        article = item.article
        uri = article.source_url or base_url + article.get_absolute_url()
        title = [article.title]
        html = base_url + item.get_absolute_url()
        incontext = html
        tags = [tag.name for tag in item.tags.all()]
    else:
        uri, title, html, incontext = item.target_url, [], iri, item.target_url
        tags = item.tags
    selectors: list[dict[str, Any]] = []
    if item.exact:
        quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": item.exact}
        if item.prefix:
            quote["prefix"] = item.prefix
        if item.suffix:
            quote["suffix"] = item.suffix
        selectors.append(quote)
        if item.start is not None:
            selectors.append({"type": "TextPositionSelector", "start": item.start, "end": item.end})
    user = f"acct:{item.author.get_username()}@{host}"
    shared = item.visibility != "private"
    return {
        "id": item.public_id,
        "created": _iso(item.created_at),
        "updated": _iso(item.updated_at),
        "user": user,
        "uri": uri,
        "text": item.note,
        "tags": tags,
        "group": "__world__",
        "permissions": {
            "read": ["group:__world__"] if shared else [user],
            "update": [user],
            "delete": [user],
            "admin": [user],
        },
        "target": [{"source": uri, "selector": selectors}],
        "document": {"title": title},
        "links": {"html": html, "incontext": incontext, "json": iri},
        "flagged": False,
        "hidden": False,
        "user_info": {"display_name": item.author.get_username()},
        "gloss": {
            "kind": item.kind,
            "visibility": item.visibility,
            "attached": isinstance(item, Annotation),
        },
    }


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")
