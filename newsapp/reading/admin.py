from __future__ import annotations

from django.contrib import admin

from .models import ReadingEntry


@admin.register(ReadingEntry)
class ReadingEntryAdmin(admin.ModelAdmin):
    list_display = ("reader", "article", "status", "progress", "changed_at")
    list_filter = ("status",)
    raw_id_fields = ("reader", "article")
