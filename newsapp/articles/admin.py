from __future__ import annotations

from django.contrib import admin

from .models import Article, ArticleRevision


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    fields = ["number", "title", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source_name", "published_at", "word_count", "created_at"]
    list_filter = ["source_name", "language"]
    search_fields = ["title", "byline", "source_name", "body_text"]
    date_hierarchy = "published_at"
    readonly_fields = ["slug", "body_html", "body_text", "word_count", "created_at", "updated_at"]
    fields = [
        "title",
        "slug",
        "byline",
        ("source_name", "source_url"),
        ("published_at", "language"),
        "added_by",
        "word_count",
        "body_html",
        "body_text",
        ("created_at", "updated_at"),
    ]
    raw_id_fields = ["added_by"]
    inlines = [ArticleRevisionInline]


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "created_at"]
    readonly_fields = ["article", "number", "title", "body_html", "body_text", "created_at"]
