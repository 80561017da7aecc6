"""What a tenant sees at one level of the live tree, for the administrators' preview.

It reads the tree the way the wizard does (``TreeView``) but from a fresh,
unsaved ``snapshot_build`` of the tables, so an admin sees an edit at once
without raising the revision. Every tenant-facing text is made in the
language chosen with ``?lang=``; the page around it stays in the admin's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meldpunt.backoffice.templatetags.meldpunt_ui import currency_for_country, format_money
from meldpunt.common.markdown import markdown_html
from meldpunt.intake.models import LANGUAGES, QuestionTree, TreeNode, Urgency
from meldpunt.intake.repair_rules import CostReason, Outcome, cost_decision, leaf_outcome
from meldpunt.intake.repair_texts import repair_text
from meldpunt.intake.repair_tree import TreeView, snapshot_build, text
from meldpunt.properties.models import CommonArea

COST_REASONS: dict[CostReason, Promise] = {
    CostReason.INSPECTION: _("The costs step is skipped: an inspection decides what is done."),
    CostReason.CAUSE: _("The chosen cause is charged to the tenant."),
    CostReason.TEMPLATE: _("This repair is charged to the tenant."),
    CostReason.NOT_IN_CONTRACT: _("None of the repair's contract elements is in the contract."),
    CostReason.NO_SUBSCRIPTION: _("Covered only by a service subscription, which is missing."),
    CostReason.COVERED_BY_SUBSCRIPTION: _("No costs, covered by the service subscription."),
    CostReason.IN_CONTRACT: _("No costs: the contract includes this repair."),
    CostReason.NONE: _("No costs apply."),
}


@dataclass
class Block:
    pk: int | None
    name: str
    icon: str
    is_leaf: bool


@dataclass
class CostLine:
    who: Promise
    pays: bool
    amount: str
    excl_vat: str
    vat_rate: str
    reason: str


@dataclass
class Preview:
    language: str
    scope: str
    path: list[tuple[int | None, str]]
    blocks: list[Block]
    outcome: str = ""
    message: str = ""
    description: str = ""
    urgency: str = ""
    appointment_required: bool = False
    inspection_required: bool = False
    common_area_kind: str = ""
    costs: list[CostLine] = field(default_factory=list)
    tips: list[dict[str, Any]] = field(default_factory=list)
    causes: list[dict[str, Any]] = field(default_factory=list)


def preview_language(value: str | None) -> str:
    if value in LANGUAGES:
        return str(value)
    current = (translation.get_language() or "nl")[:2]
    return current if current in LANGUAGES else "nl"


def _cost_lines(
    template: dict[str, Any], causes: list[dict[str, Any]], money: Any
) -> list[CostLine]:
    elements = set(template.get("contract_elements") or ())
    cases: list[tuple[Promise, dict[str, Any] | None, set[str], bool]] = [
        (_("Tenant with a service subscription"), None, elements, True),
        (_("Tenant without a service subscription"), None, elements, False),
    ]
    if elements:
        cases.append(
            (_("Contract without any of the repair's contract elements"), None, set(), False)
        )
    charged = next((cause for cause in causes if cause.get("charged_to_tenant")), None)
    if charged is not None:
        cases.append((_("Tenant chooses a cause charged to them"), charged, elements, True))
    lines = []
    for who, cause, contract, subscription in cases:
        decision = cost_decision(
            template=template,
            cause=cause,
            contract_elements=contract,
            has_service_subscription=subscription,
        )
        lines.append(
            CostLine(
                who=who,
                pays=decision.tenant_pays,
                amount=money(decision.amount),
                excl_vat=money(decision.amount_excl_vat),
                vat_rate=f"{decision.vat_rate.normalize():f}",
                reason=str(COST_REASONS[decision.reason]),
            )
        )
        if not decision.shown:
            break  # an inspection decides: the same for every tenant
    return lines


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def tree_preview(
    *,
    tree: QuestionTree,
    node: TreeNode | None,
    language: str,
    scope: str = "",
    country: str = "NL",
) -> Preview:
    """The options below ``node`` (the rooms for None) and, for a leaf, its outcome."""
    view = TreeView(snapshot_build(tree), revision=tree.revision)
    pks = dict(TreeNode.objects.filter(tree=tree).values_list("key", "pk"))
    currency = currency_for_country(country)

    def money(value: Any) -> str:
        return format_money(value, currency=currency)

    with translation.override(language):
        key = node.key if node is not None else None
        if node is not None:
            scope = view.path(node.key)[0]["scope"] if view.path(node.key) else ""
        preview = Preview(
            language=language,
            scope=scope,
            path=[(pks.get(n["key"]), text(n["name"], language)) for n in view.path(key or "")],
            blocks=[
                Block(
                    pk=pks.get(option["key"]),
                    name=text(option["name"], language),
                    icon=option["icon"],
                    is_leaf=not option["children"],
                )
                for option in view.children(key, scope=scope)
            ],
        )
        data = view.node(key) if key else None
        if data is None or data["children"]:
            return preview
        template = view.template(data["template"])
        result = leaf_outcome(
            node=data,
            template=template,
            action_code=view.action_code(data["action_code"]),
            unit_maintenance_forms=frozenset(),
        )
        preview.outcome = str(result.outcome)
        if result.outcome is Outcome.ACTION_MESSAGE and result.action_code:
            preview.message = text(result.action_code["message"], language)
        elif result.outcome is Outcome.NO_REQUEST:
            preview.message = repair_text("no_request", language)
        elif result.outcome is Outcome.NOT_SPECIFIED:
            preview.message = repair_text("not_specified", language)
        if template is None:
            return preview
        tips = _unique([*template["tips"], *data["tips"]])
        causes = [
            cause
            for code in _unique([*template["causes"], *data["causes"]])
            if (cause := view.cause(code)) is not None
        ]
        preview.description = text(template["description"], language)
        preview.urgency = str(Urgency(template["urgency"]).label) if template["urgency"] else ""
        preview.appointment_required = bool(template["appointment_required"])
        preview.inspection_required = bool(template["inspection_required"])
        kind = template["common_area_kind"]
        preview.common_area_kind = str(CommonArea.Kind(kind).label) if kind else ""
        preview.costs = _cost_lines(template, causes, money)
        preview.tips = [
            {
                "title": text(tip["title"], language),
                "body": markdown_html(text(tip["body"], language)),
                "video_url": tip["video_url"],
            }
            for code in tips
            if (tip := view.tip(code)) is not None
        ]
        preview.causes = [
            {"name": text(cause["name"], language), "charged": cause["charged_to_tenant"]}
            for cause in causes
        ]
    return preview
