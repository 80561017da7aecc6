"""The tenant portal's maintenance pages (SPEC POR-7), mounted at ``portal/`` in the
``portal`` namespace: ``/portal/maintenance`` → ``portal:maintenance``."""

from django.urls import URLPattern, URLResolver, path

from meldpunt.portal import maintenance_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("maintenance", views.maintenance_list, name="maintenance"),
    # The wizard for the household; before "<public_id>": "new" is not a request id.
    path("maintenance/new", views.maintenance_new, name="maintenance_new"),
    path("maintenance/new/start", views.maintenance_start, name="maintenance_start"),
    # Before the step pattern: "photos/3" is a photo, not the action "3" of a step.
    path(
        "maintenance/new/<slug:public_id>/photos/<int:upload_id>",
        views.maintenance_wizard_photo,
        name="maintenance_wizard_photo",
    ),
    path(
        "maintenance/new/<slug:public_id>/<slug:step>",
        views.maintenance_wizard_step,
        name="maintenance_wizard_step",
    ),
    path(
        "maintenance/new/<slug:public_id>/<slug:step>/<slug:action>",
        views.maintenance_wizard_action,
        name="maintenance_wizard_action",
    ),
    path("maintenance/<slug:public_id>", views.maintenance_detail, name="maintenance_detail"),
    path(
        "maintenance/<slug:public_id>/change",
        views.maintenance_change,
        name="maintenance_change",
    ),
    path(
        "maintenance/<slug:public_id>/withdraw",
        views.maintenance_withdraw,
        name="maintenance_withdraw",
    ),
    path(
        "maintenance/<slug:public_id>/photos/<slug:photo_id>",
        views.maintenance_photo,
        name="maintenance_photo",
    ),
]
