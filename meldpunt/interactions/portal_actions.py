"""The portal's actions page: a tenant starts an interaction (SPEC POR-9).

The tenant picks a subject from the kinds flagged "offered as an action in
the portal" (and active), one of the household's running contracts, and
writes what it is about. Staff see it with the household's interactions (and
as a task when the kind asks for one); the tenant's timeline shows it when
the kind says "show in portal".
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.interactions.services import interaction_record
from meldpunt.people.models import Household
from meldpunt.tenancy.models import Contract

DESCRIPTION_MAX = 4000


def portal_action_kinds() -> QuerySet[InteractionKind]:
    """The subjects a tenant may choose, in the configured order."""
    return InteractionKind.objects.filter(portal_action=True, active=True).order_by(
        "ordering", "code"
    )


def portal_action_contracts(*, household: Household) -> QuerySet[Contract]:
    """The household's contracts running today, newest first, with their unit."""
    return (
        Contract.objects.filter(household=household)
        .running_on(timezone.localdate())
        .select_related("unit")
        .order_by("-start_date", "id")
    )


def portal_action_record(
    *,
    actor: Actor,
    household: Household,
    kind: InteractionKind,
    description: str,
    contract: Contract | None = None,
) -> Interaction:
    """Record the tenant's action as an interaction started by the tenant.

    Called by the household's tenant or an agent viewing as them (then stamped
    with the agent). The kind must be offered in the portal; the contract, when
    given, must be one of the household's running contracts. Raises
    ``ValidationError`` keyed by field otherwise.
    """
    if actor.kind == AuditEvent.ActorKind.TENANT:
        if actor.user is None or actor.user.household_id != household.pk:
            raise PermissionDenied
    elif actor.kind != AuditEvent.ActorKind.AGENT_AS_TENANT:
        raise PermissionDenied
    errors: dict[str, list[object]] = {}
    if not portal_action_kinds().filter(pk=kind.pk).exists():
        errors["kind"] = [_("Choose a subject from the list.")]
    if contract is not None and not (
        portal_action_contracts(household=household).filter(pk=contract.pk).exists()
    ):
        errors["contract"] = [_("Choose one of your contracts.")]
    text = description.strip()
    if not text:
        errors["description"] = [_("Tell us what your question or request is about.")]
    elif len(text) > DESCRIPTION_MAX:
        errors["description"] = [_("Please keep it shorter (at most 4000 characters).")]
    if errors:
        raise ValidationError(errors)
    return interaction_record(
        actor=actor,
        household=household,
        kind=kind,
        subject=kind.label,
        description=text,
        contract=contract,
        direction=Interaction.Direction.TENANT,
    )
