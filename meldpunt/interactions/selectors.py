"""Reads of interactions: a household's timeline and the open staff tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from meldpunt.interactions.models import Interaction
from meldpunt.people.models import Household


def interactions_for_portal(*, household: Household) -> QuerySet[Interaction]:
    """What the tenant's timeline shows (SPEC POR-8): the household's interactions
    flagged for the portal, newest first."""
    return (
        Interaction.objects.filter(household=household, show_in_portal=True)
        .select_related("kind", "contract", "agent")
        .order_by("-created_at", "-id")
    )


def interactions_for_household(*, household: Household) -> QuerySet[Interaction]:
    """Everything recorded with a household, for staff."""
    return (
        Interaction.objects.filter(household=household)
        .select_related("kind", "contract", "created_by", "agent", "task_assignee")
        .order_by("-created_at", "-id")
    )


def interaction_tasks_open() -> QuerySet[Interaction]:
    return (
        Interaction.objects.filter(task_open=True)
        .select_related("kind", "household", "task_assignee")
        .order_by("task_due_on", "id")
    )
