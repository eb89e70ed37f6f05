"""Pages and feed items whose <title> is only markup: the article takes the feed item's title
(it used to fail with "Give the article a title")."""

from __future__ import annotations

import pytest

from newsapp.articles.feed_services import feed_subscribe
from newsapp.articles.models import Article, FeedItem
from newsapp.articles.services import article_import_url, readable_title
from tests.factories import make_user
from tests.webserver import HTTP_DATE, SAMPLE_ARTICLE, article_page, rss_feed

pytestmark = pytest.mark.django_db

MARKUP_ONLY = ["<b></b>", "<img src=x>", "<i> </i>", "&#8203;", "<b>\u200d</b>"]


@pytest.fixture(autouse=True)
def web_settings(settings):
    settings.GLOSS_FETCH_ALLOW_LOOPBACK = True
    settings.GLOSS_FETCH_TIMEOUT = 2.0


def markup_titled_page(markup: str) -> str:
    """The sample story, with nothing readable in <title>, og:title or <h1>."""
    page = article_page(**SAMPLE_ARTICLE)
    title = SAMPLE_ARTICLE["title"]
    page = page.replace(f"<title>{title} | Veldhaven Post</title>", f"<title>{markup}</title>")
    page = page.replace(f'<meta property="og:title" content="{title}">', "")
    return page.replace(f"<h1>{title}</h1>", f"<h1>{markup}</h1>")


@pytest.mark.parametrize("markup", MARKUP_ONLY)
def test_a_feed_item_with_a_markup_only_page_title_is_imported_under_the_item_title(
    local_site, markup
):
    local_site.add("/story", markup_titled_page(markup))
    entry = {"title": "Ferry terminal becomes a library", "link": local_site.url("/story"),
             "guid": "g1", "pub_date": HTTP_DATE}  # fmt: skip
    local_site.add("/feed.xml", rss_feed([entry]), content_type="application/rss+xml")
    feed_subscribe(user=make_user(), url=local_site.url("/feed.xml"))
    item = FeedItem.objects.get()
    assert item.status == FeedItem.Status.IMPORTED
    assert Article.objects.get().title == "Ferry terminal becomes a library"


def test_a_url_import_with_a_markup_only_title_uses_the_title_given(local_site):
    local_site.add("/story", markup_titled_page("<b></b>"))
    result = article_import_url(url=local_site.url("/story"), fallback_title="Given title")
    assert result.article.title == "Given title"


def test_readable_title_skips_candidates_without_words():
    assert readable_title("<b></b>", None, "", "<i>Real</i> title") == "<i>Real</i> title"
    assert readable_title("<b></b>") == ""
