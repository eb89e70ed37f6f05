"""An offline web server for tests: a threaded http.server on 127.0.0.1 with routes per test.

Use the ``local_site`` fixture (register this module with ``pytest_plugins``), add routes,
then fetch ``local_site.url("/path")``::

    def test_import(local_site):
        local_site.add("/story", article_page(**SAMPLE_ARTICLE))
        result = fetch_url(local_site.url("/story"), allow_loopback=True)

Routes answer GET (and HEAD). ``add`` serves fixed content and answers conditional requests
(If-None-Match / If-Modified-Since) with 304 when given ``etag``/``last_modified``; calling
``add`` again on a path replaces it (a new revision of the same URL). ``redirect``, ``slow``,
``huge`` and ``route`` (any handler) cover the rest. ``requests`` records what was received.

The pages and feeds below are written for these tests (fictional town, people and events).

PYTEST_DONT_REWRITE: test modules import helpers from here before pytest loads it as a plugin;
this marker keeps pytest from warning about that (the module has no asserts to rewrite).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest


@dataclass
class Reply:
    """What a route answers. ``body`` may be an iterable of chunks, sent as they come."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    send_length: bool = True


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]


Handler = Callable[[ReceivedRequest], Reply]


class LocalSite:
    """The routes and request log of one running server."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[ReceivedRequest] = []
        self.stopping = threading.Event()
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(self, path: str, handler: Handler) -> str:
        """Serve path with handler (any behaviour); returns the full URL."""
        self.routes[path] = handler
        return self.url(path)

    def add(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        encoding: str = "utf-8",
    ) -> str:
        """Serve fixed content (str is encoded with ``encoding``); returns the full URL."""
        payload = body.encode(encoding) if isinstance(body, str) else body
        fixed_headers = {"Content-Type": content_type, **(headers or {})}
        if etag:
            fixed_headers["ETag"] = etag
        if last_modified:
            fixed_headers["Last-Modified"] = last_modified

        def handler(request: ReceivedRequest) -> Reply:
            if_none_match = request.headers.get("if-none-match")
            if_modified_since = request.headers.get("if-modified-since")
            unchanged = (etag is not None and if_none_match == etag) or (
                if_none_match is None
                and last_modified is not None
                and if_modified_since == last_modified
            )
            if unchanged:
                kept = {k: v for k, v in fixed_headers.items() if k in ("ETag", "Last-Modified")}
                return Reply(status=304, headers=kept)
            return Reply(status=status, body=payload, headers=dict(fixed_headers))

        return self.route(path, handler)

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        """Redirect path to location (a path on this site or any absolute URL)."""
        return self.route(path, lambda _: Reply(status=status, headers={"Location": location}))

    def slow(self, path: str, delay: float, body: str = "<html><body>late</body></html>") -> str:
        """Wait delay seconds before answering (teardown cuts the wait short)."""
        payload = body.encode()
        return self.route(
            path,
            lambda _: Reply(body=payload, headers={"Content-Type": "text/html"}, delay=delay),
        )

    def huge(self, path: str, size: int, *, send_length: bool = False) -> str:
        """An HTML page of size bytes, streamed in chunks, with or without Content-Length."""

        def chunks() -> Iterator[bytes]:
            head = b"<!doctype html><html><body><p>"
            yield head
            remaining = size - len(head)
            block = b"lorem ipsum " * 5461  # 65,532 bytes
            while remaining > 0:
                piece = block[:remaining]
                remaining -= len(piece)
                yield piece

        headers = {"Content-Type": "text/html; charset=utf-8"}
        if send_length:
            headers["Content-Length"] = str(size)
        return self.route(path, lambda _: Reply(body=chunks(), headers=headers, send_length=False))


class _RequestHandler(BaseHTTPRequestHandler):
    server_version = "GlossTestServer/1.0"
    site: LocalSite

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        return  # keep test output quiet

    def _answer(self, *, send_body: bool) -> None:
        path = urlsplit(self.path).path
        request = ReceivedRequest(
            method=self.command,
            path=self.path,
            headers={key.lower(): value for key, value in self.headers.items()},
        )
        self.site.requests.append(request)
        handler = self.site.routes.get(path)
        reply = (
            handler(request)
            if handler
            else Reply(
                status=404, body=b"<h1>Not found</h1>", headers={"Content-Type": "text/html"}
            )
        )
        if reply.delay and self.site.stopping.wait(reply.delay):
            return
        try:
            self.send_response(reply.status)
            body = reply.body
            if isinstance(body, bytes) and reply.send_length:
                self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not send_body:
                return
            for chunk in [body] if isinstance(body, bytes) else body:
                if self.site.stopping.is_set():
                    return
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (size limit, timeout): expected in tests


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # client disconnects mid-response are part of the tests


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    """A running local web server; add routes to the yielded LocalSite."""
    site = LocalSite()
    handler_class = type("SiteHandler", (_RequestHandler,), {"site": site})
    server = _Server(("127.0.0.1", 0), handler_class)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- Sample content -----------------------------------------------------------------------

HTTP_DATE = "Tue, 03 Mar 2026 08:15:00 GMT"
LATER_HTTP_DATE = "Wed, 04 Mar 2026 09:30:00 GMT"

SAMPLE_ARTICLE: dict = {
    "title": "Harbour town votes to turn its old ferry terminal into a public library",
    "byline": "Marta Ellingsen",
    "published": "2026-03-03T07:45:00+01:00",
    "lang": "en",
    "image": "/images/terminal.jpg",
    "canonical": "/news/2026/ferry-terminal-library",
    "blocks": [
        (
            "p",
            "Councillors in Veldhaven voted seven to two on Monday night to convert the"
            " disused ferry terminal on the north quay into the town's main public library,"
            " ending a debate that has run for almost four years.",
        ),
        (
            "p",
            "The terminal has stood empty since the last crossing to Skarnes was cancelled"
            " in 2019. Its glass hall, built in 1968, was listed as a protected building"
            " last spring, which ruled out the demolition that a housing developer had"
            " proposed.",
        ),
        ("h2", "A cheaper option than a new building"),
        (
            "p",
            "According to the council's own estimate, refitting the hall will cost 11.4"
            " million crowns, about a third of the price of the new library that was"
            " planned for the station district. The savings will pay for longer opening"
            " hours, said the deputy mayor, Jonas Hverven.",
        ),
        (
            "blockquote",
            "We are not building a monument. We are opening a room where anyone can sit"
            " down for free, out of the rain, with the whole harbour in front of them.",
        ),
        ("p", "The plan approved on Monday includes:"),
        (
            "ul",
            [
                "a children's floor in the former departure lounge",
                "a workshop with sewing machines and 3D printers",
                "late opening until 22:00 on four evenings a week",
            ],
        ),
        (
            "p",
            'Opponents argued that the quay is <a href="/news/2025/quay-flooding">prone to'
            " flooding</a> and that the building's single-glazed walls will be expensive to"
            " heat. The council has commissioned a second survey of the sea wall.",
        ),
        (
            "p",
            "Work is expected to start in the autumn. The current library on Kirkegata will"
            " stay open until the move, planned for the summer of 2028.",
        ),
    ],
}

SECOND_ARTICLE: dict = {
    "title": "Night buses return to the coastal line after a two-year pause",
    "byline": "Oskar Lind",
    "published": "2026-02-18T16:20:00Z",
    "lang": "en",
    "image": None,
    "canonical": None,
    "blocks": [
        (
            "p",
            "Night buses will run again between Veldhaven and the airport from April, the"
            " regional transport authority announced on Wednesday, after drivers and the"
            " operator settled a long dispute over split shifts.",
        ),
        (
            "p",
            "The service was suspended in 2024 when the operator could not staff it. Under"
            " the new agreement, night drivers will work fixed rotas and receive a higher"
            " allowance for the hours between midnight and five.",
        ),
        (
            "p",
            "Buses will leave the harbour every forty minutes on Fridays and Saturdays and"
            " every hour on other nights. Tickets bought on the day service remain valid"
            " until three in the morning.",
        ),
        (
            "p",
            "Hospital staff, who lobbied for the return of the line, welcomed the news."
            " Many of them finish late shifts after the last train has gone.",
        ),
    ],
}


def _render_block(tag: str, content: str | list[str]) -> str:
    if tag == "ul":
        items = "".join(f"<li>{item}</li>" for item in content)
        return f"<ul>{items}</ul>"
    if tag == "blockquote":
        return f"<blockquote><p>{content}</p></blockquote>"
    return f"<{tag}>{content}</{tag}>"


def article_page(
    *,
    title: str,
    blocks: list[tuple[str, str | list[str]]],
    byline: str | None = None,
    published: str | None = None,
    lang: str = "en",
    image: str | None = None,
    canonical: str | None = None,
    charset: str | None = "utf-8",
) -> str:
    """A complete news page around the article: header, navigation, sidebar, footer, scripts."""
    head = [
        f'<meta charset="{charset}">' if charset else "",
        f"<title>{title} | Veldhaven Post</title>",
    ]
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    head.append(f'<meta property="og:title" content="{html.escape(title)}">')
    head.append('<meta property="og:site_name" content="Veldhaven Post">')
    if image:
        head.append(f'<meta property="og:image" content="{image}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    if byline:
        head.append(f'<meta name="author" content="{byline}">')
    byline_html = (
        f'<p class="byline">By <a rel="author" href="/staff">{byline}</a></p>' if byline else ""
    )
    time_html = f'<time datetime="{published}">{published[:10]}</time>' if published else ""
    body = "\n".join(_render_block(tag, content) for tag, content in blocks)
    return f"""<!doctype html>
