"""Households (tenants) and the staff tasks their interactions raise; mounted at
``backoffice/households/`` in the ``backoffice`` namespace."""

from django.urls import URLPattern, URLResolver, path

from meldpunt.backoffice import household_views, task_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", household_views.household_list, name="household_list"),
    path("letters/", household_views.household_letters_batch, name="household_letters_batch"),
    path("tasks/", task_views.interaction_tasks, name="interaction_tasks"),
    path(
        "tasks/<slug:public_id>/done/",
        task_views.interaction_task_mark_done,
        name="interaction_task_done",
    ),
    path("<slug:public_id>/", household_views.household_detail, name="household_detail"),
    path(
        "<slug:public_id>/code/generate/",
        household_views.household_code_generate,
        name="household_code_generate",
    ),
    path(
        "<slug:public_id>/code/reveal/",
        household_views.household_code_reveal,
        name="household_code_reveal",
    ),
    path("<slug:public_id>/letters/", household_views.household_letters, name="household_letters"),
    path(
        "<slug:public_id>/interactions/<slug:interaction_id>/done/",
        household_views.household_task_done,
        name="household_task_done",
    ),
]
