"""The article's own part of the reader page: the revision notice under its title (how often
it changed, what became of the viewer's notes, "Check for changes")."""

from __future__ import annotations

from newsapp.reader.layers import Layer


class ArticleLayer(Layer):
    name = "article"
    templates = {"header": "articles/_revision_notice.html"}
