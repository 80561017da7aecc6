"""Recording interactions with households and closing the tasks they raise."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.interactions.events import INTERACTION_RECORDED, INTERACTION_TASK_DONE
from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.people.models import Household
from meldpunt.tenancy.models import Contract


def interaction_record(
    *,
    actor: Actor,
    household: Household | None,
    kind: InteractionKind | str,
    subject: str = "",
    description: str = "",
    contract: Contract | None = None,
    direction: str | None = None,
) -> Interaction:
    """Record one contact moment (and the staff task its kind asks for).

    ``kind`` is a kind or a kind's code. Without ``direction`` a tenant's or an
    agent-as-tenant's interaction counts as started by the tenant, anyone
    else's by the organization. An agent acting as the tenant is stored as
    both the recorder and the agent, so the timeline can stamp it (SPEC A-8).
    """
    if isinstance(kind, str):
        kind = InteractionKind.objects.get(code=kind)
    if contract is not None and (household is None or contract.household_id != household.pk):
        raise ValueError("the contract is not the household's")
    if direction is None:
        by_tenant = actor.kind in ("tenant", "agent_as_tenant")
        direction = (
            Interaction.Direction.TENANT if by_tenant else Interaction.Direction.ORGANIZATION
        )
    today = timezone.localdate()
    with transaction.atomic():
        interaction = Interaction.objects.create(
            household=household,
            contract=contract,
            kind=kind,
            direction=direction,
            subject=(subject or kind.label)[:200],
            description=description,
            show_in_portal=kind.show_in_portal,
            created_by=actor.user,
            agent=actor.user if actor.is_agent_as_tenant else None,
            task_open=kind.creates_task,
            task_assignee=kind.task_assignee if kind.creates_task else None,
            task_due_on=today + timedelta(days=kind.task_due_days) if kind.creates_task else None,
        )
        audit_record(
            actor=actor,
            verb=INTERACTION_RECORDED,
            obj=interaction,
            changes={"kind": kind.code, "household": household.tenant_number if household else ""},
        )
    return interaction


def interaction_task_done(*, actor: Actor, interaction: Interaction) -> Interaction:
    if not interaction.task_open:
        return interaction
    with transaction.atomic():
        interaction.task_open = False
        interaction.task_done_at = timezone.now()
        interaction.task_done_by = actor.user
        interaction.save(update_fields=["task_open", "task_done_at", "task_done_by", "updated_at"])
        audit_record(actor=actor, verb=INTERACTION_TASK_DONE, obj=interaction)
    return interaction
