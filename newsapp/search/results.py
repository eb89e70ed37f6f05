"""The one results contract every caller of the search module gets, whatever the engine: the
parsed query, groups of hits in a fixed order, and a suggestion when a word looks misspelt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newsapp.text.search_query import SearchQuery

# At most this many matches of one group are ranked (the newest ones): ranking stays cheap when a
# word is everywhere, and counts beyond it read "500+".
WINDOW = 500


@dataclass
class Hit:
    """One result. `title` and `excerpt` are escaped HTML with the matched words in <mark>;
    `obj` is the model row (an Article, Annotation, ContextSource, Quote, Speaker or Tag) with
    what its template needs already loaded; `score` is higher for better matches."""

    obj: Any
    url: str
    title: str  # escaped HTML (SafeString)
    excerpt: str = ""  # escaped HTML, like title
    quoted: str = ""  # a note's marked article words, escaped HTML
    score: float = 0.0


@dataclass
class Group:
    name: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    capped: bool = False  # more than `count` matched
    page: int = 1
    pages: int = 1

    @property
    def shown_count(self) -> str:
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"

    @property
    def has_more(self) -> bool:
        return self.capped or self.count > len(self.hits)


@dataclass
class SearchResults:
    query: SearchQuery
    groups: list[Group] = field(default_factory=list)
    group: str = ""  # the one group asked for, or "" for all of them
    suggestion: str = ""  # the whole search with misspelt words replaced
    notices: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def found(self) -> bool:
        return any(group.hits for group in self.groups)

    def get(self, name: str) -> Group | None:
        return next((group for group in self.groups if group.name == name), None)
