"""Find the article in a web page: its text and structure, title, byline, date, language, image.

Framework-free (no Django models or settings). trafilatura finds the main text and keeps its
structure (paragraphs, headings, lists, quotes, links, emphasis, tables); this module turns
its XML into plain HTML for ``newsapp.text.sanitize.clean_article_html`` and reads the
metadata that trafilatura leaves out or shortens (full publication timestamps, the language,
the canonical address) from the page's own declarations.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.utils import load_html

from newsapp.text.canonical_url import canonicalize_url
from newsapp.text.sanitize import clean_plain_text, has_visible_characters
from newsapp.text.url_parts import is_web_url, join_url, url_host

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "parsely-pub-date",
    "article.published",
)
_IMAGE_META = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "pre",
        "blockquote",
        "tr",
        "table",
        "ul",
        "ol",
        "figure",
        "figcaption",
        "div",
        "dd",
        "dt",
    }
)
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$", re.I)


class ExtractionError(Exception):
    """No article could be found in the page; the message says why, for the reader."""


@dataclass
class ExtractedArticle:
    title: str
    byline: str
    published_at: datetime | None
    language: str
    lead_image_url: str
    canonical_url: str
    body_html: str
    text: str


def extract_article(
    html: str,
    url: str,
    *,
    favor_precision: bool = True,
    favor_recall: bool = False,
    include_images: bool = False,
    min_words: int = 15,
) -> ExtractedArticle:
    """Extract the article from a page fetched from url (used to resolve relative links).

    ``body_html`` is unsanitised HTML made of p, h2-h6, ul/ol/li, blockquote, pre, a, b/i/u,
    br and tables (and img when include_images); ``text`` is its plain text, blocks separated
    by blank lines and list items by single line breaks. Empty strings stand for missing
    title, byline, language and image. Raises ExtractionError when no article text is found:
    nothing, fewer than min_words words, or text that is mostly links (a section front or
    navigation, which extractors fall back to when a page has no article).

    favor_precision is the default because it scored best on the 50-page benchmark corpus
    (token F1 0.969 against 0.958 balanced and favor_recall; see bench/bench_extraction.py).
    """
    if not html or not html.strip():
        raise ExtractionError("The page is empty.")
    tree = load_html(html)
    if tree is None:
        raise ExtractionError("The page could not be read as HTML.")
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_links=True,
        include_formatting=True,
        include_comments=False,
        include_tables=True,
        include_images=include_images,
        favor_precision=favor_precision,
        favor_recall=favor_recall,
        # Markup only: the extensive search guesses from loose text and turns a year in the
        # URL (/news/2026/...) into 1 January.
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "max_date": (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d"),
        },
    )
    body = getattr(document, "body", None)
    if document is None or body is None:
        raise ExtractionError(
            "No article text was found on this page (it may need JavaScript, be behind a"
            " paywall or log-in, or not be an article)."
        )
    body_tree = _to_html_tree(body)
    text = _plain_text(body_tree)
    _check_is_article(body_tree, text, min_words=min_words)
    inner_html = "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body_tree
    )
    if body_tree.text and body_tree.text.strip():
        inner_html = _escape_text(body_tree.text) + inner_html

    return ExtractedArticle(
        title=_readable(document.title) or _readable(_first_text(tree, "//h1")),
        byline=_clean(document.author),
        published_at=_published_at(tree) or _date_only(document.date),
        language=_language(tree),
        lead_image_url=_lead_image(tree, url, document.image),
        canonical_url=_canonical_url(tree, url),
        body_html=inner_html.strip(),
        text=text,
    )


def _to_html_tree(body: etree._Element) -> etree._Element:
    tree = copy.deepcopy(body)
    for element in tree.iter("list"):
        if element.get("rend") == "ol":
            element.tag = "ol"
    tree = convert_to_html(tree).find("body")
    for element in tree.iter("ol"):
        element.attrib.clear()
    for element in tree.iter("a"):
        if not element.get("href"):
            element.attrib.pop("href", None)
    return tree


def _check_is_article(body: etree._Element, text: str, *, min_words: int) -> None:
    words = len(text.split())
    if not words:
        raise ExtractionError("The page's main content has no text.")
    if words < min_words:
        raise ExtractionError(
            f"Only {words} words of text were found: too little for an article"
            " (the page may need JavaScript, or be behind a log-in)."
        )
    link_words = sum(len(" ".join(link.itertext()).split()) for link in body.iter("a"))
    if link_words > 0.8 * words:
        raise ExtractionError(
            "The page's main content is mostly links: it looks like an index or a section"
            " front, not an article."
        )


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_text(root: etree._Element) -> str:
    """Text of the body: blocks separated by blank lines, list items and <br> by line breaks."""
    blocks: list[tuple[str, bool]] = []
    pending: list[str] = []

    def flush(is_item: bool) -> None:
        raw = "".join(pending)
        pending.clear()
        lines = (" ".join(line.split()) for line in raw.split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            blocks.append((text, is_item))

    def visit(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        is_block = tag in _BLOCK_TAGS
        if is_block:
            flush(False)
        if tag == "br":
            pending.append("\n")
        elif tag in ("td", "th"):
            pending.append(" ")
        if element.text and tag:
            pending.append(element.text)
        for child in element:
            visit(child)
            if child.tail:
                pending.append(child.tail)
        if is_block:
            flush(tag == "li")

    visit(root)
    flush(False)
    out: list[str] = []
    for index, (text, is_item) in enumerate(blocks):
        if index:
            out.append("\n" if is_item and blocks[index - 1][1] else "\n\n")
        out.append(text)
    return "".join(out)


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _readable(title: str | None) -> str:
    """A title with words in it, or "" (a <title> that is only markup, such as
    `<title><b></b></title>`, is text to the parser but nothing once markup is removed)."""
    title = _clean(title)
    return title if has_visible_characters(clean_plain_text(title)) else ""


def _first_text(tree: HtmlElement, xpath: str) -> str:
    found = tree.xpath(xpath)
    return found[0].text_content() if found else ""


def _meta_values(tree: HtmlElement, names: tuple[str, ...]) -> list[str]:
    """Content of <meta> tags whose property, name or itemprop is in names, in names' order."""
    wanted = {name: index for index, name in enumerate(names)}
    found: list[tuple[int, str]] = []
    for meta in tree.iter("meta"):
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            content = (meta.get("content") or "").strip()
            if key in wanted and content:
                found.append((wanted[key], content))
                break
    return [content for _, content in sorted(found, key=lambda item: item[0])]


