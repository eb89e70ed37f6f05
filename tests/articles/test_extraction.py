from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsapp.articles.extraction import (
    ExtractedArticle,
    ExtractionError,
    extract_article,
    parse_datetime,
)
from newsapp.articles.fetch import fetch_url
from newsapp.text.diff import diff_stats
from tests.webserver import SAMPLE_ARTICLE, SECOND_ARTICLE, LocalSite, article_page

pytest_plugins = ["tests.webserver"]

PAGE_URL = "https://post.veldhaven.example/news/2026/ferry-terminal-library?utm_source=rss"


def page(**changes: object) -> str:
    return article_page(**{**SAMPLE_ARTICLE, **changes})


@pytest.fixture(scope="module")
def sample() -> ExtractedArticle:
    return extract_article(page(), PAGE_URL)


def test_metadata(sample: ExtractedArticle) -> None:
    assert sample.title == SAMPLE_ARTICLE["title"]
    assert sample.byline == "Marta Ellingsen"
    assert sample.published_at == datetime(2026, 3, 3, 6, 45, tzinfo=UTC)
    assert sample.published_at.utcoffset() == timedelta(hours=1)
    assert sample.language == "en"
    assert sample.lead_image_url == "https://post.veldhaven.example/images/terminal.jpg"
    assert sample.canonical_url == (
        "https://post.veldhaven.example/news/2026/ferry-terminal-library"
    )


def test_body_keeps_structure(sample: ExtractedArticle) -> None:
    body = sample.body_html
    assert body.startswith("<p>Councillors in Veldhaven")
    assert "<h2>A cheaper option than a new building</h2>" in body
    assert "<blockquote><p>We are not building a monument." in body
    assert re.search(r"<ul><li>a children's floor.*?</li><li>.*?</li><li>.*?</li></ul>", body)
    assert (
        '<a href="https://post.veldhaven.example/news/2025/quay-flooding">prone to flooding</a>'
        in body
    )


def test_boilerplate_is_left_out(sample: ExtractedArticle) -> None:
    for boilerplate in ("Most read", "cookies", "All rights reserved", "Sport", "Privacy"):
        assert boilerplate not in sample.text
        assert boilerplate not in sample.body_html
    assert "window.analytics" not in sample.text
    assert "font-family" not in sample.body_html


def test_text_separates_blocks_and_list_items(sample: ExtractedArticle) -> None:
    paragraphs = sample.text.split("\n\n")
    assert paragraphs[0].startswith("Councillors in Veldhaven voted seven to two")
    assert "A cheaper option than a new building" in paragraphs
    assert (
        "a children's floor in the former departure lounge\n"
        "a workshop with sewing machines and 3D printers\n"
        "late opening until 22:00 on four evenings a week"
    ) in paragraphs
    assert paragraphs[-1].endswith("planned for the summer of 2028.")
    assert "  " not in sample.text


def test_ordered_lists_emphasis_and_line_breaks() -> None:
    blocks = [
        *SAMPLE_ARTICLE["blocks"][:4],
        ("ul", ["first step", "second step"]),
        ("p", "The <b>deputy mayor</b> spoke <i>briefly</i>.<br>Then the vote was taken."),
    ]
    html = page(blocks=blocks).replace("<ul><li>first", "<ol><li>first")
    html = html.replace("second step</li></ul>", "second step</li></ol>")
    article = extract_article(html, PAGE_URL)
    assert "<ol><li>first step</li><li>second step</li></ol>" in article.body_html
    assert "<strong>deputy mayor</strong>" in article.body_html
    assert "<i>briefly</i>" in article.body_html
    assert "spoke <i>briefly</i>.<br>Then" in article.body_html
    assert "spoke briefly.\nThen the vote was taken." in article.text


def test_missing_metadata_gives_empty_values() -> None:
    article = extract_article(article_page(**SECOND_ARTICLE), "https://post.veldhaven.example/b/")
    assert article.lead_image_url == ""
    assert article.canonical_url == "https://post.veldhaven.example/b"
    assert article.published_at == datetime(2026, 2, 18, 16, 20, tzinfo=UTC)

    bare = re.sub(r'<meta (name|property)="[^"]*" content="[^"]*">', "", page(byline=None))
    bare = re.sub(r"<time .*?</time>", "", bare.replace('<html lang="en">', "<html>"))
    article = extract_article(bare, PAGE_URL)
    assert article.byline == ""
    assert article.language == ""
    assert article.published_at is None

    # A full date in the address is still found (as midnight UTC); a bare year is not a date.
    dated = extract_article(bare, "https://post.veldhaven.example/2026/02/27/ferry")
    assert dated.published_at == datetime(2026, 2, 27, tzinfo=UTC)


