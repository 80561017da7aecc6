"""The tenant's own pages: home, my details, timeline, actions (SPEC POR-1..9).

Mounted at ``portal/`` in the ``portal`` namespace. No URL names a household:
the pages serve ``request.tenant``'s household only.
"""

from django.urls import URLPattern, URLResolver, path

from meldpunt.portal import actions_views, details_views, mine_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", mine_views.home, name="home"),
    path("details", details_views.details, name="details"),
    path("details/phone", details_views.phone_change, name="details_phone"),
    path("details/address", details_views.address_change, name="details_address"),
    path(
        "details/address/lookup", details_views.address_lookup_fields, name="details_address_lookup"
    ),
    path("details/persons/add", details_views.person_add, name="details_person_add"),
    path(
        "details/persons/<int:person_id>/edit",
        details_views.person_edit,
        name="details_person_edit",
    ),
    path(
        "details/persons/<int:person_id>/remove",
        details_views.person_remove_confirm,
        name="details_person_remove",
    ),
    path(
        "details/persons/<int:person_id>/delete",
        details_views.person_remove,
        name="details_person_delete",
    ),
    path("timeline", mine_views.timeline, name="timeline"),
    path("actions", actions_views.actions, name="actions"),
    path("actions/sent", actions_views.actions_sent, name="actions_sent"),
]
