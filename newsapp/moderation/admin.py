"""The admin shows moderation's records; changes go through the moderation queue, so that
every one of them is written to the audit log."""

from __future__ import annotations

from django.contrib import admin

from .models import ModerationAction, Report, Restriction


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "subject", "group", "reason", "explanation"]
    list_filter = ["action", "reason"]
    list_select_related = ["actor", "subject", "group"]
    search_fields = ["explanation", "subject__username", "actor__username"]
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "annotation", "reporter", "reason", "established", "resolution"]
    list_filter = ["reason", "resolution", "established"]
    list_select_related = ["annotation", "annotation__author", "annotation__article", "reporter"]


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ["user", "restricted_by", "created_at", "explanation"]
    list_select_related = ["user", "restricted_by"]
