"""The one sanitising policy: article HTML, note Markdown and short plain-text fields.

Every cleaner runs the same three stages:

1. parse with html5lib (a browser's algorithm) and walk the tree with our policy: elements that
   carry active or hidden content are dropped *with* their content, unknown elements are unwrapped
   (their text stays), attributes and URLs are checked, the result is serialised canonically;
2. bleach, with the same allowlists, as the independent security gate;
3. the canonical pass again, repeated until parsing and re-serialising changes nothing.

The output is therefore a fixed point (`clean_article_html(out) == out`), and because it is our
own canonical serialisation (every element closed, attributes double-quoted and escaped, only
`&amp;`, `&lt;`, `&gt;`, `&quot;` as entities, no comments, no raw-text elements, no newline
right after `<pre>`), a browser parsing it as a `<div>`'s innerHTML builds exactly the tree we
serialised. That is what lets `extract.canonical_text` and `highlight.render` count offsets
without a parser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html import unescape as unescape_html
from xml.etree.ElementTree import Element

import bleach

from newsapp.text import budget
from newsapp.text.bidi import keep_bidi_controls_for_rtl, strip_bidi_controls
from newsapp.text.commonmark import note_markdown
from newsapp.text.linkify import find_links
from newsapp.text.url_parts import join_url

ARTICLE_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
        "a", "em", "strong", "b", "i", "s", "u", "sub", "sup", "small", "code", "pre", "br",
        "hr", "q", "cite", "abbr", "figure", "figcaption", "img", "table", "caption", "thead",
        "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "rel"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
}
NOTE_TAGS = frozenset(
    {"p", "br", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "del", "s"}
)
NOTE_ATTRIBUTES: Mapping[str, frozenset[str]] = {"a": frozenset({"href", "title", "rel"})}

LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
IMAGE_PROTOCOLS = frozenset({"https"})
ARTICLE_LINK_REL = "nofollow noopener"
NOTE_LINK_REL = "nofollow noopener ugc"

# Removed together with everything inside them: code, styling, embedded documents, forms and
# their controls, fallback content shown only when something else fails, and document metadata.
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "object", "embed", "applet",
        "param", "form", "input", "button", "select", "option", "optgroup", "textarea",
        "datalist", "output", "label", "fieldset", "legend", "frame", "frameset", "noframes",
        "noembed", "xmp", "plaintext", "title", "head", "meta", "link", "base", "svg", "math",
        "canvas", "audio", "video", "source", "track", "portal", "fencedframe", "dialog",
        "marquee", "menu", "slot",
    }
)  # fmt: skip
VOID_TAGS = frozenset({"br", "hr", "img"})
_NO_LINKS_INSIDE = frozenset({"a", "pre", "code"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Characters a browser would silently alter or that bleach rewrites to "?": C0 controls other
# than tab and newline, DEL, C1 controls and lone surrogates. Carriage returns become newlines,
# as the HTML input stream does with them.
_UNSTABLE_CHARS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_URL_INVISIBLES = re.compile("[\t\n\r]")
_ANY_TAG = re.compile(r"<[^>]*>?")
_URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_HTML_SPACE = " \t\n\f\r"
_SPACE_RUN = re.compile(r"\s+")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_MAX_CANONICAL_ROUNDS = 4
MAX_DEPTH = 100  # deeper elements are unwrapped; no article needs more, parsers differ beyond


@dataclass(frozen=True, slots=True)
class _Policy:
    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    link_rel: str
    headings_as_strong: bool  # notes: headings become <p><strong>, articles: h1 becomes h2
    images_as_alt_text: bool  # notes: an image is replaced by its alt text
    linkify: bool = False  # notes: bare web addresses in text become links
    bidi_controls_for_rtl: bool = False  # articles: right-to-left text keeps its bidi controls

    def allows_attribute(self, tag: str, name: str, value: str) -> bool:
        """The attribute test shared by our tree walk and bleach's `attributes` callable."""
        if name not in self.attributes.get(tag, ()):
            return False
        if name == "href":
            return _clean_url(value, LINK_PROTOCOLS) is not None
        if name == "src":
            return _clean_url(value, IMAGE_PROTOCOLS) is not None
        if name in ("width", "height"):
            return _clean_int(value, 1, 10_000) is not None
        if name == "colspan":
            return _clean_int(value, 1, 1_000) is not None
        if name == "rowspan":
            return _clean_int(value, 0, 65_534) is not None
        return True


ARTICLE_POLICY = _Policy(
    tags=ARTICLE_TAGS,
    attributes=ARTICLE_ATTRIBUTES,
    link_rel=ARTICLE_LINK_REL,
    headings_as_strong=False,
    images_as_alt_text=False,
    bidi_controls_for_rtl=True,
)
NOTE_POLICY = _Policy(
    tags=NOTE_TAGS,
    attributes=NOTE_ATTRIBUTES,
    link_rel=NOTE_LINK_REL,
    headings_as_strong=True,
    images_as_alt_text=True,
    linkify=True,
)
_TEXT_ONLY_POLICY = _Policy(
    tags=frozenset(),
    attributes={},
    link_rel="",
    headings_as_strong=False,
    images_as_alt_text=False,
)


