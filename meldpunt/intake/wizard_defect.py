"""Step 2 of the repair wizard: what is wrong (SPEC REP-3 … REP-7).

The tenant walks the frozen question tree one level at a time. Where they
stand is a pure function of what they chose (``state["path"]``), a search
term and an optional "show the options under this node" (``at``), so a GET
only ever reads: levels with one option are passed through on screen, and
stored when the tenant next chooses. The last choice, which may end the
wizard, is always the tenant's own click. A chosen leaf resolves to an
outcome (``repair_rules.leaf_outcome``): a template goes on (with its tips
and causes, perhaps onto a common area or onto an open request), the rest
stop with their message. Confirming works out the costs (REP-7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.common.audit import audit_record
from meldpunt.common.markdown import markdown_html
from meldpunt.intake import events
from meldpunt.intake.models import RepairRequest, RepairWizard, WizardEvent
from meldpunt.intake.repair_rules import LeafOutcome, Outcome, cost_decision, leaf_outcome
from meldpunt.intake.repair_tree import TreeView, text
from meldpunt.intake.wizard import (
    WIZARD_ACTOR,
    Step,
    StopReason,
    event_record,
    repair_settings_current,
    step_done,
    step_reach,
    steps_undone,
    wizard_lock,
    wizard_save,
    wizard_stop,
    wizard_view,
)
from meldpunt.intake.wizard_object import common_areas_for
from meldpunt.properties.models import CommonArea, Unit
from meldpunt.tenancy.models import Contract

STOPPING_OUTCOMES = {
    Outcome.ACTION_MESSAGE: StopReason.ACTION_MESSAGE,
    Outcome.NOT_SPECIFIED: StopReason.NOT_SPECIFIED,
    Outcome.NO_REQUEST: StopReason.NO_REQUEST,
    Outcome.MAINTENANCE_FORM: StopReason.MAINTENANCE_FORM,
}


def wizard_scope(wizard: RepairWizard) -> str:
    return "common_area" if wizard.common_area_id else ""


def _options(
    view: TreeView, parent: str | None, scope: str, visible: set[str] | None
) -> list[dict[str, Any]]:
    options = view.children(parent, scope=scope)
    if visible is not None:
        options = [option for option in options if option["key"] in visible]
    return options


def _extend(
    view: TreeView, keys: list[str], scope: str, visible: set[str] | None
) -> tuple[list[str], list[str]]:
    """Follow levels with a single option (never onto a leaf); returns (path, added keys)."""
    path = list(keys)
    added: list[str] = []
    while True:
        parent = path[-1] if path else None
        if parent is not None and not view.nodes[parent]["children"]:
            return path, added
        options = _options(view, parent, scope, visible)
        if len(options) != 1 or not options[0]["children"]:
            return path, added
        path.append(options[0]["key"])
        added.append(options[0]["key"])


@dataclass(frozen=True, slots=True)
class Crumb:
    key: str
    name: str
    # The options under this crumb can be shown again (more than one to choose from).
    can_return: bool


@dataclass
class DefectPosition:
    """What step 2 shows: the way chosen so far and the options of the next level."""

    path: list[dict[str, Any]]
    options: list[dict[str, Any]]
    query: str
    level: int
    matches: int | None = None
    no_match: bool = False
    crumbs: list[Crumb] = field(default_factory=list)
    rooms_can_return: bool = False

    @property
    def leaf(self) -> dict[str, Any] | None:
        if self.path and not self.path[-1]["children"]:
            return self.path[-1]
        return None


def saved_path(wizard: RepairWizard, view: TreeView) -> list[str]:
    keys = [key for key in wizard.state.get("path") or () if isinstance(key, str)]
    return keys if view.is_path(keys) else []


def defect_position(
    *,
    wizard: RepairWizard,
    view: TreeView,
    query: str = "",
    at: str | None = None,
    leaf: str | None = None,
) -> DefectPosition:
    """Where step 2 stands for this pass, a search term and an optional node to look under
    (``at``), or a leaf to show (``leaf``, when a form about it had errors).

    Reads only: what the tenant chose is stored by ``wizard_defect_choose``.
    """
    scope = wizard_scope(wizard)
    query = " ".join((query or "").split())[:80]
    visible = view.search(query, scope=scope) if query else None
    no_match = visible is not None and not visible
    if no_match:
        visible = None
    leaf_node = view.node(leaf) if leaf else None
    if leaf_node is not None and not leaf_node["children"]:
        base = [item["key"] for item in view.path(leaf_node["key"])]
        if view.nodes[base[0]]["scope"] != scope:
            base = []
    elif at is not None:
        # "-" (or an unknown key) is the top: the rooms.
        node = view.node(at)
        if node is not None and not node["children"]:
            # Looking "under" a leaf shows it among its siblings.
            node = view.node(node["parent"]) if node["parent"] else None
            at = node["key"] if node is not None else "-"
        base = [item["key"] for item in view.path(at)] if node is not None else []
        if base and view.nodes[base[0]]["scope"] != scope:
            base = []
    elif query:
        base = []
    else:
        base = saved_path(wizard, view)
    keys, _added = _extend(view, base, scope, visible)
    path = [view.nodes[key] for key in keys]
    options = (
        []
        if path and not path[-1]["children"]
        else _options(view, keys[-1] if keys else None, scope, visible)
    )
    counts = [
        len(_options(view, keys[index - 1] if index else None, scope, visible))
        for index in range(len(keys) + 1)
    ]
    crumbs = [
        Crumb(
            key=node["key"],
            name=text(node["name"]),
            can_return=index < len(keys) - 1 and counts[index + 1] > 1,
        )
        for index, node in enumerate(path)
    ]
    return DefectPosition(
        path=path,
        options=options,
        query=query,
        level=len(keys) + 1,
        matches=None
        if visible is None
        else len([k for k in visible if not view.nodes[k]["children"]]),
        no_match=no_match,
        crumbs=crumbs,
        rooms_can_return=counts[0] > 1 and bool(keys),
    )


@dataclass
class LeafResult:
    """What a chosen leaf leads to for this pass (REP-4 … REP-6)."""

    node: dict[str, Any]
    outcome: LeafOutcome
    path: list[dict[str, Any]]
    tips: list[dict[str, Any]] = field(default_factory=list)
    causes: list[dict[str, Any]] = field(default_factory=list)
    area: CommonArea | None = None  # where the request is recorded, when not the unit
    moved_to_area: bool = False  # REP-4e: the template moved it onto a common area
    open_request: RepairRequest | None = None  # REP-4f

    @property
    def template(self) -> dict[str, Any] | None:
        return self.outcome.template

    @property
    def element_key(self) -> str:
        return element_key(self.path)


def element_key(path: list[dict[str, Any]]) -> str:
    """The element (level 2) of a path: requests on the same element are one repair."""
    if len(path) >= 2:
        return str(path[1]["key"])
    return str(path[0]["key"]) if path else ""


def _codes_in_order(*lists: list[str]) -> list[str]:
    seen: list[str] = []
    for codes in lists:
        for code in codes:
            if code not in seen:
                seen.append(code)
    return seen


def area_for_template(wizard: RepairWizard, template: dict[str, Any]) -> CommonArea | None:
    """REP-4e: the unit's common area of the template's kind, if the unit has one."""
    kind = template.get("common_area_kind") or ""
    if not kind or wizard.unit is None:
        return None
    chosen = wizard.common_area
    if chosen is not None and chosen.kind == kind:
        return chosen
    areas = [area for area in common_areas_for(wizard.unit) if area.kind == kind]
    if not areas:
        return None
    linked = set(
        CommonArea.objects.filter(pk__in=[a.pk for a in areas], units=wizard.unit).values_list(
            "pk", flat=True
        )
    )
    return next((area for area in areas if area.pk in linked), areas[0])


def open_request_for(
    *, unit: Unit | None, area: CommonArea | None, element: str
) -> RepairRequest | None:
    """REP-4f: an open repair request on the same object and element."""
    if not element or (unit is None and area is None):
        return None
    requests = RepairRequest.objects.filter(
        outcome=RepairRequest.Outcome.REQUEST, element_key=element, incident__is_open=True
    )
    if area is not None:
        requests = requests.filter(common_area=area)
    else:
        requests = requests.filter(unit=unit, common_area__isnull=True)
    return requests.select_related("incident").order_by("-created_at", "-id").first()


def leaf_result(*, wizard: RepairWizard, view: TreeView, leaf_key: str) -> LeafResult:
    path = view.path(leaf_key)
    node = path[-1]
    template = view.template(node["template"])
    unit_forms: set[str] = set()
    if template is not None and template.get("maintenance_forms") and wizard.unit is not None:
        unit_forms = set(wizard.unit.maintenance_forms.values_list("code", flat=True))
    outcome = leaf_outcome(
        node=node,
        template=template,
        action_code=view.action_code(node["action_code"]),
        unit_maintenance_forms=unit_forms,
    )
    result = LeafResult(node=node, outcome=outcome, path=path)
    if outcome.outcome is not Outcome.TEMPLATE or template is None:
        return result
    tip_codes = _codes_in_order(template["tips"], *[item["tips"] for item in path])
    for code in tip_codes:
        tip = view.tip(code)
        if tip is not None:
            result.tips.append(
                {
                    "code": code,
                    "title": text(tip["title"]),
                    "body": markdown_html(text(tip["body"])),
                    "video_url": tip["video_url"],
                }
            )
    cause_codes = _codes_in_order(template["causes"], *[item["causes"] for item in path])
    for code in cause_codes:
        cause = view.cause(code)
        if cause is not None:
            result.causes.append({"code": code, "name": text(cause["name"]), "data": cause})
    moved = area_for_template(wizard, template)
    result.area = moved or wizard.common_area
    result.moved_to_area = moved is not None and moved.pk != wizard.common_area_id
    result.open_request = open_request_for(
        unit=wizard.unit, area=result.area, element=result.element_key
    )
    return result


def _leaf_or_error(view: TreeView, wizard: RepairWizard, node_key: str) -> dict[str, Any]:
    node = view.node(node_key)
    chain = view.path(node_key)
    if node is None or not chain or chain[0]["scope"] != wizard_scope(wizard):
        raise ValidationError({"node": _("Choose one of the options shown.")}, code="invalid")
    return node


def _require_tree(wizard: RepairWizard) -> TreeView:
    view = wizard_view(wizard)
    if view is None or wizard.unit is None:
        raise ValidationError(_("First tell us which home it is about."), code="no_unit")
    return view


def _set_path(wizard: RepairWizard, keys: list[str]) -> None:
    if keys != wizard.state.get("path"):
        wizard.state["path"] = keys
        for key in ("cause", "costs", "leaf"):
            wizard.state.pop(key, None)
        steps_undone(wizard, Step.DEFECT, Step.COSTS)


def wizard_defect_choose(
    *, wizard: RepairWizard, node_key: str, query: str = "", now: datetime | None = None
) -> RepairWizard:
    """The tenant chose an option (REP-3). Levels with one option below it are passed
    through; a leaf that leads to a message ends the pass (REP-4 b to d).

    Returns the pass; its ``status`` says whether it stopped.
    """
    now = now or timezone.now()
    view = _require_tree(wizard)
    _leaf_or_error(view, wizard, node_key)
    query = " ".join((query or "").split())[:80]
    scope = wizard_scope(wizard)
    visible = view.search(query, scope=scope) if query else None
    keys, added = _extend(
        view, [item["key"] for item in view.path(node_key)], scope, visible or None
    )
    with transaction.atomic():
        wizard_lock(wizard, now)
        _set_path(wizard, keys)
        for key in (node_key, *added):
            event_record(
                wizard,
                WizardEvent.Kind.CHOSE,
                step=Step.DEFECT,
                node_key=key,
                via_search=bool(query),
            )
        leaf = view.nodes[keys[-1]]
        if not leaf["children"]:
            result = leaf_result(wizard=wizard, view=view, leaf_key=leaf["key"])
            reason = STOPPING_OUTCOMES.get(result.outcome.outcome)
            if reason is not None:
                wizard_save(wizard, now)
                wizard_stop(wizard, reason=reason, now=now, step=Step.DEFECT, node_key=leaf["key"])
                return wizard
        wizard_save(wizard, now)
    return wizard


def _leaf_chosen(wizard: RepairWizard, view: TreeView, node_key: str, now: datetime) -> LeafResult:
    """The leaf the tenant acts on, stored as their choice if the page passed through to it."""
    node = _leaf_or_error(view, wizard, node_key)
    if node["children"]:
        raise ValidationError({"node": _("Choose one of the options shown.")}, code="not_leaf")
    keys = [item["key"] for item in view.path(node_key)]
    if keys != saved_path(wizard, view):
        _set_path(wizard, keys)
        event_record(wizard, WizardEvent.Kind.CHOSE, step=Step.DEFECT, node_key=node_key)
    result = leaf_result(wizard=wizard, view=view, leaf_key=node_key)
    if result.outcome.outcome is not Outcome.TEMPLATE:
        raise ValidationError({"node": _("Choose one of the options shown.")}, code="no_template")
    return result


def request_place(wizard: RepairWizard, result: LeafResult) -> dict[str, Any]:
    """Object fields of a request: on the common area when there is one, else the unit."""
    return {"unit": wizard.unit, "common_area": result.area}


def path_text(path: list[dict[str, Any]], language: str | None = None) -> str:
    return " › ".join(text(node["name"], language) for node in path)


def wizard_tip_solved(
    *, wizard: RepairWizard, node_key: str, tip_code: str, now: datetime | None = None
) -> RepairRequest:
    """REP-5 "yes, a tip solved it": recorded as resolved by the tenant; no incident is
    made and the pass closes."""
    now = now or timezone.now()
    view = _require_tree(wizard)
    with transaction.atomic():
        wizard_lock(wizard, now)
        result = _leaf_chosen(wizard, view, node_key, now)
        if tip_code not in {tip["code"] for tip in result.tips}:
            raise ValidationError({"tip": _("Choose the tip that solved it.")}, code="invalid")
        template = result.template or {}
        request = RepairRequest.objects.create(
            outcome=RepairRequest.Outcome.RESOLVED,
            household=wizard.household,
            tree_id=view.tree_id,
            tree_revision=view.revision,
            node_key=node_key,
            element_key=result.element_key,
            path=path_text(result.path, wizard.language)[:600],
            template_code=template.get("code", ""),
            template_description=text(template.get("description") or {}, wizard.language),
            tip_code=tip_code,
            **request_place(wizard, result),
        )
        event_record(wizard, WizardEvent.Kind.TIP_SOLVED, step=Step.DEFECT, node_key=tip_code)
        audit_record(
            actor=WIZARD_ACTOR,
            verb=events.REPAIR_REQUEST_RESOLVED,
            obj=request,
            changes={
                "tip": {"old": None, "new": tip_code},
                "path": {"old": None, "new": request.path},
            },
        )
        wizard.status = RepairWizard.Status.RESOLVED
        wizard.finished_at = now
        wizard.request = request
        wizard_save(wizard, now, "status", "finished_at", "request")
    return request


def unit_contract(unit: Unit | None, today: date) -> Contract | None:
    if unit is None:
        return None
    return (
        Contract.objects.running_on(today)
        .filter(unit=unit)
        .prefetch_related("elements")
        .order_by("-start_date", "-id")
        .first()
    )


def costs_for(
    *, wizard: RepairWizard, result: LeafResult, cause: dict[str, Any] | None, today: date
) -> dict[str, Any]:
    """The costs step as stored on the pass (REP-7): the rules applied to the unit's contract.

    An additional report (REP-4f) adds to a request already made, so it has
    no costs of its own and skips the step.
    """
    if result.open_request is not None:
        return {"shown": False, "tenant_pays": False, "amount": "0.00", "reason": "additional"}
    contract = unit_contract(wizard.unit, today)
    decision = cost_decision(
        template=result.template or {},
        cause=cause,
        contract_elements={element.code for element in contract.elements.all()}
        if contract
        else set(),
        has_service_subscription=bool(contract and contract.has_service_subscription),
    )
    return {
        "shown": decision.shown,
        "tenant_pays": decision.tenant_pays,
        "amount": str(decision.amount),
        "vat_rate": str(decision.vat_rate),
        "reason": str(decision.reason),
    }


def wizard_defect_confirm(
    *, wizard: RepairWizard, node_key: str, cause_code: str = "", now: datetime | None = None
) -> RepairWizard:
    """REP-5 "no, go on" and REP-6: the tenant goes on with the template at ``node_key``,
    with a cause where the path asks for one. Works out the costs (REP-7); when costs
    apply and the organization does not take such requests online, the pass stops."""
    now = now or timezone.now()
    view = _require_tree(wizard)
    with transaction.atomic():
        wizard_lock(wizard, now)
        result = _leaf_chosen(wizard, view, node_key, now)
        cause = None
        if result.causes:
            found = {item["code"]: item for item in result.causes}.get(cause_code or "")
            if found is None:
                raise ValidationError(
                    {"cause": _("Choose what caused the problem.")}, code="required"
                )
            cause = found["data"]
        costs = costs_for(wizard=wizard, result=result, cause=cause, today=timezone.localdate(now))
        wizard.state["cause"] = cause["code"] if cause else ""
        before = dict(wizard.state.get("costs") or {})
        agreed = before.pop("consent_at", None)
        if before == costs and agreed:
            costs["consent_at"] = agreed  # the same costs as agreed before
        else:
            steps_undone(wizard, Step.COSTS)
        wizard.state["costs"] = costs
        wizard.state["leaf"] = {
            "key": node_key,
            "area": result.area.pk if result.area else None,
            "additional_to": result.open_request.pk if result.open_request else None,
        }
        if costs["tenant_pays"] and repair_settings_current().costs_block_submit:
            wizard_save(wizard, now)
            wizard_stop(
                wizard, reason=StopReason.COSTS_BLOCKED, now=now, step=Step.COSTS, node_key=node_key
            )
            return wizard
        step_done(wizard, Step.DEFECT)
        step_reach(wizard, Step.COSTS if costs["shown"] else Step.PHOTOS)
        wizard_save(wizard, now)
    return wizard
