"""The tenant's sign-in and account pages (SPEC ACC-6..ACC-11, POR-6)."""

from django.urls import URLPattern, URLResolver, path

from meldpunt.portal import account_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("login", views.login, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("password/reset", views.password_reset, name="password_reset"),
    path("password/reset/sent", views.password_reset_sent, name="password_reset_sent"),
    path("password/reset/done", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<str:uidb36>/<str:key>",
        views.password_reset_key,
        name="password_reset_key",
    ),
    path("account", views.account, name="account"),
    path("account/password", views.password_change, name="password_change"),
    path("account/email", views.email_change, name="email_change"),
    path(
        "account/email/confirm/<str:token>",
        views.email_change_confirm_view,
        name="email_change_confirm",
    ),
]
