"""The repair wizard's passes (SPEC INT-4, REP-1 … REP-11): who is asking, where they are.

A pass (``RepairWizard``) keeps everything the tenant chose on the server, in
``state``, so a reload or a step back never loses anything. Its random public
id is in the URL *and* in the visitor's session: the pages answer 404 for a
pass that is not in the session, so a URL that leaks is useless. A pass that
sees no write for 24 hours expires; nothing was created for it but its
analytics events, so starting again is all it takes.

The services take a ``WizardIdentity`` instead of reading a request: the
anonymous page at ``/repairment`` passes ``WizardIdentity.anonymous()``, the
tenant portal (``/portal/maintenance/new``) passes the signed-in household
(``RepairWizard.Mode.PORTAL``); a portal pass is found by its household
(``wizard_get_for_household``), not by the session.

This module holds the pass itself: starting, loading, the order of the steps
and which of them a tenant may open, events and stopping. The steps' writes
live in ``wizard_defect`` (object, defect) and ``wizard_submit`` (costs,
photos, contact, submit, preferred date).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.intake import events
from meldpunt.intake.models import RepairSettings, RepairWizard, WizardEvent
from meldpunt.intake.repair_tree import TreeView, tree_view
from meldpunt.people.models import Household

WIZARD_ACTOR = Actor.system("repair wizard")
PASS_IDLE = timedelta(hours=24)


class Step(StrEnum):
    OBJECT = "object"
    DEFECT = "defect"
    COSTS = "costs"
    PHOTOS = "photos"
    CONTACT = "contact"
    SUMMARY = "summary"
    APPOINTMENT = "appointment"


STEP_ORDER: tuple[Step, ...] = tuple(Step)
BEFORE_SUBMIT: tuple[Step, ...] = STEP_ORDER[:-1]
STEP_LABELS: dict[Step, Promise] = {
    Step.OBJECT: _("Where"),
    Step.DEFECT: _("Defect"),
    Step.COSTS: _("Costs"),
    Step.PHOTOS: _("Photos"),
    Step.CONTACT: _("Contact"),
    Step.SUMMARY: _("Check"),
    Step.APPOINTMENT: _("Appointment"),
}


class WizardClosed(Exception):
    """The pass can take no more answers: it expired, was sent, or ended with a message."""

    def __init__(self, wizard: RepairWizard) -> None:
        super().__init__(wizard.public_id)
        self.wizard = wizard


@dataclass(frozen=True, slots=True)
class WizardIdentity:
    """Who walks through the wizard.

    ``household`` is set only when the tenant proved who they are (the portal);
    only then are contact details prefilled and may they be updated.
    ``email_change`` is the account's way to change the email address with a
    confirmation link (ACC-9), called with the new address once the request is
    sent; ``email_change_now`` does the same at the contact step with the
    password the tenant typed there (new address, password), raising
    ``ValidationError`` keyed ``password`` / ``new_email``. The portal uses the
    latter, because ACC-9 needs the password and it is never kept on the pass.
    Without either a changed email address applies to this request only.
    """

    mode: str
    actor: Actor
    household: Household | None = None
    user: User | None = None
    email_change: Callable[[str], None] | None = None
    email_change_now: Callable[[str, str], None] | None = None

    @classmethod
    def anonymous(cls) -> WizardIdentity:
        return cls(mode=RepairWizard.Mode.ANONYMOUS, actor=WIZARD_ACTOR)

    @property
    def household_known(self) -> bool:
        return self.mode == RepairWizard.Mode.PORTAL and self.household is not None


def repair_settings_current() -> RepairSettings:
    """The organization's wizard settings; the defaults (an unsaved row) before any were saved."""
    return RepairSettings.objects.select_related("category").first() or RepairSettings()


# ---------------------------------------------------------------- reading a pass


