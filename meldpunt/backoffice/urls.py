from django.urls import include, path

from meldpunt.backoffice import (
    account_urls,
    household_urls,
    inbox_urls,
    incident_detail_urls,
    incident_list_urls,
    message_template_views,
    outbox_views,
    security_urls,
    sub_incident_urls,
    views,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("complexes/<slug:public_id>/", views.complex_detail, name="complex_detail"),
    path("units/<slug:public_id>/", views.unit_detail, name="unit_detail"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("organization/", views.organization, name="organization"),
    path(
        "organization/incidents/",
        views.organization_incident_settings,
        name="organization_incident_settings",
    ),
    path(
        "organization/portal-accounts/",
        views.organization_portal_account_settings,
        name="organization_portal_account_settings",
    ),
    path("outbox/", outbox_views.outbox_list, name="outbox"),
    path("outbox/test/", outbox_views.outbox_test, name="outbox_test"),
    path("outbox/received/", outbox_views.received_mail_list, name="received_mail"),
    path("outbox/<slug:public_id>/", outbox_views.outbox_detail, name="outbox_detail"),
    path("messages/", message_template_views.message_template_list, name="message_templates"),
    path(
        "messages/<str:key>/<str:language>/",
        message_template_views.message_template_edit,
        name="message_template_edit",
    ),
    path(
        "messages/<str:key>/<str:language>/preview/",
        message_template_views.message_template_preview,
        name="message_template_preview",
    ),
    path(
        "messages/<str:key>/<str:language>/save/",
        message_template_views.message_template_save,
        name="message_template_save",
    ),
    path(
        "messages/<str:key>/<str:language>/reset/",
        message_template_views.message_template_reset,
        name="message_template_reset",
    ),
    path("incidents/", include(incident_list_urls)),
    path("incidents/", include(incident_detail_urls)),
    path("", include(sub_incident_urls)),
    path("inbox/", include(inbox_urls)),
    path("repair/", include("meldpunt.backoffice.repair_tree_urls")),
    path("security/", include(security_urls)),
    path("households/", include(household_urls)),
    path("accounts/", include(account_urls)),
]
