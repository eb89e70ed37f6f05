from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from newsapp.articles.models import Article
from tests.browser.conftest import PHONE
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

TRICKY_HTML = """\
<h2>Lists &amp; entities</h2>
<ul>
  <li>Outer one
    <ul>
      <li>Inner &lt;a&gt; &quot;quoted&quot; &#x2014; dash</li>
      <li>Non&nbsp;breaking and caf&eacute;</li>
    </ul>
  </li>
  <li>Emoji: 🛰️ 👩🏽‍🔬 and e&#769; combining</li>
</ul>

<p dir="rtl">قال الوزير إن «العودة غير ممكنة»</p>
<p>עברית בתוך English text</p>


<blockquote><p>  Leading spaces,   runs   of   spaces,
and a line break.</p></blockquote>
<pre>
  indented code
    keeps its spaces</pre>
<table><tr><td>cell 1</td>
<td>cell 2</td></tr></table>
<p>Last line with a <a href="https://example.org/?a=1&amp;b=2">link</a>.<br>After break.</p>
"""


def body_text_in_browser(page) -> str:
    return page.locator("[data-article-body]").evaluate("element => element.textContent")


def test_library_then_article(page):
    call_command("loaddemo", stdout=StringIO())
    article = Article.objects.newest_first().first()
    page.goto("/")
    expect(page.get_by_role("heading", name="Library")).to_be_visible()
    expect(page.locator(".article-card")).to_have_count(Article.objects.count())
    page.get_by_role("link", name=article.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    expect(page.locator("time").first).to_be_visible()


def test_body_text_is_the_browsers_text_content_for_every_demo_article(page):
    call_command("loaddemo", stdout=StringIO())
    articles = list(Article.objects.all())
    assert len(articles) >= 3
    for article in articles:
        page.goto(article.get_absolute_url())
        assert body_text_in_browser(page) == article.body_text, article.title


def test_body_text_is_the_browsers_text_content_for_tricky_html(page):
    article = make_article(title="Tricky", body=TRICKY_HTML, body_format="html")
    page.goto(article.get_absolute_url())
    assert body_text_in_browser(page) == article.body_text
    for fragment in ("🛰️", "👩🏽‍🔬", "«العودة غير ممكنة»", "café", 'Inner <a> "quoted" — dash'):
        assert fragment in article.body_text


def test_search_filters_without_reload(page):
    make_article(title="Harbour bridge widened")
    make_article(title="Glacier retreat measured")
    page.goto("/")
    page.evaluate("window.loadedOnce = true")
    page.get_by_label("Search articles").fill("glacier")
    expect(page.locator(".article-card")).to_have_count(1)
    expect(page.locator(".article-card")).to_contain_text("Glacier retreat measured")
    assert page.evaluate("window.loadedOnce") is True
    assert "q=glacier" in page.url


def test_theme_toggle_is_remembered(page):
    article = make_article()
    page.goto(article.get_absolute_url())
    initial = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.get_by_role("button", name="Switch between light and dark theme").click()
    toggled = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert toggled != initial
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == toggled


def test_reader_fits_a_phone(context):
    article = make_article(body=TRICKY_HTML, body_format="html")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(article.get_absolute_url())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()


def test_keyboard_reaches_the_article_links_with_visible_focus(page):
    article = make_article(body="A [source](https://example.org/report) paragraph.")
    page.goto(article.get_absolute_url())
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
