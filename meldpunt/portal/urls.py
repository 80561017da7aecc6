from django.urls import path

from meldpunt.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("m/<str:token>/", views.incident_link, name="incident_link"),
]