def wizard_get(*, public_id: str, allowed_ids: Collection[str]) -> RepairWizard:
    """The pass ``public_id`` when the visitor's session holds it; 404 otherwise.

    A pass of another visitor looks exactly like one that does not exist.
    """
    if not public_id or public_id not in allowed_ids:
        raise Http404
    wizard = (
        RepairWizard.objects.select_related(
            "unit", "unit__complex", "common_area", "household", "snapshot", "request"
        )
        .filter(public_id=public_id)
        .first()
    )
    if wizard is None:
        raise Http404
    return wizard


def wizard_get_for_household(*, public_id: str, household: Household) -> RepairWizard:
    """A portal pass of ``household``; another household's pass, or an anonymous one,
    is 404 like one that does not exist."""
    wizard = (
        RepairWizard.objects.select_related(
            "unit", "unit__complex", "common_area", "household", "snapshot", "request"
        )
        .filter(public_id=public_id, mode=RepairWizard.Mode.PORTAL, household=household)
        .first()
    )
    if wizard is None:
        raise Http404
    return wizard


def wizard_expired(wizard: RepairWizard, now: datetime | None = None) -> bool:
    return wizard.status == RepairWizard.Status.ACTIVE and wizard.expires_at <= (
        now or timezone.now()
    )


def wizard_view(wizard: RepairWizard) -> TreeView | None:
    """The frozen tree revision this pass runs on (set once the home is known)."""
    return tree_view(wizard.snapshot) if wizard.snapshot is not None else None


def state_done(wizard: RepairWizard) -> set[str]:
    return set(wizard.state.get("done") or ())


def costs_state(wizard: RepairWizard) -> dict[str, Any]:
    return dict(wizard.state.get("costs") or {})


def step_skipped(wizard: RepairWizard, step: Step) -> bool:
    """Costs are skipped when the rules say nothing needs showing; the appointment when
    the request needs no visit (and before the request is sent)."""
    if step == Step.COSTS:
        costs = costs_state(wizard)
        return bool(costs) and not costs.get("shown")
    if step == Step.APPOINTMENT:
        return not wizard.state.get("appointment_needed")
    return False


def first_missing(wizard: RepairWizard, step: Step) -> Step | None:
    """The first earlier step the tenant has not finished, or None when ``step`` may open."""
    done = state_done(wizard)
    for earlier in STEP_ORDER[: STEP_ORDER.index(step)]:
        if earlier not in done and not step_skipped(wizard, earlier):
            return earlier
    return None


def next_step(wizard: RepairWizard, after: Step) -> Step | None:
    """The step that follows ``after`` for this pass (skipped steps passed over)."""
    for step in STEP_ORDER[STEP_ORDER.index(after) + 1 :]:
        if step == Step.APPOINTMENT:
            return None  # reached only by sending the request
        if not step_skipped(wizard, step):
            return step
    return None


@dataclass(frozen=True, slots=True)
class StepMark:
    """One entry of the step bar."""

    step: Step
    number: int
    label: Promise
    done: bool
    current: bool
    skipped: bool
    reachable: bool


def step_bar(wizard: RepairWizard | None, current: Step | None) -> list[StepMark]:
    """The step bar: every step, which are done, and which a tenant may go back to.

    Before the request is sent every finished step (and the first unfinished
    one) can be opened; once it is sent none of the earlier steps can.
    """
    done = state_done(wizard) if wizard is not None else set()
    open_steps = wizard is not None and wizard.status == RepairWizard.Status.ACTIVE
    marks = []
    for number, step in enumerate(STEP_ORDER, start=1):
        skipped = wizard is not None and step != Step.APPOINTMENT and step_skipped(wizard, step)
        reachable = (
            open_steps
            and step != Step.APPOINTMENT
            and not skipped
            and step != current
            and wizard is not None
            and first_missing(wizard, step) is None
        )
        marks.append(
            StepMark(
                step=step,
                number=number,
                label=STEP_LABELS[step],
                done=step in done,
                current=step == current,
                skipped=skipped,
                reachable=bool(reachable),
            )
        )
    return marks


# ---------------------------------------------------------------- writing a pass


