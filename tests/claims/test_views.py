"""Claims views: rating and correcting on both the HTMX and the plain path, and the pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from newsapp.annotations.services import annotation_delete
from newsapp.claims.models import AttributionCorrection, NoteRating, Quote
from newsapp.claims.ratings import notes_rescore
from newsapp.claims.services import attribution_correct
from tests.claims.factories import (
    DISPLACED_CLAIM,
    MARKETS,
    make_context_note,
    make_quoted_article,
    rate,
    seed_camps,
)
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article():
    return make_quoted_article(title="Talks")


@pytest.fixture
def note(article):
    return make_context_note(article=article)


@pytest.fixture
def reader(client):
    user = make_user("rater")
    client.force_login(user)
    return user


def rate_url(note) -> str:
    return reverse("claims:rate", args=[note.public_id])


def make_shown(note):
    camp_a, camp_b = seed_camps()
    for rater in camp_a[:3] + camp_b[:2]:
        rate(note, rater)
    notes_rescore()


# --- rating ------------------------------------------------------------------------------------


def test_rating_with_htmx_returns_the_card_extras_and_the_context_box(client, note, reader):
    response = client.post(rate_url(note), {"value": "helpful", "from": "reader"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="claim-extras" id="note-extras-{note.public_id}"')
    assert 'value="helpful" class="rating-button" aria-pressed="true"' in html
    assert "1 rating" in html
    assert "your rating is counted" in html
    assert '<div id="reader-context" class="reader-context" hx-swap-oob="true">' in html
    assert NoteRating.objects.get().rater == reader


def test_rating_without_htmx_redirects_back_to_the_note(client, article, note, reader):
    response = client.post(rate_url(note), {"value": "somewhat"})
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#note-{note.public_id}"
    assert NoteRating.objects.get().value == "somewhat"
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'value="somewhat" class="rating-button" aria-pressed="true"' in page


def test_rating_redirects_to_a_safe_next_only(client, article, note, reader):
    claims_url = reverse("claims:article_claims", args=[article.slug])
    response = client.post(rate_url(note), {"value": "helpful", "next": claims_url})
    assert response["Location"] == claims_url
    response = client.post(rate_url(note), {"value": "helpful", "next": "https://evil.example/"})
    assert response["Location"].startswith(article.get_absolute_url())


def test_a_second_vote_replaces_the_first_through_the_view(client, note, reader):
    client.post(rate_url(note), {"value": "helpful"}, **HTMX)
    client.post(rate_url(note), {"value": "not"}, **HTMX)
    assert list(NoteRating.objects.values_list("value", flat=True)) == ["not"]


def test_clearing_a_rating(client, note, reader):
    client.post(rate_url(note), {"value": "helpful"}, **HTMX)
    response = client.post(rate_url(note), {"value": "clear"}, **HTMX)
    assert response.status_code == 200
    assert not NoteRating.objects.exists()


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_votes_on_notes_that_are_not_public_answer_404(client, article, reader, visibility):
    hidden = make_context_note(article=article, visibility=visibility)
    plain = client.post(rate_url(hidden), {"value": "helpful"})
    assert plain.status_code == 404
    fragment = client.post(rate_url(hidden), {"value": "helpful"}, **HTMX)
    assert fragment.status_code == 404
    assert "not public" in fragment.content.decode()
    assert fragment["HX-Retarget"] == f"#rating-error-{hidden.public_id}"
    assert not NoteRating.objects.exists()


def test_votes_on_deleted_or_missing_notes_answer_404(client, note, reader):
    annotation_delete(annotation=note, user=note.author)
    assert client.post(rate_url(note), {"value": "helpful"}).status_code == 404
    missing = reverse("claims:rate", args=["no-such-note"])
    assert client.post(missing, {"value": "helpful"}, **HTMX).status_code == 404
    assert not NoteRating.objects.exists()


def test_rating_ones_own_note_is_refused_with_the_reason(client, note):
    client.force_login(note.author)
    response = client.post(rate_url(note), {"value": "helpful"}, **HTMX)
    assert response.status_code == 403
    assert "your own note" in response.content.decode()
    assert response["HX-Reswap"] == "outerHTML"
    plain = client.post(rate_url(note), {"value": "helpful"})
    assert plain.status_code == 403
    assert "your own note" in plain.content.decode()
    assert not NoteRating.objects.exists()


def test_a_bad_value_is_a_400_with_the_reason(client, note, reader):
    response = client.post(rate_url(note), {"value": "<b>yes</b>"}, **HTMX)
    assert response.status_code == 400
    assert "Choose helpful" in response.content.decode()
    assert not NoteRating.objects.exists()


def test_rating_needs_a_signed_in_reader_and_a_post(client, note):
    response = client.post(rate_url(note), {"value": "helpful"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(make_user())
    assert client.get(rate_url(note)).status_code == 405
    assert not NoteRating.objects.exists()


def test_cards_offer_rating_only_to_others_and_only_on_context_notes(client, article, note):
    bare = make_annotation(article=article, author=make_user(), exact=DISPLACED_CLAIM, kind="claim")
    anonymous = client.get(article.get_absolute_url()).content.decode()
    assert "Sign in</a> to rate this context" in anonymous
    assert 'class="rating-form"' not in anonymous
    client.force_login(note.author)
    own = client.get(article.get_absolute_url()).content.decode()
    assert rate_url(note) not in own
    client.force_login(make_user())
    other = client.get(article.get_absolute_url()).content.decode()
    assert rate_url(note) in other
    assert rate_url(bare) not in other
    assert "Said by <a" in other
    assert "Adaeze Okafor" in other


# --- attribution corrections -------------------------------------------------------------------


def attribution_url(quote) -> str:
    return reverse("claims:attribution", args=[quote.pk])


def test_correcting_with_htmx_returns_the_attribution_fragment(client, article, reader):
    quote = Quote.objects.in_article(article).first()
    response = client.post(attribution_url(quote), {"speaker": "Priyanka Raman"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="attribution" id="attribution-{quote.pk}"')
    assert "your answer is counted" in html
    assert 'value="Priyanka Raman"' in html
    assert "Withdraw my answer" in html
    assert AttributionCorrection.objects.get().speaker.name == "Priyanka Raman"


def test_correcting_without_htmx_redirects_to_next(client, article, reader):
    quote = Quote.objects.in_article(article).first()
    target = f"{article.get_absolute_url()}#quote-item-{quote.pk}"
    response = client.post(attribution_url(quote), {"speaker": "Ana Lima", "next": target})
    assert response.status_code == 302
    assert response["Location"] == target
    response = client.post(attribution_url(quote), {"action": "withdraw"})
    assert response["Location"] == quote.get_absolute_url()
    assert not AttributionCorrection.objects.exists()


def test_a_refused_correction_is_a_400_with_the_reason_and_writes_nothing(client, article, reader):
    quote = Quote.objects.in_article(article).first()
    response = client.post(attribution_url(quote), {"speaker": "<script>x</script>"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#attribution-error-{quote.pk}"
    assert "Write the name" in response.content.decode()
    plain = client.post(attribution_url(quote), {"speaker": "x" * 500})
    assert plain.status_code == 400
    assert "at most 120" in plain.content.decode()
    assert not AttributionCorrection.objects.exists()


def test_correcting_needs_sign_in_and_an_existing_quote(client, article):
    quote = Quote.objects.in_article(article).first()
    assert client.post(attribution_url(quote), {"speaker": "Ana"}).status_code == 302
    client.force_login(make_user())
    missing = reverse("claims:attribution", args=[99999])
    assert client.post(missing, {"speaker": "Ana"}).status_code == 404
    assert not AttributionCorrection.objects.exists()


# --- pages -------------------------------------------------------------------------------------


def test_speaker_page_lists_quotes_across_articles_with_their_annotations(client, article):
    markets = make_quoted_article(title="Markets", body=MARKETS)
    public = make_context_note(article=article, note="Public context on the quote.")
    make_context_note(
        article=markets,
        exact="simply not feasible",
        note="A private thought.",
        visibility="private",
    )
    response = client.get(reverse("claims:speaker", args=["adaeze-okafor"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Adaeze Okafor</h1>" in html
    assert "2 quotes in 2 articles" in html
    assert "Talks" in html
    assert "Markets" in html
    assert "Public context on the quote." in html
    assert public.public_id in html
    assert "A private thought." not in html
    assert response["Vary"]
    assert "HX-Request" in response["Vary"]
    fragment = client.get(reverse("claims:speaker", args=["adaeze-okafor"]), **HTMX)
    assert "<html" not in fragment.content.decode()
    assert "Public context on the quote." in fragment.content.decode()


def test_speaker_page_shows_private_notes_to_their_author_only(client, article):
    author = make_user()
    make_context_note(article=article, author=author, note="Only mine.", visibility="private")
    client.force_login(author)
    assert (
        "Only mine."
        in client.get(reverse("claims:speaker", args=["adaeze-okafor"])).content.decode()
    )


def test_unknown_speaker_is_404(client):
    assert client.get(reverse("claims:speaker", args=["nobody-at-all"])).status_code == 404


def test_claims_page_shows_each_claims_status(client, article):
    shown = make_context_note(article=article, note="Shown context.")
    make_annotation(article=article, author=make_user(), exact="14 crossing points", kind="claim")
    make_context_note(article=article, exact=DISPLACED_CLAIM, note="Proposed context.")
    make_shown(shown)
    url = reverse("claims:article_claims", args=[article.slug])
    html = client.get(url).content.decode()
    assert html.count('class="claim-card ') == 3
    for label in ("Context shown", "Context proposed", "No context yet"):
        assert 'class="claim-status' in html
        assert label in html
    assert "Said by" in html
    assert "Adaeze Okafor" in html
    assert "readers who usually disagree" in html
    fragment = client.get(url, {"status": "proposed"}, **HTMX).content.decode()
    assert "<html" not in fragment
    assert fragment.count('class="claim-card ') == 1
    assert "Proposed context." in fragment
    assert "Shown context." not in fragment


def test_claims_page_groups_overlapping_claims_and_hides_private_ones(client, article):
    make_context_note(article=article, note="First reader.")
    make_context_note(article=article, exact="not feasible", note="Second reader.")
    make_context_note(article=article, exact=DISPLACED_CLAIM, visibility="private", note="Hidden")
    html = client.get(reverse("claims:article_claims", args=[article.slug])).content.decode()
    assert html.count('class="claim-card ') == 1
    assert "Marked by 2 readers" in html
    assert "Hidden" not in html


def test_quote_page_shows_wording_differences_and_context_from_every_article(client, article):
    markets = make_quoted_article(title="Markets", body=MARKETS)
    make_context_note(article=markets, exact="simply not feasible", note="Context from Markets.")
    quote = Quote.objects.in_article(article).first()
    html = client.get(quote.get_absolute_url()).content.decode()
    assert "Also quoted in" in html
    assert "Markets" in html
    assert "<ins>" in html
    assert "<del>" in html
    assert "Context from Markets." in html
    assert '— <a href="/speakers/adaeze-okafor/">Adaeze Okafor</a>' in html


def test_rating_from_a_claims_page_keeps_posting_from_that_page(client, article, note, reader):
    claims_url = reverse("claims:article_claims", args=[article.slug])
    page = client.get(claims_url).content.decode()
    assert 'name="from" value="page"' in page
    assert f'name="next" value="{claims_url}"' in page
    response = client.post(
        rate_url(note), {"value": "helpful", "from": "page", "next": claims_url}, **HTMX
    )
    html = response.content.decode()
    assert 'name="from" value="page"' in html
    assert f'name="next" value="{claims_url}"' in html
    assert "reader-context" not in html
    assert "Said by" not in html


def test_a_correction_from_the_panel_answers_in_the_panels_words(client, article, reader):
    quote = Quote.objects.in_article(article).first()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'name="in_panel" value="1"' in page
    from_panel = client.post(
        attribution_url(quote), {"speaker": "Adaeze Okafor", "in_panel": "1"}, **HTMX
    ).content.decode()
    assert "machine’s guess;" not in from_panel
    assert "1 reader answered" in from_panel
    assert 'name="in_panel" value="1"' in from_panel
    assert '<details class="attribution-fix">' in from_panel
    from_page = client.post(attribution_url(quote), {"speaker": "Adaeze Okafor"}, **HTMX)
    html = from_page.content.decode()
    assert "machine’s guess; 1 reader answered" in html
    assert '<details class="attribution-fix" open>' in html


def test_speaker_page_counts_articles_not_quotes(client):
    body = "“We will not go back,” said Ana Lima.\n\n“Not one metre,” Ana Lima added."
    make_quoted_article(title="Two quotes", body=body)
    html = client.get(reverse("claims:speaker", args=["ana-lima"])).content.decode()
    assert "2 quotes in 1 article," in html


def test_signed_out_visitors_share_one_claims_page_that_a_new_claim_reaches_at_once(
    article, django_assert_num_queries
):
    make_context_note(article=article, note="First reader.")
    url = reverse("claims:article_claims", args=[article.slug])
    first = Client().get(url).content.decode()
    with django_assert_num_queries(1):  # the article's state, for the key
        again = Client().get(url).content.decode()
    assert again == first
    assert "First reader." in again
    make_context_note(article=article, exact=DISPLACED_CLAIM, note="A second claim.")
    make_context_note(
        article=article, exact="14 crossing points", visibility="private", note="Only mine."
    )
    html = Client().get(url).content.decode()
    assert "A second claim." in html
    assert "Only mine." not in html


def test_signed_out_visitors_share_a_speaker_page_that_follows_notes_and_corrections(
    article, django_assert_num_queries
):
    url = reverse("claims:speaker", args=["adaeze-okafor"])
    first = Client().get(url).content.decode()
    with django_assert_num_queries(2):  # the speaker, and the state of their quotes
        again = Client().get(url).content.decode()
    assert again == first
    make_context_note(article=article, note="Context added since.")
    make_context_note(article=article, note="Kept to myself.", visibility="private")
    html = Client().get(url).content.decode()
    assert "Context added since." in html
    assert "Kept to myself." not in html
    quote = Quote.objects.get(article=article, shown_speaker__slug="adaeze-okafor")
    for reader in (make_user(), make_user(), make_user()):
        attribution_correct(quote=quote, reader=reader, speaker_name="Priyanka Raman")
    assert "Re-attributed by readers" in Client().get(url).content.decode()
    other = Client().get(reverse("claims:speaker", args=["priyanka-raman"])).content.decode()
    assert "Context added since." in other
