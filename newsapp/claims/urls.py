from __future__ import annotations

from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("speakers/<str:slug>/", views.speaker_detail, name="speaker"),
    path("articles/<slug:slug>/claims/", views.article_claims, name="article_claims"),
    path("quotes/<id:pk>/", views.quote_detail, name="quote"),
    path("quotes/<id:pk>/attribution/", views.attribution_correct, name="attribution"),
    path("a/<str:public_id>/rate/", views.note_rate, name="rate"),
]
