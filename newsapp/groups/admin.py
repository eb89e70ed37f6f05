from __future__ import annotations

from django.contrib import admin

from .models import Group, Invite, Membership, ReadingListEntry


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_by", "created_at"]
    search_fields = ["name", "slug", "description"]
    readonly_fields = ["slug", "created_by", "created_at"]
    inlines = [MembershipInline]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["group", "invitee", "created_by", "uses", "max_uses", "expires_at", "state"]
    list_select_related = ["group", "invitee", "created_by"]
    readonly_fields = ["token", "uses", "created_at"]
    raw_id_fields = ["group", "invitee", "created_by"]


@admin.register(ReadingListEntry)
class ReadingListEntryAdmin(admin.ModelAdmin):
    list_display = ["group", "article", "added_by", "added_at"]
    list_select_related = ["group", "article", "added_by"]
    raw_id_fields = ["group", "article", "added_by"]
