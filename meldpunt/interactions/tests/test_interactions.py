"""Recording interactions and the staff tasks their kinds ask for."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import Interaction, InteractionKind, ShippedKind
from meldpunt.interactions.selectors import (
    interaction_tasks_open,
    interactions_for_household,
    interactions_for_portal,
)
from meldpunt.interactions.services import interaction_record, interaction_task_done
from tests.factories import ContractFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_shipped_kind_exists_with_a_name_in_each_language():
    codes = set(InteractionKind.objects.values_list("code", flat=True))
    shipped = {value for key, value in vars(ShippedKind).items() if key.isupper()}
    assert shipped <= codes
    kind = InteractionKind.objects.get(code=ShippedKind.CODE_REQUESTED)
    with translation.override("en"):
        assert kind.label == "Activation code requested"
    with translation.override("nl"):
        assert kind.label != "Activation code requested"
    kind.name = "Brief kwijt"
    assert kind.label == "Brief kwijt"


@time_machine.travel("2026-11-23 10:00 +01:00", tick=False)
def test_a_kind_that_creates_a_task_makes_the_interaction_a_task_due_after_its_days():
    assignee = UserFactory()
    kind = InteractionKind.objects.get(code=ShippedKind.CODE_REQUESTED)
    kind.task_assignee = assignee
    kind.task_due_days = 3
    kind.save()
    household = HouseholdFactory()

    interaction = interaction_record(
        actor=Actor.system("portal"), household=household, kind=ShippedKind.CODE_REQUESTED
    )

    assert interaction.task_open is True
    assert interaction.task_assignee == assignee
    assert interaction.task_due_on == timezone.localdate() + timedelta(days=3)
    assert interaction.subject == kind.label
    assert interaction.direction == Interaction.Direction.ORGANIZATION
    assert list(interaction_tasks_open()) == [interaction]
    assert AuditEvent.objects.filter(verb="interaction.recorded").count() == 1

    staff = UserFactory()
    interaction_task_done(actor=Actor.staff(staff), interaction=interaction)
    interaction.refresh_from_db()
    assert interaction.task_open is False
    assert interaction.task_done_by == staff
    assert list(interaction_tasks_open()) == []


def test_an_agent_as_tenant_is_recorded_as_recorder_and_agent_and_counts_as_the_tenant():
    household = HouseholdFactory()
    agent = UserFactory(role="agent")
    actor = Actor.agent_as_tenant(agent, tenant_number=household.tenant_number)

    interaction = interaction_record(
        actor=actor, household=household, kind=ShippedKind.CONTACT_CHANGED, description="06"
    )

    assert interaction.created_by == agent
    assert interaction.agent == agent
    assert interaction.direction == Interaction.Direction.TENANT
    assert interaction.task_open is False
    event = AuditEvent.objects.get(verb="interaction.recorded")
    assert event.actor_kind == AuditEvent.ActorKind.AGENT_AS_TENANT
    assert household.tenant_number in event.actor_label


def test_the_portal_timeline_shows_only_the_households_interactions_flagged_for_it():
    household, other = HouseholdFactory(), HouseholdFactory()
    hidden_kind = InteractionKind.objects.create(code="internal_note", show_in_portal=False)
    shown = interaction_record(
        actor=Actor.system(), household=household, kind=ShippedKind.REPAIR_REQUEST
    )
    interaction_record(actor=Actor.system(), household=household, kind=hidden_kind)
    interaction_record(actor=Actor.system(), household=other, kind=ShippedKind.REPAIR_REQUEST)

    assert list(interactions_for_portal(household=household)) == [shown]
    assert interactions_for_household(household=household).count() == 2


def test_a_contract_of_another_household_is_refused():
    household = HouseholdFactory()
    contract = ContractFactory()
    with pytest.raises(ValueError):
        interaction_record(
            actor=Actor.system(),
            household=household,
            kind=ShippedKind.OTHER_ACTION,
            contract=contract,
        )
