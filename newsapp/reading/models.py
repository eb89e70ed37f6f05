"""What each reader does with articles: their reading list, how far they read, their visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    SAVED = "saved", "Saved for later"
    READING = "reading", "Reading"
    ARCHIVED = "archived", "Archived"


ON_THE_LIST = (Status.SAVED, Status.READING)


class ReadingEntryQuerySet(models.QuerySet):
    def on_the_list(self) -> ReadingEntryQuerySet:
        return self.filter(status__in=ON_THE_LIST)

    def archived(self) -> ReadingEntryQuerySet:
        return self.filter(status=Status.ARCHIVED)


class ReadingEntry(models.Model):
    """One reader and one article: where it is on their list and how far they read it.

    `position` is where the reader was: the offset (in code points of `body_text`) of the first
    words at the top of their screen, so a return opens there on any screen size. `progress`
    (0 to 1) is how much of the text they have had on screen, for "6 min left".
    """

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="reading_entries", on_delete=models.CASCADE
    )
    article = models.ForeignKey(
        "articles.Article", related_name="reading_entries", on_delete=models.CASCADE
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SAVED)
    position = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        default=timezone.now, help_text="Last saved, archived or read: orders the list."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReadingEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at"]
        constraints = [
            models.UniqueConstraint(fields=["reader", "article"], name="one_entry_per_article"),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=1),
                name="progress_between_0_and_1",
            ),
        ]
        indexes = [models.Index(fields=["reader", "status", "-changed_at"])]
        verbose_name_plural = "reading entries"

    def __str__(self) -> str:
        return f"{self.reader} · {self.article_id} · {self.get_status_display()}"

    @property
    def on_the_list(self) -> bool:
        return self.status in ON_THE_LIST

    @property
    def started(self) -> bool:
        return self.position > 0 or self.progress > 0


class LibraryVisit(models.Model):
    """When a reader last looked at the library, for "New since your last visit".

    A visit is a run of page views with no gap longer than `services.VISIT_GAP`; items that
    arrived after the previous visit ended (`seen_until`) are new during the whole next one.
    """

    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        related_name="library_visit",
        on_delete=models.CASCADE,
    )
    last_seen_at = models.DateTimeField()
    seen_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.reader} last saw the library at {self.last_seen_at:%Y-%m-%d %H:%M}"
