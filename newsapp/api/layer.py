"""The API's reader layer: annotations sent for a page before Gloss had it attach when it is
imported, and the reader says how many of them (that the viewer may see) were waiting."""

from __future__ import annotations

from typing import Any

from newsapp.annotations.models import Annotation
from newsapp.reader.layers import Layer

from .services import waiting_attach


class ApiLayer(Layer):
    name = "api"
    templates = {"header": "api/reader/_waiting.html"}

    def follow_import(self, *, article) -> int:
        """Attach what waited for this article (inside the import's transaction)."""
        return len(waiting_attach(article=article))

    def context(self, page) -> dict[str, Any]:
        user = page.request.user
        article = page.article
        return {
            # Lazy: one count, only when the header renders.
            "api_waited_count": lambda: (
                Annotation.objects.visible_to(user)
                .filter(article=article, api_waited__isnull=False)
                .count()
            )
        }
