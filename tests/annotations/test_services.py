from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newsapp.annotations import services
from newsapp.annotations.models import Annotation, ContextSource
from newsapp.annotations.services import SourceInput, annotation_create
from newsapp.ratelimit import RateLimited
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

ARTICLE_BODY = "Rates held.\n\nRates held again, the bank said. 🛰️ Orbit café — 東京 test.\n"


@pytest.fixture
def article():
    return make_article(body=ARTICLE_BODY)


def test_create_stores_w3c_selectors_relocated_in_the_article(article):
    author = make_user()
    text = article.body_text
    start = text.index("Rates held again")
    annotation = annotation_create(
        article=article,
        author=author,
        exact="Rates held",
        start=start,
        end=start + 10,
        note="See **this**",
        tags=["Economy", "economy", "#rates"],
        sources=[SourceInput(url="https://stats.example/cpi", title="CPI", stance="disputes")],
    )
    assert (annotation.start, annotation.end) == (start, start + 10)
    assert annotation.exact == "Rates held"
    assert annotation.prefix == text[:start][-32:]
    assert annotation.suffix == text[start + 10 :][:32]
    assert annotation.note_html == "<p>See <strong>this</strong></p>"
    assert sorted(annotation.tags.values_list("name", flat=True)) == ["economy", "rates"]
    assert annotation.sources.get().stance == "disputes"


def test_position_wrong_but_context_right_picks_the_right_occurrence(article):
    text = article.body_text
    second = text.index("Rates held again")
    annotation = annotation_create(
        article=article,
        author=make_user(),
        exact="Rates held",
        prefix=text[:second][-32:],
        suffix=text[second + 10 :][:32],
    )
    assert annotation.start == second


def test_code_point_offsets_after_emoji(article):
    text = article.body_text
    start = text.index("Orbit café")
    annotation = annotation_create(
        article=article,
        author=make_user(),
        exact="Orbit café — 東京",
        start=start,
        end=start + len("Orbit café — 東京"),
    )
    assert text[annotation.start : annotation.end] == "Orbit café — 東京"


def test_quote_not_in_article_is_refused_and_nothing_written(article):
    with pytest.raises(ValidationError) as caught:
        annotation_create(article=article, author=make_user(), exact="never written here")
    assert "not in this article" in str(caught.value)
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "x" * 10_001}, "limit is 10,000"),
        ({"tags": [f"t{i}" for i in range(11)]}, "at most 10 tags"),
        ({"tags": ["x" * 41]}, "at most 40 characters"),
        ({"sources": [SourceInput(url="javascript:alert(1)")]}, "http"),
        ({"sources": [SourceInput(url=f"https://e.example/{i}") for i in range(11)]}, "at most 10"),
        ({"sources": [SourceInput(url="https://e.example", stance="loves")]}, "supports"),
        ({"kind": "rumour"}, "Choose highlight"),
        ({"visibility": "secret"}, "only me, one of your groups, anyone with the link or public"),
        ({"exact": "y" * 5001}, "limit is 5,000"),
        ({"exact": "   "}, "Select some words"),
    ],
)
def test_limits_are_enforced_with_reasons(article, fields, message):
    arguments = {"article": article, "author": make_user(), "exact": "Rates held"} | fields
    with pytest.raises(ValidationError, match=message):
        annotation_create(**arguments)
    assert Annotation.objects.count() == 0
    assert ContextSource.objects.count() == 0


def test_double_submit_returns_the_first(article):
    author = make_user()
    first = make_annotation(
        article=article, author=author, exact="Rates held", submission_token="t1"
    )
    second = make_annotation(
        article=article, author=author, exact="Rates held", submission_token="t1"
    )
    assert first.pk == second.pk
    assert Annotation.objects.count() == 1


def test_rate_limit(article, monkeypatch):
    monkeypatch.setattr(services, "RATE_LIMIT_PER_MINUTE", 3)
    author = make_user()
    for _ in range(3):
        make_annotation(article=article, author=author, exact="Rates held")
    with pytest.raises(RateLimited):
        make_annotation(article=article, author=author, exact="Rates held")
    assert Annotation.objects.count() == 3


