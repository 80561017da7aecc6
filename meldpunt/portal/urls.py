from django.urls import path

from meldpunt.portal import incident_link_views, views

app_name = "portal"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("m/<str:token>/", incident_link_views.incident_link, name="incident_link"),
    path(
        "m/<str:token>/reply/", incident_link_views.incident_link_reply, name="incident_link_reply"
    ),
    path(
        "m/<str:token>/files/<slug:file_id>/",
        incident_link_views.incident_link_file,
        name="incident_link_file",
    ),
]
