"""Quotes found in articles, who said them, and readers' ratings of context notes.

A separate app from annotations: annotations stay about what readers write on an article;
this app is about what the article's people said and how readers judge the context added to
it. The two meet only through `Annotation` rows (ratings and scores point at them) and the
public functions of `newsapp.annotations`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Speaker(models.Model):
    """A person (or body) quoted in articles, keyed by `text.quotes.speaker_slug` of the name."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, allow_unicode=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:speaker", kwargs={"slug": self.slug})


class QuoteQuerySet(models.QuerySet):
    def in_article(self, article) -> QuoteQuerySet:
        return self.filter(article=article).order_by("start")

    def said_by(self, speaker: Speaker) -> QuoteQuerySet:
        """Quotes shown as the speaker's: the machine's guess or the readers' correction."""
        return self.filter(shown_speaker=speaker)

    def with_speakers(self) -> QuoteQuerySet:
        return self.select_related("speaker", "shown_speaker")


class Quote(models.Model):
    """A direct quotation found in an article's `body_text` by `text.quotes.find_quotes`.

    `start`/`end` cover the quoted words (for an interrupted quotation, everything from its
    first to its last part); `parts` are the quoted stretches themselves. `speaker` is the
    machine's guess and never changes because of readers; `shown_speaker` is what readers see:
    the guess, or the correction with the most support (see services.shown_speaker_for).
    """

    article = models.ForeignKey("articles.Article", related_name="quotes", on_delete=models.CASCADE)
    text = models.TextField()
    normalized = models.TextField(help_text="text.quotes.normalize_quote(text), for matching.")
    normalized_length = models.PositiveIntegerField(default=0)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    parts = models.JSONField(default=list, blank=True, help_text="[[start, end], ...]")
    speaker = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        related_name="guessed_quotes",
        on_delete=models.SET_NULL,
        help_text="The machine's guess.",
    )
    speaker_as_written = models.CharField(max_length=200, blank=True)
    verb = models.CharField(max_length=40, blank=True)
    shown_speaker = models.ForeignKey(
        Speaker, null=True, blank=True, related_name="quotes", on_delete=models.SET_NULL
    )
    same_quotes = models.ManyToManyField(
        "self", symmetrical=True, blank=True, help_text="The same quotation in other articles."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start"]
        indexes = [
            models.Index(fields=["article", "start"]),
            models.Index(fields=["normalized_length"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="quote_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"“{self.text[:60]}” in {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("claims:quote", kwargs={"pk": self.pk})

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(start, end) for start, end in self.parts] or [(self.start, self.end)]

    @property
    def is_corrected(self) -> bool:
        return self.shown_speaker_id != self.speaker_id


class QuoteWord(models.Model):
    """A content word of a quote: the index that finds the same quotation elsewhere
    (`linking`)."""

    quote = models.ForeignKey(Quote, related_name="words", on_delete=models.CASCADE)
    word = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quote", "word"], name="unique_quote_word")]
        indexes = [models.Index(fields=["word", "quote"])]

    def __str__(self) -> str:
        return self.word


class LinkRequest(models.Model):
    """An article whose quotes wait to be linked to the same quotations elsewhere.

    Written in the transaction that stores the quotes, deleted by the task that links them
    (`linking.quotes_link`): the row, not the queue, is the record of the work, so a lost task
    is sent again (`linking.link_requests_recover`) and no link is lost with it.
    """

    article = models.OneToOneField(
        "articles.Article", primary_key=True, related_name="+", on_delete=models.CASCADE
    )
    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"link the quotes of {self.article_id}"


class AttributionCorrection(models.Model):
    """One reader's answer to "who said this?" for one quote; they may change it."""

    quote = models.ForeignKey(Quote, related_name="corrections", on_delete=models.CASCADE)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="attribution_corrections", on_delete=models.CASCADE
    )
    speaker = models.ForeignKey(Speaker, related_name="corrections", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "reader"], name="one_correction_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.reader} says {self.speaker} said quote {self.quote_id}"


class RatingValue(models.TextChoices):
    HELPFUL = "helpful", "Helpful"
    SOMEWHAT = "somewhat", "Somewhat helpful"
    NOT_HELPFUL = "not", "Not helpful"


RATING_NUMBERS = {RatingValue.HELPFUL: 1.0, RatingValue.SOMEWHAT: 0.5, RatingValue.NOT_HELPFUL: 0.0}


class NoteRating(models.Model):
    """A reader's rating of a context note (an annotation on a claim or quote)."""

    annotation = models.ForeignKey(
        "annotations.Annotation", related_name="ratings", on_delete=models.CASCADE
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="note_ratings", on_delete=models.CASCADE
    )
    value = models.CharField(max_length=10, choices=RatingValue.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["annotation", "rater"], name="one_rating_per_rater")
        ]
        indexes = [models.Index(fields=["rater", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.rater} rated {self.annotation_id} {self.value}"

    @property
    def number(self) -> float:
        return RATING_NUMBERS[self.value]


class NoteStatus(models.TextChoices):
    """`annotations.scoring` statuses; a note without a stored score needs ratings."""

    HELPFUL = "helpful", "Readers added context"
    PROPOSED = "proposed", "Proposed: not yet rated helpful across perspectives"
    NEEDS_RATINGS = "needs_ratings", "Needs more ratings"
    NOT_HELPFUL = "not_helpful", "Rated not helpful"


class NoteScore(models.Model):
    """The last computed score of a rated context note (`manage.py score_notes` refreshes it)."""

    annotation = models.OneToOneField(
        "annotations.Annotation",
        primary_key=True,
        related_name="score",
        on_delete=models.CASCADE,
    )
    score = models.FloatField(default=0.0)
    method = models.CharField(max_length=10, default="wilson")
    status = models.CharField(
        max_length=16, choices=NoteStatus.choices, default=NoteStatus.NEEDS_RATINGS
    )
    ratings = models.PositiveIntegerField(default=0)
    factor = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.annotation_id}: {self.status} ({self.score:+.3f}, {self.method})"


class ScoringRun(models.Model):
    """One recomputation of every note's score: when it started (later ratings wait for the
    next one) and what it found. Runs older than a week are pruned."""

    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    notes = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    helpful = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Scoring run at {self.started_at:%Y-%m-%d %H:%M:%S}"
