"""Sub-incidents, work orders and the work-order overview (SPEC INC-9 … INC-11)."""

from django.urls import path

from meldpunt.backoffice import sub_incident_views as views

urlpatterns = [
    path(
        "incidents/<slug:public_id>/sub-incidents/new/",
        views.sub_incident_create,
        name="sub_incident_create",
    ),
    path("sub-incidents/<slug:public_id>/", views.sub_incident_detail, name="sub_incident_detail"),
    path(
        "sub-incidents/<slug:public_id>/messages/",
        views.sub_incident_message_create,
        name="sub_incident_message_create",
    ),
    path(
        "sub-incidents/<slug:public_id>/files/",
        views.sub_incident_files_add,
        name="sub_incident_files_add",
    ),
    path(
        "sub-incidents/<slug:public_id>/files/<slug:file_id>/",
        views.sub_incident_file,
        name="sub_incident_file",
    ),
    path(
        "sub-incidents/<slug:public_id>/phase/",
        views.sub_incident_phase,
        name="sub_incident_phase",
    ),
    path(
        "sub-incidents/<slug:public_id>/details/",
        views.sub_incident_details,
        name="sub_incident_details",
    ),
    path(
        "sub-incidents/<slug:public_id>/send/",
        views.sub_incident_draft_send,
        name="sub_incident_draft_send",
    ),
    path(
        "sub-incidents/<slug:public_id>/cancel/",
        views.sub_incident_cancel,
        name="sub_incident_cancel",
    ),
    path(
        "sub-incidents/<slug:public_id>/complete/",
        views.sub_incident_complete,
        name="sub_incident_complete",
    ),
    path(
        "sub-incidents/<slug:public_id>/links/revoke/",
        views.sub_incident_links_revoke,
        name="sub_incident_links_revoke",
    ),
    path(
        "sub-incidents/<slug:public_id>/links/new/",
        views.sub_incident_link_reissue,
        name="sub_incident_link_reissue",
    ),
    path(
        "sub-incidents/<slug:public_id>/portal-access/",
        views.sub_incident_portal_access,
        name="sub_incident_portal_access",
    ),
    path("orders/", views.work_order_list, name="work_order_list"),
]
