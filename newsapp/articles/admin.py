from __future__ import annotations

from django.contrib import admin

from .models import Article, ArticleRevision, Feed, FeedItem, FeedSubscription, Job


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    fields = ["number", "title", "origin", "words_added", "words_removed", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source_name", "published_at", "word_count", "created_at"]
    list_filter = ["source_name", "language"]
    search_fields = ["title", "byline", "source_name", "body_text", "canonical_url"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "slug",
        "body_html",
        "body_text",
        "word_count",
        "last_checked_at",
        "created_at",
        "updated_at",
    ]
    fields = [
        "title",
        "slug",
        "byline",
        ("source_name", "source_url"),
        ("canonical_url", "image_url"),
        ("published_at", "language"),
        "added_by",
        "word_count",
        "body_html",
        "body_text",
        ("created_at", "updated_at", "last_checked_at"),
    ]
    raw_id_fields = ["added_by"]
    inlines = [ArticleRevisionInline]


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "origin", "words_added", "words_removed", "created_at"]
    list_filter = ["origin"]
    readonly_fields = [
        "article",
        "number",
        "title",
        "origin",
        "source_url",
        "words_added",
        "words_removed",
        "followed",
        "body_html",
        "body_text",
        "created_at",
    ]


class FeedItemInline(admin.TabularInline):
    model = FeedItem
    extra = 0
    fields = ["title", "status", "error", "attempts", "article", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "last_status", "last_fetched_at", "last_new_items"]
    list_filter = ["last_status"]
    search_fields = ["title", "url"]
    readonly_fields = ["etag", "last_modified", "last_fetched_at", "last_status", "last_error"]
    inlines = [FeedItemInline]


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "feed", "last_read_at", "created_at"]
    raw_id_fields = ["user", "feed"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "outcome", "requested_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    search_fields = ["url", "message"]
    readonly_fields = [
        "kind",
        "status",
        "outcome",
        "requested_by",
        "url",
        "article",
        "feed",
        "revision",
        "progress",
        "message",
        "task_id",
        "created_at",
        "started_at",
        "finished_at",
    ]
