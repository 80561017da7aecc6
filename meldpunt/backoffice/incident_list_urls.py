"""Incident list, new incident, categories and phases."""

from django.urls import path

from meldpunt.backoffice import incident_list_views as views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("new/", views.incident_create, name="incident_create"),
    path("new/lookup/", views.incident_lookup, name="incident_lookup"),
    path("new/category-help/", views.incident_category_help, name="incident_category_help"),
    path("views/", views.saved_view_create, name="incident_view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="incident_view_delete"),
    path("categories/", views.category_list, name="incident_categories"),
    path("categories/new/", views.category_form, name="incident_category_create"),
    path("categories/<int:pk>/", views.category_form, name="incident_category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="incident_category_delete"),
    path("categories/<int:pk>/move/", views.category_move, name="incident_category_move"),
    path("phases/", views.phase_list, name="incident_phases"),
    path("phases/new/", views.phase_form, name="incident_phase_create"),
    path("phases/<int:pk>/", views.phase_form, name="incident_phase_edit"),
    path("phases/<int:pk>/delete/", views.phase_delete, name="incident_phase_delete"),
    path("phases/<int:pk>/move/", views.phase_move, name="incident_phase_move"),
]
