from __future__ import annotations

from django.urls import path, re_path

from . import views

app_name = "groups"

urlpatterns = [
    path("groups/", views.group_index, name="index"),
    path("groups/new/", views.group_create, name="create"),
    path("groups/save/<slug:slug>/", views.save_article, name="save"),
    path("groups/join/<str:token>/", views.join, name="join"),
    path("groups/join/<str:token>/decline/", views.invitation_decline, name="decline"),
    path("groups/<slug:slug>/", views.group_detail, name="detail"),
    path("groups/<slug:slug>/settings/", views.group_settings, name="settings"),
    path("groups/<slug:slug>/invites/", views.invite_link_create, name="invite_link"),
    path("groups/<slug:slug>/invites/reader/", views.invite_reader, name="invite_reader"),
    path("groups/<slug:slug>/invites/<id:pk>/revoke/", views.invite_revoke, name="revoke"),
    path("groups/<slug:slug>/leave/", views.leave, name="leave"),
    path("groups/<slug:slug>/members/<str:username>/role/", views.member_role, name="role"),
    path("groups/<slug:slug>/members/<str:username>/remove/", views.member_remove, name="remove"),
    path(
        "groups/<slug:slug>/members/<str:username>/transfer/",
        views.ownership_transfer,
        name="transfer",
    ),
    path("groups/<slug:slug>/reading-list/", views.reading_list_save, name="reading_list"),
    re_path(
        r"^groups/(?P<slug>[-a-zA-Z0-9_]+)/export\.(?P<fmt>md|jsonld)$",
        views.group_export,
        name="export",
    ),
]
