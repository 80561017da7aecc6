from django.urls import path

from meldpunt.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("complexes/<slug:public_id>/", views.complex_detail, name="complex_detail"),
    path("units/<slug:public_id>/", views.unit_detail, name="unit_detail"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("organization/", views.organization, name="organization"),
]
