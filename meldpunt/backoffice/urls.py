from django.urls import include, path

from meldpunt.backoffice import incident_detail_urls, incident_list_urls, outbox_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("complexes/<slug:public_id>/", views.complex_detail, name="complex_detail"),
    path("units/<slug:public_id>/", views.unit_detail, name="unit_detail"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("organization/", views.organization, name="organization"),
    path("outbox/", outbox_views.outbox_list, name="outbox"),
    path("outbox/test/", outbox_views.outbox_test, name="outbox_test"),
    path("outbox/<slug:public_id>/", outbox_views.outbox_detail, name="outbox_detail"),
    path("incidents/", include(incident_list_urls)),
    path("incidents/", include(incident_detail_urls)),
]
