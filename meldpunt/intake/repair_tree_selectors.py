"""Reads for the administrators' repair tree pages (ADM-CAT).

Only administrators may see the editable tree: for anyone else every
selector answers "not found", and so does an id of another tree's row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from meldpunt.common.actors import Actor
from meldpunt.intake.models import (
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairSettings,
    RepairTemplate,
    Tip,
    TreeNode,
)


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.kind == "system"):
        raise Http404


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("tree").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def trees_managed(*, actor: Actor) -> list[QuestionTree]:
    """Every tree with its counts of options, leaves and templates, and its unit types."""
    _require_admin(actor)
    nodes = TreeNode.objects.filter(tree=OuterRef("pk"))
    return list(
        QuestionTree.objects.annotate(
            node_count=_count(nodes),
            leaf_count=_count(nodes.filter(children__isnull=True)),
            template_count=_count(RepairTemplate.objects.filter(tree=OuterRef("pk"))),
        )
        .prefetch_related("unit_types")
        .order_by("-is_default", "code")
    )


def tree_get(*, actor: Actor, pk: int) -> QuestionTree:
    _require_admin(actor)
    tree = QuestionTree.objects.filter(pk=pk).prefetch_related("unit_types").first()
    if tree is None:
        raise Http404
    return tree


def _in_tree[M: (TreeNode, RepairTemplate, Tip, Cause, ActionCode)](
    model: type[M], *, actor: Actor, tree: QuestionTree, pk: int
) -> M:
    _require_admin(actor)
    row = model._default_manager.filter(tree=tree, pk=pk).first()
    if row is None:
        raise Http404
    return row


def node_get(*, actor: Actor, tree: QuestionTree, pk: int) -> TreeNode:
    return _in_tree(TreeNode, actor=actor, tree=tree, pk=pk)


def template_get(*, actor: Actor, tree: QuestionTree, pk: int) -> RepairTemplate:
    return _in_tree(RepairTemplate, actor=actor, tree=tree, pk=pk)


def tip_get(*, actor: Actor, tree: QuestionTree, pk: int) -> Tip:
    return _in_tree(Tip, actor=actor, tree=tree, pk=pk)


def cause_get(*, actor: Actor, tree: QuestionTree, pk: int) -> Cause:
    return _in_tree(Cause, actor=actor, tree=tree, pk=pk)


def action_code_get(*, actor: Actor, tree: QuestionTree, pk: int) -> ActionCode:
    return _in_tree(ActionCode, actor=actor, tree=tree, pk=pk)


def maintenance_form_get(*, actor: Actor, pk: int) -> MaintenanceForm:
    _require_admin(actor)
    form = MaintenanceForm.objects.filter(pk=pk).first()
    if form is None:
        raise Http404
    return form


@dataclass
class OutlineNode:
    """One option on the tree page, with the options below it."""

    node: TreeNode
    children: list[OutlineNode] = field(default_factory=list)
    path: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def can_have_children(self) -> bool:
        return self.node.level < 5 and not (self.node.template_id or self.node.action_code_id)


def tree_outline(*, actor: Actor, tree: QuestionTree) -> list[OutlineNode]:
    """The options as nested lists, alphabetical by Dutch name; two queries whatever the size."""
    _require_admin(actor)
    nodes = (
        TreeNode.objects.filter(tree=tree)
        .select_related("template", "action_code")
        .annotate(
            tip_count=Count("tips", distinct=True), cause_count=Count("causes", distinct=True)
        )
        .order_by("level", "name_nl", "key")
    )
    items: dict[int, OutlineNode] = {}
    roots: list[OutlineNode] = []
    for node in nodes:
        item = items[node.pk] = OutlineNode(node)
        parent = items.get(node.parent_id) if node.parent_id else None
        if parent is None:
            item.path = node.name_nl
            roots.append(item)
        else:
            item.path = f"{parent.path} › {node.name_nl}"
            parent.children.append(item)
    return roots


def node_path(*, actor: Actor, node: TreeNode) -> list[TreeNode]:
    """The options from the room down to ``node`` (at most five queries)."""
    _require_admin(actor)
    chain = [node]
    while chain[0].parent_id:
        chain.insert(0, TreeNode.objects.get(pk=chain[0].parent_id))
    return chain


def templates_managed(*, actor: Actor, tree: QuestionTree, query: str = "") -> list[RepairTemplate]:
    """The tree's templates with how many options lead to each; ``query`` searches
    the code and the descriptions."""
    _require_admin(actor)
    rows = RepairTemplate.objects.filter(tree=tree)
    for word in query.split()[:8]:
        rows = rows.filter(
            Q(code__icontains=word)
            | Q(description_nl__icontains=word)
            | Q(description_en__icontains=word)
            | Q(description_nb__icontains=word)
        )
    return list(rows.annotate(node_count=Count("nodes", distinct=True)).order_by("code"))


def _with_use(rows: QuerySet[Any]) -> list[Any]:
    return list(
        rows.annotate(
            template_count=Count("templates", distinct=True),
            node_count=Count("nodes", distinct=True),
        ).order_by("code")
    )


def tips_managed(*, actor: Actor, tree: QuestionTree) -> list[Tip]:
    _require_admin(actor)
    return _with_use(Tip.objects.filter(tree=tree))


def causes_managed(*, actor: Actor, tree: QuestionTree) -> list[Cause]:
    _require_admin(actor)
    return _with_use(Cause.objects.filter(tree=tree))


def action_codes_managed(*, actor: Actor, tree: QuestionTree) -> list[ActionCode]:
    _require_admin(actor)
    return list(
        ActionCode.objects.filter(tree=tree)
        .annotate(node_count=Count("nodes", distinct=True))
        .order_by("code")
    )


def maintenance_forms_managed(*, actor: Actor) -> list[MaintenanceForm]:
    _require_admin(actor)
    return list(
        MaintenanceForm.objects.annotate(
            template_count=Count("templates", distinct=True),
            unit_count=Count("units", distinct=True),
        ).order_by("code")
    )


def repair_settings_get(*, actor: Actor) -> RepairSettings:
    """The one settings row, made with the defaults on first use."""
    _require_admin(actor)
    row, _created = RepairSettings.objects.get_or_create(singleton=True)
    return row
