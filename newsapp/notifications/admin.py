from __future__ import annotations

from django.contrib import admin

from .models import Fanout, Follow, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "message", "delivery", "created_at", "read_at")
    list_filter = ("kind", "delivery")
    raw_id_fields = ("recipient", "actor", "article", "annotation", "quote", "revision")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "target", "target_id", "created_at")
    list_filter = ("target",)
    raw_id_fields = ("follower",)


@admin.register(Fanout)
class FanoutAdmin(admin.ModelAdmin):
    list_display = ("pk", "created_at", "notified", "cursor", "finished_at")
    raw_id_fields = ("actor", "article", "annotation", "quote", "revision")