def _published_at(tree: HtmlElement) -> datetime | None:
    candidates = _meta_values(tree, _PUBLISHED_META)
    candidates += _json_ld_values(tree, "datePublished")
    candidates += [
        element.get("datetime") or element.get("content") or ""
        for element in tree.xpath('//*[@itemprop="datePublished"]')
    ]
    for candidate in candidates:
        parsed = parse_datetime(candidate)
        if parsed is not None:
            return parsed
    return None


def _json_ld_values(tree: HtmlElement, key: str) -> list[str]:
    values: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            value = node.get(key)
            if isinstance(value, str):
                values.append(value)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(json.loads(script.text or ""))
        except (ValueError, RecursionError):
            continue
    return values


def parse_datetime(value: str) -> datetime | None:
    """Parse an ISO 8601 or RFC 2822 timestamp; naive times are taken as UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _date_only(value: str | None) -> datetime | None:
    """trafilatura's date (YYYY-MM-DD, from htmldate) as midnight UTC."""
    return parse_datetime(value) if value else None


def _language(tree: HtmlElement) -> str:
    declared = [
        tree.get("lang") or "",
        tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
    ]
    declared += _meta_values(tree, ("og:locale", "content-language", "language", "dc.language"))
    declared += [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("http-equiv") or "").lower() == "content-language"
    ]
    for value in declared:
        value = value.strip().split(",")[0].strip()
        if _LANGUAGE_TAG.match(value):
            return re.split(r"[-_]", value)[0].lower()
    return ""


def _absolute_http_url(base: str, candidate: str | None) -> str:
    if not candidate or not candidate.strip():
        return ""
    absolute = join_url(base, candidate.strip())
    return absolute if absolute is not None and is_web_url(absolute) else ""


def _lead_image(tree: HtmlElement, url: str, trafilatura_image: str | None) -> str:
    for candidate in [trafilatura_image, *_meta_values(tree, _IMAGE_META)]:
        absolute = _absolute_http_url(url, candidate)
        if absolute:
            return absolute
    return ""


def _canonical_url(tree: HtmlElement, url: str) -> str:
    declared = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    declared += _meta_values(tree, ("og:url",))
    for candidate in [*declared, url]:
        absolute = _absolute_http_url(url, candidate)
        # A page may only name an address on its own site as canonical: otherwise any page
        # could claim to be (and be merged with) another publisher's article.
        if absolute and _same_site(absolute, url):
            try:
                return canonicalize_url(absolute)
            except ValueError:
                continue
    return url


def _same_site(first: str, second: str) -> bool:
    """Same host, or one a subdomain of the other (www.example.com and example.com)."""
    host_a = url_host(first).removeprefix("www.")
    host_b = url_host(second).removeprefix("www.")
    if not host_a or not host_b:
        return False
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)
