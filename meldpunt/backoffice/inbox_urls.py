"""The inbox of unprocessed reports."""

from django.urls import path

from meldpunt.backoffice import inbox_views as views

urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("bulk/", views.inbox_bulk, name="inbox_bulk"),
    path("<slug:public_id>/", views.inbox_detail, name="inbox_detail"),
    path("<slug:public_id>/convert/", views.inbox_convert, name="inbox_convert"),
    path("<slug:public_id>/merge/", views.inbox_merge, name="inbox_merge"),
    path("<slug:public_id>/files/<slug:file_id>/", views.inbox_attachment, name="inbox_attachment"),
]
