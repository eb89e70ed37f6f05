"""The reader page: one article, every layer's marks in its body, every layer's fragments in
the page's slots, composed in a fixed number of queries whatever the number of annotations.

The marked-up body is cached per page key (`reader.cache`): a warm page costs no layer queries
at all; a cold one costs a fixed number per layer.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from . import cache
from .layers import active_layers
from .marks import Mark, render_marks


class ReaderPage:
    """What one request shows of one article; layers keep per-request state in `state()`."""

    def __init__(self, request, article, *, target=None) -> None:
        self.request = request
        self.article = article
        self.user = request.user
        self.target = target  # the note a permalink opened at
        self.target_key: str | None = target.public_id if target is not None else None
        self._state: dict[str, dict[str, Any]] = {}

    def state(self, layer_name: str) -> dict[str, Any]:
        """A layer's scratch space for this request (querysets it builds once, say)."""
        return self._state.setdefault(layer_name, {})

    @cached_property
    def variant(self) -> str:
        parts = [f"{layer.name}={layer.variant(self)}" for layer in active_layers()]
        return "|".join([self.target_key or "", *parts])

    @cached_property
    def key(self) -> str:
        return cache.page_key(self.article, user=self.user, variant=self.variant)

    @cached_property
    def _body(self) -> dict[str, Any]:
        return cache.cached(f"{self.key}:body", self._render_body)

    def _render_body(self) -> dict[str, Any]:
        marks: list[Mark] = []
        facts: dict[str, dict] = {}
        for layer in active_layers():
            new_marks, facts[layer.name] = layer.marks(self, marks)
            marks.extend(new_marks)
        body = render_marks(self.article.body_html, marks, target_key=self.target_key)
        return {"html": body.html, "note_keys": " ".join(body.note_keys), "facts": facts}

    @property
    def body_html(self) -> str:
        return self._body["html"]

    @property
    def note_keys(self) -> str:
        """The notes marked in the body, space-separated: marks' `data-ids` number into it."""
        return self._body["note_keys"]

    def facts(self, layer_name: str) -> dict[str, Any]:
        """What `layer_name` cached with the marked-up body."""
        return self._body["facts"].get(layer_name, {})


def reader_context(request, article, *, target=None, **extra) -> dict[str, Any]:
    """Everything the reader page and its HTMX fragments render: the page, and each layer's
    context (lazy where it would cost queries the page may not need)."""
    page = ReaderPage(request, article, target=target)
    context: dict[str, Any] = {"article": article, "page": page, "target": target}
    for layer in active_layers():
        context.update(layer.context(page))
    context.update(extra)
    return context
