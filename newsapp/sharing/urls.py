from __future__ import annotations

from django.urls import path, re_path

from . import views

app_name = "sharing"

urlpatterns = [
    path("a/<str:public_id>/card.png", views.annotation_card, name="card"),
    path("a/<str:public_id>/qr.svg", views.annotation_qr_svg, name="qr_svg"),
    path("a/<str:public_id>/qr.png", views.annotation_qr_png, name="qr_png"),
    path("a/<str:public_id>/original", views.annotation_original, name="original"),
    path("a/<str:public_id>/embed", views.annotation_embed, name="embed"),
    path("oembed", views.oembed, name="oembed"),
    re_path(
        r"^articles/(?P<slug>[-a-zA-Z0-9_]+)/export\.(?P<fmt>md|jsonld)$",
        views.article_export,
        name="article_export",
    ),
    re_path(r"^notes/export\.(?P<fmt>md|jsonld)$", views.reader_export, name="reader_export"),
    path(
        "articles/<slug:slug>/import-annotations/",
        views.annotations_import_page,
        name="import",
    ),
]
