"""Account management, account requests and view-as-tenant (mounted at backoffice/accounts/)."""

from django.urls import path

from meldpunt.backoffice import account_views as views
from meldpunt.backoffice import view_as_views

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("new/", views.account_create, name="account_create"),
    path("resync/", views.account_status_resync, name="account_status_resync"),
    path("<int:pk>/", views.account_detail_page, name="account_detail"),
    path("<int:pk>/block/", views.account_block, name="account_block"),
    path("<int:pk>/unblock/", views.account_unblock, name="account_unblock"),
    path("<int:pk>/activate/", views.account_activate, name="account_activate"),
    path("<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("email/<str:token>/", views.account_email_confirm, name="account_email_confirm"),
    path("requests/", views.account_request_list, name="account_request_list"),
    path(
        "requests/<slug:public_id>/delete/",
        views.account_request_delete,
        name="account_request_delete",
    ),
    path(
        "requests/<slug:public_id>/resend/",
        views.account_request_resend,
        name="account_request_resend",
    ),
    path("view-as/sessions/", view_as_views.view_as_sessions, name="view_as_sessions"),
    path("view-as/end", view_as_views.view_as_end, name="view_as_end"),
    path("view-as/<slug:public_id>/start", view_as_views.view_as_start, name="view_as_start"),
]
