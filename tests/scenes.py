"""A reader's world for the browser gates and `make screenshots`: the demo library, and one
reader (alice) with notes of every kind on the ceasefire article, a reply, a private note, a
note whose words were later removed (orphaned), a trashed note and a feed.

Everything here goes through the same services the app uses; the words are our own.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from newsapp.annotations.models import Annotation
from newsapp.annotations.services import (
    SourceInput,
    annotation_delete,
    reply_create,
)
from newsapp.articles.models import Article, Feed, FeedSubscription
from newsapp.claims.models import Speaker
from tests.factories import make_annotation, make_article, make_user

CEASEFIRE_URL = "https://harbourledger.example/world/2026/11/ceasefire-talks"


@dataclass
class Scene:
    article: Article  # the ceasefire article, with notes of every kind
    alice: object  # a reader who signs in
    claim: Annotation  # alice's public claim, with sources, tags and a reply
    quote_note: Annotation  # alice's note of kind "quote" (its card once lost its border)
    private: Annotation  # alice's private highlight
    demo_note: Annotation  # the demo editors' public note on the article
    orphan_article: Article  # an article whose revision orphaned one of alice's notes
    orphan: Annotation
    speaker: Speaker


def build_scene() -> Scene:
    call_command("loaddemo", stdout=StringIO())
    article = Article.objects.get(source_url=CEASEFIRE_URL)
    alice = make_user("alice")
    claim = make_annotation(
        article=article,
        author=alice,
        exact="has displaced more than 38,000 people",
        kind="claim",
        note="The refugee agency's October count was **41,200**, higher than this.",
        tags=["displacement", "figures"],
        sources=[
            SourceInput(
                url="https://refugees.example/reports/october-2026",
                title="Refugee agency: October situation report",
                stance="disputes",
            )
        ],
    )
    quote_note = make_annotation(
        article=article,
        author=alice,
        exact="A pause in shelling is welcome. It is not a settlement.",
        kind="quote",
        note="The line both delegations repeated to reporters afterwards.",
    )
    private = make_annotation(
        article=article,
        author=alice,
        exact="a lakeside hotel on the edge of the city",
        kind="highlight",
        visibility="private",
    )
    demo_note = (
        Annotation.objects.filter(article=article, parent__isnull=True)
        .exclude(author=alice)
        .order_by("created_at")
        .first()
    )
    reply_create(parent=claim, author=make_user("bruno"), note="Their count includes the coast.")
    trashed = make_annotation(
        article=article, author=alice, exact="closed the main rail corridor", note="Trashed"
    )
    annotation_delete(annotation=trashed, user=alice)
    orphan_article, orphan = _orphaned_note(alice)
    feed = Feed.objects.create(
        url="https://harbourledger.example/feeds/world.xml",
        title="The Harbour Ledger: World",
        site_url="https://harbourledger.example/world/",
    )
    FeedSubscription.objects.create(feed=feed, user=alice)
    speaker = Speaker.objects.filter(quotes__article=article).distinct().order_by("name").first()
    return Scene(
        article=article,
        alice=alice,
        claim=claim,
        quote_note=quote_note,
        private=private,
        demo_note=demo_note,
        orphan_article=orphan_article,
        orphan=orphan,
        speaker=speaker,
    )


def _orphaned_note(author) -> tuple[Article, Annotation]:
    from newsapp.articles.revisions import article_revise

    article = make_article(
        title="Ferry timetable cut for the winter",
        body=(
            "The ferry company said the cuts were reckless and costly for the islands.\n\n"
            "Crossings will run twice a day from December."
        ),
    )
    note = make_annotation(
        article=article, author=author, exact="reckless and costly", note="Whose words?"
    )
    article_revise(
        article=article,
        title="Ferry timetable cut for the winter",
        body=(
            "The ferry company said the cuts were regrettable.\n\n"
            "Crossings will run twice a day from December, and a public inquiry opens."
        ),
        body_format="markdown",
    )
    note.refresh_from_db()
    return article, note


@dataclass(frozen=True)
class PageVisit:
    name: str
    path: str
    signed_in: bool


def pages(scene: Scene) -> list[PageVisit]:
    """Every page a reader can reach, as the scene's signed-out visitor or as alice."""
    article = scene.article
    return [
        PageVisit("library", reverse("articles:library"), False),
        PageVisit("library-signed-in", reverse("articles:library"), True),
        PageVisit("reader", article.get_absolute_url(), False),
        PageVisit("reader-signed-in", article.get_absolute_url(), True),
        PageVisit("permalink", scene.demo_note.get_absolute_url(), False),
        PageVisit("permalink-claim", scene.claim.get_absolute_url(), False),
        PageVisit("reader-orphan", scene.orphan_article.get_absolute_url(), True),
        PageVisit("add-article", reverse("articles:new"), True),
        PageVisit("annotate-by-pasting", reverse("annotations:new", args=[article.slug]), True),
        PageVisit("edit-note", reverse("annotations:edit", args=[scene.claim.public_id]), True),
        PageVisit("my-notes", reverse("annotations:mine"), True),
        PageVisit("trash", reverse("annotations:trash"), True),
        PageVisit("claims", reverse("claims:article_claims", args=[article.slug]), False),
        PageVisit("claims-signed-in", reverse("claims:article_claims", args=[article.slug]), True),
        PageVisit("speaker", scene.speaker.get_absolute_url(), False),
        PageVisit("quote", reverse("claims:quote", args=[article.quotes.first().pk]), False),
        PageVisit(
            "revisions", reverse("articles:revisions", args=[scene.orphan_article.slug]), True
        ),
        PageVisit("import-notes", reverse("sharing:import", args=[article.slug]), True),
        PageVisit("feeds", reverse("articles:feeds"), True),
        PageVisit("sign-up", reverse("accounts:signup"), False),
        PageVisit("sign-in", reverse("accounts:login"), False),
        PageVisit("profile", reverse("annotations:profile", args=["alice"]), False),
        PageVisit("profile-edit", reverse("accounts:profile_edit"), True),
        PageVisit("password-change", reverse("accounts:password_change"), True),
        PageVisit("password-reset", reverse("accounts:password_reset"), False),
    ]