<html lang="{lang}">
<head>
{chr(10).join(head)}
<style>body {{ font-family: serif; }}</style>
<script>window.analytics = {{ page: "article" }};</script>
</head>
<body>
<header class="site-header">
  <a href="/" class="logo">Veldhaven Post</a>
  <nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
  <li><a href="/culture">Culture</a></li><li><a href="/weather">Weather</a></li></ul></nav>
</header>
<div class="cookie-banner">We use cookies to count visits. <button>Accept</button></div>
<main>
<article>
<h1>{title}</h1>
{byline_html}
{time_html}
<div class="article-body">
{body}
</div>
</article>
<aside class="related">
  <h3>Most read</h3>
  <ul><li><a href="/news/a">Ferry timetable for the summer season</a></li>
  <li><a href="/news/b">Fishing quota talks stall again</a></li>
  <li><a href="/news/c">Youth choir wins national prize</a></li></ul>
</aside>
</main>
<footer><p>© 2026 Veldhaven Post. All rights reserved.</p>
<p><a href="/about">About us</a> · <a href="/privacy">Privacy</a>
 · <a href="/contact">Contact</a></p></footer>
</body>
</html>
"""


def rss_feed(items: list[dict], *, title: str = "Veldhaven Post: News") -> str:
    """RSS 2.0; each item has title, link, guid, pub_date (RFC 822) and description."""
    rendered = []
    for item in items:
        parts = [f"<title>{html.escape(item['title'])}</title>"]
        if item.get("link"):
            parts.append(f"<link>{html.escape(item['link'])}</link>")
        if item.get("guid"):
            parts.append(f'<guid isPermaLink="false">{html.escape(item["guid"])}</guid>')
        if item.get("pub_date"):
            parts.append(f"<pubDate>{item['pub_date']}</pubDate>")
        if item.get("description"):
            parts.append(f"<description>{html.escape(item['description'])}</description>")
        rendered.append(f"<item>{''.join(parts)}</item>")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>{html.escape(title)}</title>
<link>https://post.veldhaven.example/</link>
<description>Local news from Veldhaven</description>
{chr(10).join(rendered)}
</channel></rss>
"""


def atom_feed(entries: list[dict], *, title: str = "Veldhaven Post: Culture") -> str:
    """Atom 1.0; each entry has title, link, id, updated (RFC 3339) and summary."""
    rendered = []
    for entry in entries:
        link = (
            f'<link rel="alternate" href="{html.escape(entry["link"])}"/>'
            if entry.get("link")
            else ""
        )
        rendered.append(
            f"<entry><title>{html.escape(entry['title'])}</title>{link}"
            f"<id>{html.escape(entry['id'])}</id><updated>{entry['updated']}</updated>"
            f'<summary type="html">{html.escape(entry.get("summary", ""))}</summary></entry>'
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{html.escape(title)}</title>
<link rel="alternate" href="https://post.veldhaven.example/culture"/>
<id>urn:uuid:6f1c2a52-4f0e-4d55-9a53-0c2b5c1f7e10</id>
<updated>2026-03-04T09:30:00Z</updated>
{chr(10).join(rendered)}
</feed>
"""