# --- public API --------------------------------------------------------------------------------


def clean_article_html(html: str, *, base_url: str | None = None) -> str:
    """Sanitise article HTML into its canonical form (a fixed point of this function).

    `base_url`, when given, resolves relative links and image sources (importers pass the
    article's source URL); without it relative URLs are dropped, since they would point into
    this site. Raises `budget.TooComplex` for HTML whose structure would cost too much to parse.
    """
    budget.check_html(html)
    return _clean(html, ARTICLE_POLICY, base_url=base_url)


def render_note(markdown_source: str) -> str:
    """Render a reader's Markdown note into sanitised HTML.

    CommonMark (`commonmark.note_markdown`). Raw HTML typed into the note is escaped and shown
    as text, never interpreted. Headings become bold paragraphs, images become their alt text,
    bare web addresses become links (`linkify`), every link carries `rel="nofollow noopener
    ugc"`, and bidirectional override controls are removed. Raises `budget.TooComplex` for
    Markdown with more markers than the budget allows.
    """
    if not markdown_source or not markdown_source.strip():
        return ""
    budget.check_markdown(markdown_source)
    return _clean(note_markdown(markdown_source), NOTE_POLICY, base_url=None)


def clean_plain_text(value: str) -> str:
    """Plain text for short one-line fields (speaker names, tags, titles).

    Markup is removed (script and style content with it), entities are decoded, bidirectional
    override controls are removed and runs of whitespace become one space. The result is text,
    not HTML: templates must escape it, as Django does by default. Never raises: markup too
    complex to parse is stripped by pattern instead (the result is text either way).
    """
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        # No markup and no entities: what the parser would give back is the text itself
        # (a speaker's name is cleaned this way dozens of times an import).
        text = _UNSTABLE_CHARS.sub("", value)
    else:
        writer = _Writer(_TEXT_ONLY_POLICY, base_url=None)
        try:
            writer.write_children(_parse_fragment(value))
            text = _unescape_canonical("".join(writer.parts))
        except budget.TooComplex:
            text = unescape_html(_ANY_TAG.sub("", _UNSTABLE_CHARS.sub("", value)))
    return _SPACE_RUN.sub(" ", strip_bidi_controls(text)).strip()


def has_visible_characters(text: str) -> bool:
    """Whether `text` shows anything: not only spaces, controls and invisible format
    characters (zero-width spaces, joiners, bidi controls)."""
    return any(
        not char.isspace() and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        for char in text
    )


# --- the pipeline ------------------------------------------------------------------------------


def _clean(html: str, policy: _Policy, *, base_url: str | None) -> str:
    if not html:
        return ""
    canonical = _canonicalise(html, policy, base_url=base_url)
    gated = bleach.Cleaner(
        tags=policy.tags,
        attributes=policy.allows_attribute,
        protocols=LINK_PROTOCOLS,
        strip=True,
        strip_comments=True,
    ).clean(canonical)
    current = gated
    for _ in range(_MAX_CANONICAL_ROUNDS):
        following = _canonicalise(current, policy, base_url=None)
        if following == current:
            return current
        current = following
    # A tree that keeps changing when re-parsed is pathological input; its text is still safe.
    return _canonicalise(current, _TEXT_ONLY_POLICY, base_url=None)


def _canonicalise(html: str, policy: _Policy, *, base_url: str | None) -> str:
    writer = _Writer(policy, base_url=base_url)
    writer.write_children(_parse_fragment(html))
    return "".join(writer.parts)


def _parse_fragment(html: str) -> Element:
    """Parse as a browser parses a `<div>`'s innerHTML, within the structure budget."""
    return budget.parse_fragment(html)


