"""Making a tenant account from the letters (SPEC ACC-1 … ACC-4); mounted at portal/."""

from django.urls import URLPattern, URLResolver, path

from meldpunt.portal import activation_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("activate", views.activate, name="activate"),
    path("activate/details", views.activate_details, name="activate_details"),
    path("activate/sent", views.activate_sent, name="activate_sent"),
    path("confirm/<str:key>", views.confirm_email, name="confirm_email"),
    path("lost-letter", views.lost_letter, name="lost_letter"),
    path("register", views.register, name="register"),
]
