"""A reader talking HTTP to a live server: a session cookie from bench.seed and its CSRF secret."""

from __future__ import annotations

import httpx


class Reader:
    """One reader's HTTP client; anonymous without credentials."""

    def __init__(self, base_url: str, credentials: dict | None = None, timeout: float = 30):
        self.credentials = credentials
        headers = {}
        if credentials is not None:
            headers["Cookie"] = (
                f"sessionid={credentials['session']}; csrftoken={credentials['csrf']}"
            )
            headers["X-CSRFToken"] = credentials["csrf"]
        self.client = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout, follow_redirects=False
        )

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict, *, htmx: bool = False) -> httpx.Response:
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(path, data=data, headers=headers)

    def annotate(self, article: dict, exact: str, **fields: str) -> httpx.Response:
        """Annotate ``exact`` in the seeded article (a plain form POST: 302 when saved)."""
        return self.post(
            f"/articles/{article['slug']}/annotations/",
            {"exact": exact, "kind": "note", "visibility": "public", **fields},
        )

    def close(self) -> None:
        self.client.close()
