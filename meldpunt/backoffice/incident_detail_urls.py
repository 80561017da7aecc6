"""Pages of one incident."""

from django.urls import path

from meldpunt.backoffice import incident_detail_views

urlpatterns = [
    path("<slug:public_id>/", incident_detail_views.incident_detail, name="incident_detail"),
]