def test_only_the_author_updates_deletes_restores(article):
    author, other = make_user(), make_user()
    annotation = make_annotation(article=article, author=author, exact="Rates held")
    with pytest.raises(PermissionDenied):
        services.annotation_update(
            annotation=annotation,
            user=other,
            note="hijack",
            kind="note",
            visibility="public",
            tags=[],
            sources=[],
        )
    with pytest.raises(PermissionDenied):
        services.annotation_delete(annotation=annotation, user=other)
    annotation.refresh_from_db()
    assert annotation.note == ""
    assert annotation.deleted_at is None
    services.annotation_delete(annotation=annotation, user=author)
    assert Annotation.objects.alive().count() == 0
    services.annotation_restore(annotation=annotation, user=author)
    assert Annotation.objects.alive().count() == 1


def test_replies_only_on_public_top_level_annotations(article):
    author, replier = make_user(), make_user()
    public = make_annotation(article=article, author=author, exact="Rates held")
    private = make_annotation(
        article=article, author=author, exact="Rates held", visibility="private"
    )
    reply = services.reply_create(parent=public, author=replier, note="Agreed <script>x</script>")
    assert "<script" not in reply.note_html
    with pytest.raises(ValidationError, match="Only public"):
        services.reply_create(parent=private, author=replier, note="hi")
    with pytest.raises(ValidationError, match="one level"):
        services.reply_create(parent=reply, author=author, note="hi")


def test_visible_to_is_the_one_rule(article):
    author, other = make_user(), make_user()
    public = make_annotation(article=article, author=author, exact="Rates held")
    unlisted = make_annotation(
        article=article, author=author, exact="Rates held", visibility="unlisted"
    )
    private = make_annotation(
        article=article, author=author, exact="Rates held", visibility="private"
    )
    from django.contrib.auth.models import AnonymousUser

    for viewer in (other, AnonymousUser()):
        assert set(Annotation.objects.visible_to(viewer)) == {public}
        assert set(Annotation.objects.visible_to(viewer, via_link=True)) == {public, unlisted}
    assert set(Annotation.objects.visible_to(author)) == {public, unlisted, private}


def test_a_reused_reply_token_never_swallows_a_different_reply(article):
    author, replier = make_user(), make_user()
    parent = make_annotation(article=article, author=author, exact="Rates held")
    first = services.reply_create(parent=parent, author=replier, note="One", submission_token="r1")
    again = services.reply_create(parent=parent, author=replier, note="One", submission_token="r1")
    other = services.reply_create(parent=parent, author=replier, note="Two", submission_token="r1")
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert other.note == "Two"
    assert parent.replies.count() == 2


def _update(annotation, **changes):
    fields = {
        "note": annotation.note,
        "kind": annotation.kind,
        "visibility": annotation.visibility,
        "tags": list(annotation.tags.values_list("name", flat=True)),
        "sources": [
            services.SourceInput(url=s.url, title=s.title, stance=s.stance)
            for s in annotation.sources.order_by("position")
        ],
    }
    return services.annotation_update(
        annotation=annotation, user=annotation.author, **(fields | changes)
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"note": "Different words"},
        {"kind": "claim"},
        {"tags": ["rates", "later"]},
        {"sources": [services.SourceInput(url="https://stats.example/cpi", stance="supports")]},
    ],
)
def test_changing_what_a_note_says_marks_it_edited(article, changes):
    annotation = make_annotation(
        article=article, author=make_user(), exact="Rates held", note="Words", tags=["rates"]
    )
    assert annotation.edited_at is None
    _update(annotation, **changes)
    annotation.refresh_from_db()
    assert annotation.edited_at is not None


@pytest.mark.parametrize("changes", [{}, {"visibility": "private"}])
def test_saving_the_same_words_or_only_the_visibility_is_not_an_edit(article, changes):
    annotation = make_annotation(
        article=article,
        author=make_user(),
        exact="Rates held",
        note="Words",
        tags=["rates"],
        sources=[services.SourceInput(url="https://stats.example/cpi", title="CPI")],
    )
    _update(annotation, **changes)
    annotation.refresh_from_db()
    assert annotation.edited_at is None
