"""Pages of one incident."""

from django.urls import path

from meldpunt.backoffice import incident_detail_views as views

urlpatterns = [
    path("<slug:public_id>/", views.incident_detail, name="incident_detail"),
    path("<slug:public_id>/messages/", views.message_create, name="incident_message_create"),
    path("<slug:public_id>/status/", views.incident_status, name="incident_status"),
    path("<slug:public_id>/files/", views.attachment_upload, name="incident_attachment_upload"),
    path(
        "<slug:public_id>/files/<slug:file_id>/",
        views.attachment_download,
        name="incident_attachment",
    ),
    path("<slug:public_id>/tasks/", views.task_create, name="incident_task_create"),
    path(
        "<slug:public_id>/tasks/<slug:task_id>/done/",
        views.task_toggle,
        {"action": "done"},
        name="incident_task_done",
    ),
    path(
        "<slug:public_id>/tasks/<slug:task_id>/reopen/",
        views.task_toggle,
        {"action": "reopen"},
        name="incident_task_reopen",
    ),
]