def event_record(
    wizard: RepairWizard,
    kind: str,
    *,
    step: str = "",
    node_key: str = "",
    via_search: bool = False,
) -> WizardEvent:
    return WizardEvent.objects.create(
        wizard=wizard,
        tree_id=wizard.snapshot.tree_id if wizard.snapshot is not None else None,
        kind=kind,
        step=step,
        node_key=node_key[:120],
        via_search=via_search,
    )


def step_reach(wizard: RepairWizard, step: Step) -> None:
    """Record that the tenant got to ``step`` (once per pass, for the drop-off figures)."""
    reached = list(wizard.state.get("reached") or ())
    if step in reached:
        return
    reached.append(str(step))
    wizard.state["reached"] = reached
    event_record(wizard, WizardEvent.Kind.STEP, step=step)


def step_done(wizard: RepairWizard, step: Step) -> None:
    done = state_done(wizard)
    done.add(str(step))
    wizard.state["done"] = sorted(done, key=lambda name: STEP_ORDER.index(Step(name)))


def steps_undone(wizard: RepairWizard, *steps: Step) -> None:
    done = state_done(wizard) - {str(step) for step in steps}
    wizard.state["done"] = sorted(done, key=lambda name: STEP_ORDER.index(Step(name)))


def wizard_lock(wizard: RepairWizard, now: datetime | None = None) -> RepairWizard:
    """The pass row locked for this transaction, with fresh values copied onto ``wizard``.

    Raises ``WizardClosed`` when it can take no more answers.
    """
    locked = RepairWizard.objects.select_for_update().get(pk=wizard.pk)
    for field in locked._meta.concrete_fields:
        setattr(wizard, field.attname, getattr(locked, field.attname))
    if wizard.status != RepairWizard.Status.ACTIVE or wizard_expired(wizard, now):
        raise WizardClosed(wizard)
    return wizard


def wizard_save(wizard: RepairWizard, now: datetime, *fields: str) -> None:
    """Store the pass; every answer keeps it alive for another ``PASS_IDLE``."""
    wizard.expires_at = now + PASS_IDLE
    wizard.save(update_fields=["state", "expires_at", "updated_at", *fields])


def wizard_start(
    *, identity: WizardIdentity, language: str, now: datetime | None = None
) -> RepairWizard:
    """Open a new pass for ``identity`` (the intro's "Start"); nothing else is created."""
    now = now or timezone.now()
    with transaction.atomic():
        wizard = RepairWizard.objects.create(
            mode=identity.mode,
            user=identity.user,
            household=identity.household if identity.household_known else None,
            language=language if language in ("nl", "en", "nb") else "nl",
            expires_at=now + PASS_IDLE,
            photo_batch=secrets.token_urlsafe(24),
            state={"done": [], "reached": []},
        )
        step_reach(wizard, Step.OBJECT)
        wizard.save(update_fields=["state"])
    return wizard


class StopReason(StrEnum):
    OWNER = "owner"  # REP-2: the owner's own manager handles repairs
    ACTION_MESSAGE = "action_message"  # REP-4b
    NOT_SPECIFIED = "not_specified"  # REP-4c
    NO_REQUEST = "no_request"  # REP-4c
    MAINTENANCE_FORM = "maintenance_form"  # REP-4d
    COSTS_BLOCKED = "costs_blocked"  # REP-7 setting


def wizard_stop(
    wizard: RepairWizard,
    *,
    reason: StopReason,
    now: datetime,
    step: Step,
    node_key: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """End the pass with a message instead of a request; call inside the step's transaction."""
    wizard.status = RepairWizard.Status.STOPPED
    wizard.finished_at = now
    wizard.state["stop"] = {"reason": str(reason), "node": node_key, **(details or {})}
    event_record(wizard, WizardEvent.Kind.STOPPED, step=step, node_key=node_key)
    audit_record(
        actor=WIZARD_ACTOR,
        verb=events.REPAIR_WIZARD_STOPPED,
        obj=wizard,
        changes={
            "reason": {"old": None, "new": str(reason)},
            "node": {"old": None, "new": node_key},
        },
    )
    wizard.save(update_fields=["state", "status", "finished_at", "updated_at"])
