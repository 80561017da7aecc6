"""Security settings: staff address ranges and locked accounts (administrators)."""

from django.urls import path

from meldpunt.backoffice import security_views as views

urlpatterns = [
    path("", views.security_overview, name="security"),
    path("ranges/", views.security_range_add, name="security_range_add"),
    path("ranges/<int:pk>/delete/", views.security_range_remove, name="security_range_remove"),
    path("locks/<int:lock_id>/unlock/", views.security_unlock, name="security_unlock"),
]
