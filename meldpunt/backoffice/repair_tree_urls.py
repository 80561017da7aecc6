"""The repair wizard's content and settings (administrators), under ``/backoffice/repair/``."""

from django.urls import path

from meldpunt.backoffice import repair_content_views as content
from meldpunt.backoffice import repair_tree_views as views

urlpatterns = [
    path("", views.tree_list, name="repair_trees"),
    path("new/", views.tree_create, name="repair_tree_create"),
    path("import/", views.tree_import, name="repair_import"),
    path("load-shipped/", views.tree_load_shipped, name="repair_load_shipped"),
    path("settings/", views.repair_settings, name="repair_settings"),
    path("maintenance-forms/", content.maintenance_form_list, name="repair_maintenance_forms"),
    path(
        "maintenance-forms/new/",
        content.maintenance_form_form,
        name="repair_maintenance_form_create",
    ),
    path(
        "maintenance-forms/<int:pk>/",
        content.maintenance_form_form,
        name="repair_maintenance_form_edit",
    ),
    path(
        "maintenance-forms/<int:pk>/delete/",
        content.maintenance_form_delete,
        name="repair_maintenance_form_delete",
    ),
    path("<int:tree>/", views.tree_detail, name="repair_tree"),
    path("<int:tree>/edit/", views.tree_edit, name="repair_tree_edit"),
    path("<int:tree>/default/", views.tree_default, name="repair_tree_default"),
    path("<int:tree>/import/", views.tree_import, name="repair_tree_import"),
    path("<int:tree>/export.json", views.tree_export_json, name="repair_tree_export_json"),
    path("<int:tree>/export.xlsx", views.tree_export_xlsx, name="repair_tree_export_xlsx"),
    path("<int:tree>/preview/", views.tree_preview_page, name="repair_tree_preview"),
    path("<int:tree>/analytics/", views.tree_analytics, name="repair_tree_analytics"),
    path("<int:tree>/nodes/new/", views.node_create, name="repair_node_create"),
    path("<int:tree>/nodes/<int:pk>/", views.node_edit, name="repair_node_edit"),
    path("<int:tree>/nodes/<int:pk>/add/", views.node_create, name="repair_node_add"),
    path("<int:tree>/nodes/<int:pk>/delete/", views.node_delete, name="repair_node_delete"),
    path("<int:tree>/nodes/<int:pk>/preview/", views.node_preview, name="repair_node_preview"),
]

for segment, kind, singular in (
    ("templates", "templates", "template"),
    ("tips", "tips", "tip"),
    ("causes", "causes", "cause"),
    ("action-codes", "action_codes", "action_code"),
):
    urlpatterns += [
        path(
            f"<int:tree>/{segment}/",
            content.content_list,
            {"kind": kind},
            name=f"repair_{kind}",
        ),
        path(
            f"<int:tree>/{segment}/new/",
            content.content_form,
            {"kind": kind},
            name=f"repair_{singular}_create",
        ),
        path(
            f"<int:tree>/{segment}/<int:pk>/",
            content.content_form,
            {"kind": kind},
            name=f"repair_{singular}_edit",
        ),
        path(
            f"<int:tree>/{segment}/<int:pk>/delete/",
            content.content_delete,
            {"kind": kind},
            name=f"repair_{singular}_delete",
        ),
    ]
