from django.urls import path

from meldpunt.backoffice import sub_incident_views

urlpatterns = [
    path(
        "sub-incidents/<slug:public_id>/",
        sub_incident_views.sub_incident_detail,
        name="sub_incident_detail",
    ),
]