class _Writer:
    """Walks a parsed tree and serialises what the policy keeps, canonically."""

    def __init__(self, policy: _Policy, *, base_url: str | None) -> None:
        self.policy = policy
        self.base_url = base_url
        self.parts: list[str] = []
        # The HTML parser drops a newline right after <pre>, so text must never start there.
        self._just_opened_pre = False
        self._depth = 0  # elements written and not yet closed
        self._no_links = 0  # open <a>, <pre> and <code>: addresses inside stay text

    def write_children(self, root: Element) -> None:
        """Serialise the children of `root`, iteratively: hostile input can nest thousands deep."""
        self.write_text(root.text)
        # Each frame: the children still to visit, the end tags to write after them, the tail.
        stack: list[tuple[Iterator[Element], list[str], str | None]] = [(iter(root), [], None)]
        while stack:
            children, end_tags, tail = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                for tag in end_tags:
                    self._close(tag)
                self.write_text(tail)
                continue
            opened = self._start(child)
            if opened is None:
                self.write_text(child.tail)
            else:
                self.write_text(child.text)
                stack.append((iter(child), opened, child.tail))

    def write_text(self, text: str | None) -> None:
        if not text:
            return
        text = _UNSTABLE_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        text = self._bidi(text)
        if self._just_opened_pre:
            text = text.lstrip("\n")
        if not text:
            return
        self._just_opened_pre = False
        if self.policy.linkify and not self._no_links:
            self._write_linkified(text)
        else:
            self.parts.append(_escape_text(text))

    def _bidi(self, text: str) -> str:
        if self.policy.bidi_controls_for_rtl:
            return keep_bidi_controls_for_rtl(text)
        return strip_bidi_controls(text)

    def _write_linkified(self, text: str) -> None:
        """Text with its bare web addresses as links (`linkify.find_links`, one linear pass)."""
        written = 0
        for link in find_links(text):
            href = _clean_url(link.href, LINK_PROTOCOLS)
            if href is None:
                continue
            self.parts.append(_escape_text(text[written : link.start]))
            self._open("a", {"href": href, "rel": self.policy.link_rel})
            self.parts.append(_escape_text(text[link.start : link.end]))
            self._close("a")
            written = link.end
        self.parts.append(_escape_text(text[written:]))

    def _start(self, element: Element) -> list[str] | None:
        """Write what `element` opens. Returns the end tags its content must be followed by
        (empty when the element is unwrapped), or None when its content is not written."""
        tag = element.tag
        if not isinstance(tag, str) or "{" in tag:
            return None  # comments, processing instructions, SVG and MathML content
        tag = tag.lower()
        if tag in DROP_WITH_CONTENT:
            return None
        policy = self.policy
        if tag == "img" and policy.images_as_alt_text:
            self.write_text(element.get("alt"))
            return None
        if self._depth >= MAX_DEPTH:
            return []  # browsers cap nesting too (at different depths): keep the text only
        if tag in HEADING_TAGS:
            if policy.headings_as_strong:
                self._open("p", {})
                self._open("strong", {})
                return ["strong", "p"]
            if tag == "h1":
                tag = "h2"  # the page has its own h1
        if tag not in policy.tags:
            return []
        attributes = self._attributes(tag, element)
        if tag == "a" and "href" not in attributes:
            return []  # a link to nowhere is just its text
        if tag == "img" and "src" not in attributes:
            return None
        self._open(tag, attributes)
        if tag in VOID_TAGS:
            self._depth -= 1
            return None
        return [tag]

    def _attributes(self, tag: str, element: Element) -> dict[str, str]:
        policy = self.policy
        allowed = policy.attributes.get(tag)
        if not allowed:
            return {}
        kept: dict[str, str] = {}
        for name, raw_value in element.attrib.items():
            if not isinstance(name, str) or name not in allowed or name == "rel":
                continue
            value = self._bidi(_UNSTABLE_CHARS.sub("", raw_value))
            if name in ("href", "src"):
                protocols = LINK_PROTOCOLS if name == "href" else IMAGE_PROTOCOLS
                cleaned = _clean_url(value, protocols, base_url=self.base_url)
            elif name in ("width", "height", "colspan", "rowspan"):
                cleaned = _canonical_int(tag, name, value, policy)
            else:
                cleaned = value if policy.allows_attribute(tag, name, value) else None
            if cleaned is not None:
                kept[name] = cleaned
        if tag == "a" and "href" in kept:
            kept["rel"] = policy.link_rel
        return dict(sorted(kept.items()))

    def _open(self, tag: str, attributes: Mapping[str, str]) -> None:
        rendered = "".join(f' {name}="{_escape_attribute(v)}"' for name, v in attributes.items())
        self.parts.append(f"<{tag}{rendered}>")
        self._just_opened_pre = tag == "pre"
        self._depth += 1
        self._no_links += tag in _NO_LINKS_INSIDE

    def _close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")
        self._just_opened_pre = False
        self._depth -= 1
        self._no_links -= tag in _NO_LINKS_INSIDE


# --- small helpers -----------------------------------------------------------------------------


def _clean_url(value: str, protocols: frozenset[str], *, base_url: str | None = None) -> str | None:
    """The URL as a browser would read it, if its scheme is allowed; otherwise None.

    Browsers drop tabs and newlines anywhere in a URL and spaces and controls at its ends, so
    `java&#9;script:` is `javascript:`; we check the scheme after doing the same.
    """
    url = _URL_INVISIBLES.sub("", _UNSTABLE_CHARS.sub("", value)).strip("\x00\x20\f")
    if not url:
        return None
    if _URL_SCHEME.match(url) is None and base_url:
        joined = join_url(base_url, url)
        if joined is None:
            return None
        url = joined
    scheme = _URL_SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in protocols:
        return None
    return url


def _clean_int(value: str, lowest: int, highest: int) -> int | None:
    value = value.strip(_HTML_SPACE)
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if lowest <= number <= highest else None


def _canonical_int(tag: str, name: str, value: str, policy: _Policy) -> str | None:
    if not policy.allows_attribute(tag, name, value):
        return None
    return str(int(value.strip(_HTML_SPACE)))


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


def _unescape_canonical(html_text: str) -> str:
    return (
        html_text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