def test_published_at_from_json_ld() -> None:
    json_ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@graph": [{"@type": "NewsArticle", "datePublished": "2026-01-05T10:00:00-05:00"}]}'
        "</script></head>"
    )
    html = page(published=None).replace("</head>", json_ld)
    article = extract_article(html, PAGE_URL)
    assert article.published_at == datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("declaration", "language"),
    [
        ('<html lang="de-AT">', "de"),
        ('<html lang="PT_br">', "pt"),
        ('<html><head><meta property="og:locale" content="it_IT">', "it"),
        ('<html><head><meta http-equiv="content-language" content="nb, en">', "nb"),
    ],
)
def test_language(declaration: str, language: str) -> None:
    html = page().replace('<html lang="en">', declaration, 1)
    if "<head>" in declaration:
        html = html.replace("<head>\n", "", 1)
    assert extract_article(html, PAGE_URL).language == language


@pytest.mark.parametrize(
    "canonical",
    ["https://elsewhere.example/stolen-story", "javascript:alert(1)", "ftp://x.example/a"],
)
def test_canonical_must_be_an_http_address_on_the_same_site(canonical: str) -> None:
    article = extract_article(page(canonical=canonical), PAGE_URL)
    assert article.canonical_url == (
        "https://post.veldhaven.example/news/2026/ferry-terminal-library"
    )


def test_canonical_on_a_sibling_host_is_accepted() -> None:
    html = page(canonical="https://www.veldhaven.example/news/ferry?utm_medium=x#top")
    article = extract_article(html, "https://veldhaven.example/amp/ferry")
    assert article.canonical_url == "https://www.veldhaven.example/news/ferry"


def test_non_latin_text_and_emoji_survive() -> None:
    blocks = [
        ("p", "Жители гавани собрались у терминала, чтобы обсудить будущую библиотеку 📚."),
        ("p", "港の図書館計画について、住民の多くは賛成していると市は述べた。" * 3),
        *SAMPLE_ARTICLE["blocks"][:2],
    ]
    article = extract_article(page(blocks=blocks, lang="ru"), PAGE_URL)
    assert "будущую библиотеку 📚." in article.text
    assert "港の図書館計画" in article.text
    assert article.language == "ru"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        "<html><head><script>var a = 1;</script></head><body><div></div></body></html>",
        "<html><body><p>Subscribe to read this article.</p></body></html>",
        "<html><body><div>"
        + "".join(f"<p><a href='/n/{n}'>Story number {n} of the day</a></p>" for n in range(30))
        + "</div></body></html>",
    ],
)
def test_pages_without_an_article_raise(html: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_article(html, PAGE_URL)
    assert str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "2026-03-03T07:45:00+01:00",
            datetime(2026, 3, 3, 7, 45, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-03-03T06:45:00Z", datetime(2026, 3, 3, 6, 45, tzinfo=UTC)),
        ("2026-03-03T06:45:00.000Z", datetime(2026, 3, 3, 6, 45, tzinfo=UTC)),
        ("2026-03-03 06:45:00", datetime(2026, 3, 3, 6, 45, tzinfo=UTC)),
        ("2026-03-03", datetime(2026, 3, 3, tzinfo=UTC)),
        ("Tue, 03 Mar 2026 06:45:00 GMT", datetime(2026, 3, 3, 6, 45, tzinfo=UTC)),
        ("Tue, 03 Mar 2026 07:45:00 +0100", datetime(2026, 3, 3, 6, 45, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        ("0001-01-01T00:00:00Z", None),
    ],
)
def test_parse_datetime(value: str, expected: datetime | None) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_fetched_revisions_extract_and_diff(local_site: LocalSite) -> None:
    url = local_site.add("/story", page(), etag='"1"')
    first = extract_article(fetch_url(url, allow_loopback=True).text, url)
    blocks = list(SAMPLE_ARTICLE["blocks"])
    blocks[0] = ("p", blocks[0][1].replace("seven to two", "six to three"))
    local_site.add("/story", page(blocks=blocks), etag='"2"')
    second = extract_article(fetch_url(url, allow_loopback=True, etag='"1"').text, url)
    stats = diff_stats(first.text, second.text)
    assert (stats.words_removed, stats.words_added) == (2, 2)


def _token_f1(reference: str, extracted: str) -> float:
    overlap = sum((Counter(reference.split()) & Counter(extracted.split())).values())
    if not overlap:
        return 0.0
    precision = overlap / len(extracted.split())
    recall = overlap / len(reference.split())
    return 2 * precision * recall / (precision + recall)


def test_corpus_pages_extract_with_high_overlap(corpora: Path) -> None:
    folder = corpora / "article-extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for page_id, entry in sorted(truth.items())[:8]:
        with gzip.open(folder / "html" / f"{page_id}.html.gz") as compressed:
            html = compressed.read().decode("utf-8")
        article = extract_article(html, entry["url"])
        assert article.body_html.startswith("<")
        scores.append(_token_f1(entry["articleBody"], article.text))
    assert sum(scores) / len(scores) > 0.9
