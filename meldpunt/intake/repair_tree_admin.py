"""Administrators edit the repair wizard's content (ADM-CAT, REP-17) and its settings.

Every function here is a service: keyword-only, for administrators (and the
system), one transaction, checks first and raises ``ValidationError`` naming
the field, writes, records an audit row and raises the tree's revision with
``tree_revision_bump`` so wizard passes already under way keep their
snapshot and new ones see the change.

Removing something still in use: a template, an action code or a
maintenance form that options, templates or units point to is refused with
a message naming the users, because removing it would silently change what
tenants are told. Tips and causes are detached from the templates and
options that use them: they only add to an outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.intake import events
from meldpunt.intake.models import (
    LANGUAGES,
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairSettings,
    RepairTemplate,
    Tip,
    TreeNode,
)
from meldpunt.intake.repair_texts import REPAIR_TEXT_KEYS
from meldpunt.intake.repair_tree import tree_revision_bump
from meldpunt.intake.repair_tree_check import MAX_LEVEL
from meldpunt.properties.models import UnitType

NAME_FIELDS = tuple(f"name_{language}" for language in LANGUAGES)


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.kind == "system"):
        raise PermissionDenied


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }


def _clean(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """The model's own field checks (lengths, slugs, ranges); uniqueness is ours."""
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _codes(items: Iterable[Any]) -> list[str]:
    return sorted(str(getattr(item, "code", item)) for item in items)


def _code_taken(
    model: type[models.Model], code: str, *, tree: QuestionTree | None, pk: Any
) -> bool:
    rows = model._default_manager.filter(code=code)
    if tree is not None:
        rows = rows.filter(tree=tree)
    return rows.exclude(pk=pk).exists()


def _same_tree(tree: QuestionTree, items: Iterable[Any], field: str) -> None:
    if any(item.tree_id != tree.pk for item in items):
        raise ValidationError({field: _("Choose only items of this tree.")})


# ---------------------------------------------------------------- trees


def tree_create(
    *, actor: Actor, code: str, name_nl: str, name_en: str = "", name_nb: str = ""
) -> QuestionTree:
    """Start an empty tree. Administrators only."""
    _require_admin(actor)
    values = _strip({"code": code, "name_nl": name_nl, "name_en": name_en, "name_nb": name_nb})
    tree = QuestionTree(**values)
    _clean(tree)
    if QuestionTree.objects.filter(code=tree.code).exists():
        raise ValidationError({"code": _("Another tree already has this code.")})
    with transaction.atomic():
        tree.save()
        audit_record(
            actor=actor,
            verb=events.REPAIR_TREE_SAVED,
            obj=tree,
            changes=changes_between({}, values),
        )
    return tree


def tree_update(
    *,
    actor: Actor,
    tree: QuestionTree,
    name_nl: str,
    name_en: str = "",
    name_nb: str = "",
    unit_types: Iterable[UnitType] = (),
) -> QuestionTree:
    """Rename a tree and choose the unit types that use it.

    A unit type uses one tree: linking it here unlinks it from any other tree.
    """
    _require_admin(actor)
    values = _strip({"name_nl": name_nl, "name_en": name_en, "name_nb": name_nb})
    chosen = sorted(unit_types, key=lambda unit_type: unit_type.pk)
    with transaction.atomic():
        tree = QuestionTree.objects.select_for_update().get(pk=tree.pk)
        before = {**snapshot(tree, values), "unit_types": _codes(tree.unit_types.all())}
        for name, value in values.items():
            setattr(tree, name, value)
        _clean(tree)
        tree.save(update_fields=[*values, "updated_at"])
        for other in QuestionTree.objects.filter(unit_types__in=chosen).exclude(pk=tree.pk):
            other.unit_types.remove(*chosen)
        tree.unit_types.set(chosen)
        after = {**values, "unit_types": _codes(chosen)}
        changes = changes_between(before, after)
        if any(name in changes for name in values):
            tree_revision_bump(tree=tree)  # the names are part of the snapshot
        audit_record(actor=actor, verb=events.REPAIR_TREE_SAVED, obj=tree, changes=changes)
    return tree


def tree_set_default(*, actor: Actor, tree: QuestionTree) -> QuestionTree:
    """Make ``tree`` the one used by units whose unit type has no tree of its own."""
    _require_admin(actor)
    with transaction.atomic():
        previous = QuestionTree.objects.select_for_update().filter(is_default=True).first()
        if previous is not None and previous.pk == tree.pk:
            return previous
        if previous is not None:
            QuestionTree.objects.filter(pk=previous.pk).update(is_default=False)
        QuestionTree.objects.filter(pk=tree.pk).update(is_default=True)
        tree.is_default = True
        audit_record(
            actor=actor,
            verb=events.REPAIR_TREE_DEFAULT_SET,
            obj=tree,
            changes={"is_default": {"old": previous.code if previous else None, "new": tree.code}},
        )
    return tree


# ---------------------------------------------------------------- options (nodes)

NODE_FIELDS = (
    *NAME_FIELDS,
    "icon",
    "keywords_nl",
    "keywords_en",
    "keywords_nb",
    "scope",
    "template",
    "action_code",
)


def node_key_suggest(*, tree: QuestionTree, name: str, parent: TreeNode | None) -> str:
    """A free key from the Dutch name, prefixed by the parent's key: "keuken-kraan"."""
    base = slugify(name)[:60] or "optie"
    if parent is not None:
        base = f"{parent.key}-{base}"[:110]
    taken = set(
        TreeNode.objects.filter(tree=tree, key__startswith=base).values_list("key", flat=True)
    )
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _node_rules(node: TreeNode, *, has_children: bool) -> None:
    errors: dict[str, list[str]] = {}
    if node.template_id and node.action_code_id:
        errors.setdefault("action_code", []).append(
            _("Choose a template or an action code, not both.")
        )
    if has_children and (node.template_id or node.action_code_id):
        errors.setdefault("template", []).append(
            _("An option with options below it cannot have a template or action code.")
        )
    if node.scope and node.level != 1:
        errors.setdefault("scope", []).append(_("Only rooms can be limited to common areas."))
    for name in ("template", "action_code"):
        linked = getattr(node, name)
        if linked is not None and linked.tree_id != node.tree_id:
            errors.setdefault(name, []).append(_("Choose only items of this tree."))
    if errors:
        raise ValidationError(errors)


def _node_links(node: TreeNode, tips: Iterable[Tip] | None, causes: Iterable[Cause] | None) -> dict:
    changes: dict[str, Any] = {}
    chosen: tuple[tuple[str, Iterable[Tip | Cause] | None], ...] = (
        ("tips", tips),
        ("causes", causes),
    )
    for name, items in chosen:
        if items is None:
            continue
        rows = list(items)
        _same_tree(node.tree, rows, name)
        before = _codes(getattr(node, name).all()) if node.pk else []
        getattr(node, name).set(rows)
        if before != _codes(rows):
            changes[name] = {"old": before, "new": _codes(rows)}
    return changes


def node_create(
    *,
    actor: Actor,
    tree: QuestionTree,
    parent: TreeNode | None,
    key: str = "",
    tips: Iterable[Tip] = (),
    causes: Iterable[Cause] = (),
    **values: Any,
) -> TreeNode:
    """Add an option below ``parent`` (a room when None), at most at level 5."""
    _require_admin(actor)
    unknown = set(values) - set(NODE_FIELDS)
    if unknown:
        raise TypeError(f"unknown option fields: {sorted(unknown)}")
    values = _strip(values)
    if parent is not None and parent.tree_id != tree.pk:
        raise ValidationError(_("The option above belongs to another tree."))
    level = parent.level + 1 if parent is not None else 1
    if level > MAX_LEVEL:
        raise ValidationError(
            _("Options cannot go deeper than level %(max)s (specification).") % {"max": MAX_LEVEL}
        )
    if parent is not None and (parent.template_id or parent.action_code_id):
        raise ValidationError(
            _(
                "“%(name)s” leads to a template or action code. Remove that first, "
                "then add options below it."
            )
            % {"name": parent.name_nl}
        )
    key = key.strip() or node_key_suggest(tree=tree, name=values.get("name_nl", ""), parent=parent)
    node = TreeNode(tree=tree, parent=parent, level=level, key=key, **values)
    _clean(node, exclude=["tree", "parent", "template", "action_code"])
    if TreeNode.objects.filter(tree=tree, key=key).exists():
        raise ValidationError({"key": _("Another option of this tree already has this key.")})
    _node_rules(node, has_children=False)
    with transaction.atomic():
        node.save()
        changes = changes_between(
            {}, {name: _plain(getattr(node, name)) for name in ("key", *values)}
        )
        changes.update(_node_links(node, tips, causes))
        tree_revision_bump(tree=tree)
        audit_record(actor=actor, verb=events.TREE_NODE_SAVED, obj=node, changes=changes)
    return node


def node_update(
    *,
    actor: Actor,
    node: TreeNode,
    tips: Iterable[Tip] | None = None,
    causes: Iterable[Cause] | None = None,
    **values: Any,
) -> TreeNode:
    """Change an option's texts, icon, scope, outcome, tips or causes (not its key or place)."""
    _require_admin(actor)
    unknown = set(values) - set(NODE_FIELDS)
    if unknown:
        raise TypeError(f"unknown option fields: {sorted(unknown)}")
    values = _strip(values)
    with transaction.atomic():
        node = TreeNode.objects.select_for_update().select_related("tree").get(pk=node.pk)
        before = {name: _plain(getattr(node, name)) for name in values}
        for name, value in values.items():
            setattr(node, name, value)
        _clean(node, exclude=["tree", "parent", "template", "action_code"])
        _node_rules(node, has_children=node.children.exists())
        node.save(update_fields=list(values))
        changes = changes_between(before, {name: _plain(getattr(node, name)) for name in values})
        changes.update(_node_links(node, tips, causes))
        tree_revision_bump(tree=node.tree)
        audit_record(actor=actor, verb=events.TREE_NODE_SAVED, obj=node, changes=changes)
    return node


def node_subtree_pks(node: TreeNode) -> list[int]:
    """The option and everything below it, one query per level."""
    found, level = [node.pk], [node.pk]
    while level:
        level = list(TreeNode.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        found.extend(level)
    return found


def node_delete(*, actor: Actor, node: TreeNode) -> int:
    """Remove an option with every option below it; returns how many were removed."""
    _require_admin(actor)
    with transaction.atomic():
        tree = QuestionTree.objects.select_for_update().get(pk=node.tree_id)
        pks = node_subtree_pks(node)
        audit_record(
            actor=actor,
            verb=events.TREE_NODE_DELETED,
            obj=node,
            changes={"key": {"old": node.key, "new": None}, "removed": {"old": len(pks), "new": 0}},
        )
        TreeNode.objects.filter(pk=node.pk).delete()
        tree_revision_bump(tree=tree)
    return len(pks)


# -------------------------------------------- templates, tips, causes, action codes

TEMPLATE_FIELDS = (
    "description_nl",
    "description_en",
    "description_nb",
    "urgency",
    "appointment_required",
    "inspection_required",
    "cost",
    "vat_rate",
    "charged_to_tenant",
    "covered_by_service_subscription",
    "common_area_kind",
    "creates_work_order",
)
TEMPLATE_LINKS = ("maintenance_forms", "contract_elements", "tips", "causes")
TIP_FIELDS = ("title_nl", "title_en", "title_nb", "body_nl", "body_en", "body_nb", "video_url")
CAUSE_FIELDS = (*NAME_FIELDS, "charged_to_tenant")
ACTION_CODE_FIELDS = ("message_nl", "message_en", "message_nb")

_SAVED = {
    RepairTemplate: events.REPAIR_TEMPLATE_SAVED,
    Tip: events.REPAIR_TIP_SAVED,
    Cause: events.REPAIR_CAUSE_SAVED,
    ActionCode: events.ACTION_CODE_SAVED,
}
_DELETED = {
    RepairTemplate: events.REPAIR_TEMPLATE_DELETED,
    Tip: events.REPAIR_TIP_DELETED,
    Cause: events.REPAIR_CAUSE_DELETED,
    ActionCode: events.ACTION_CODE_DELETED,
}


def _content_save[M: (RepairTemplate, Tip, Cause, ActionCode)](
    *,
    actor: Actor,
    model: type[M],
    allowed: Sequence[str],
    tree: QuestionTree,
    instance: M | None,
    code: str | None,
    values: dict[str, Any],
    links: dict[str, Iterable[Any] | None] | None = None,
) -> M:
    _require_admin(actor)
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    values = _strip(values)
    if instance is not None and instance.tree_id != tree.pk:
        raise ValidationError(_("This belongs to another tree."))
    with transaction.atomic():
        if instance is None:
            row = model(tree=tree, code=(code or "").strip())
            before: dict[str, Any] = {}
        else:
            row = model._default_manager.select_for_update().get(pk=instance.pk)
            before = {name: _plain(getattr(row, name)) for name in values}
            if code is not None and code.strip() != row.code:
                before["code"] = row.code
                row.code = code.strip()
        for name, value in values.items():
            setattr(row, name, value)
        _clean(row, exclude=["tree"])
        if _code_taken(model, row.code, tree=tree, pk=row.pk):
            raise ValidationError({"code": _("Another item of this tree already has this code.")})
        row.save()
        after = {name: _plain(getattr(row, name)) for name in (*before, *values)}
        if instance is None:
            after["code"] = row.code
        changes = changes_between(before, after)
        for name, items in (links or {}).items():
            if items is None:
                continue
            items = list(items)
            if name in ("tips", "causes"):
                _same_tree(tree, items, name)
            old = _codes(getattr(row, name).all()) if instance is not None else []
            getattr(row, name).set(items)
            if old != _codes(items):
                changes[name] = {"old": old, "new": _codes(items)}
        tree_revision_bump(tree=tree)
        audit_record(actor=actor, verb=_SAVED[model], obj=row, changes=changes)
    return row


def template_save(
    *,
    actor: Actor,
    tree: QuestionTree,
    template: RepairTemplate | None = None,
    code: str | None = None,
    maintenance_forms: Iterable[MaintenanceForm] | None = None,
    contract_elements: Iterable[Any] | None = None,
    tips: Iterable[Tip] | None = None,
    causes: Iterable[Cause] | None = None,
    **values: Any,
) -> RepairTemplate:
    """Create (``template`` None) or change a repair template of ``tree`` (A-23)."""
    return _content_save(
        actor=actor,
        model=RepairTemplate,
        allowed=TEMPLATE_FIELDS,
        tree=tree,
        instance=template,
        code=code,
        values=values,
        links={
            "maintenance_forms": maintenance_forms,
            "contract_elements": contract_elements,
            "tips": tips,
            "causes": causes,
        },
    )


def tip_save(
    *,
    actor: Actor,
    tree: QuestionTree,
    tip: Tip | None = None,
    code: str | None = None,
    **values: Any,
) -> Tip:
    """Create or change a self-help tip; its body is limited Markdown (REP-5)."""
    return _content_save(
        actor=actor,
        model=Tip,
        allowed=TIP_FIELDS,
        tree=tree,
        instance=tip,
        code=code,
        values=values,
    )


def cause_save(
    *,
    actor: Actor,
    tree: QuestionTree,
    cause: Cause | None = None,
    code: str | None = None,
    **values: Any,
) -> Cause:
    """Create or change a cause (REP-6); a charged cause makes the tenant pay (REP-7a)."""
    return _content_save(
        actor=actor,
        model=Cause,
        allowed=CAUSE_FIELDS,
        tree=tree,
        instance=cause,
        code=code,
        values=values,
    )


def action_code_save(
    *,
    actor: Actor,
    tree: QuestionTree,
    action_code: ActionCode | None = None,
    code: str | None = None,
    **values: Any,
) -> ActionCode:
    """Create or change an action code: the message of a leaf without a request (REP-4b/c)."""
    return _content_save(
        actor=actor,
        model=ActionCode,
        allowed=ACTION_CODE_FIELDS,
        tree=tree,
        instance=action_code,
        code=code,
        values=values,
    )


def _node_names(nodes: Iterable[TreeNode], limit: int = 5) -> str:
    names = [node.name_nl for node in list(nodes)[:limit]]
    return ", ".join(f"“{name}”" for name in names)


def _refuse_if_used_by_nodes(row: RepairTemplate | ActionCode) -> None:
    users = list(row.nodes.order_by("name_nl")[:6])
    if users:
        count = row.nodes.count()
        raise ValidationError(
            ngettext(
                "%(count)s option leads here (%(names)s). Choose another outcome for it first.",
                "%(count)s options lead here (%(names)s). Choose another outcome for them first.",
                count,
            )
            % {"count": count, "names": _node_names(users)},
            code="in_use",
        )


def _content_delete(*, actor: Actor, row: RepairTemplate | Tip | Cause | ActionCode) -> None:
    _require_admin(actor)
    with transaction.atomic():
        tree = QuestionTree.objects.select_for_update().get(pk=row.tree_id)
        changes: dict[str, Any] = {"code": {"old": row.code, "new": None}}
        if isinstance(row, RepairTemplate | ActionCode):
            _refuse_if_used_by_nodes(row)
        else:
            # Tips and causes are only detached: they add to outcomes, they are not one.
            changes["detached_from"] = {
                "old": {
                    "templates": _codes(row.templates.all()),
                    "options": sorted(row.nodes.values_list("key", flat=True)),
                },
                "new": None,
            }
        audit_record(actor=actor, verb=_DELETED[type(row)], obj=row, changes=changes)
        row.delete()
        tree_revision_bump(tree=tree)


def template_delete(*, actor: Actor, template: RepairTemplate) -> None:
    """Remove a template no option leads to."""
    _content_delete(actor=actor, row=template)


def action_code_delete(*, actor: Actor, action_code: ActionCode) -> None:
    """Remove an action code no option leads to."""
    _content_delete(actor=actor, row=action_code)


def tip_delete(*, actor: Actor, tip: Tip) -> None:
    """Remove a tip; templates and options that showed it no longer do."""
    _content_delete(actor=actor, row=tip)


def cause_delete(*, actor: Actor, cause: Cause) -> None:
    """Remove a cause; templates and options that offered it no longer do."""
    _content_delete(actor=actor, row=cause)


# ---------------------------------------------------------------- maintenance forms (shared)


def maintenance_form_save(
    *,
    actor: Actor,
    form: MaintenanceForm | None = None,
    code: str | None = None,
    **names: Any,
) -> MaintenanceForm:
    """Create or rename a maintenance form; its code is fixed once made."""
    _require_admin(actor)
    unknown = set(names) - set(NAME_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    names = _strip(names)
    with transaction.atomic():
        if form is None:
            row = MaintenanceForm(code=(code or "").strip())
            before: dict[str, Any] = {}
        else:
            row = MaintenanceForm.objects.select_for_update().get(pk=form.pk)
            before = snapshot(row, names)
        for name, value in names.items():
            setattr(row, name, value)
        _clean(row)
        if _code_taken(MaintenanceForm, row.code, tree=None, pk=row.pk):
            raise ValidationError({"code": _("Another maintenance form already has this code.")})
        row.save()
        after = dict(names) if form is not None else {"code": row.code, **names}
        for tree in QuestionTree.objects.filter(repairtemplate__maintenance_forms=row).distinct():
            tree_revision_bump(tree=tree)
        audit_record(
            actor=actor,
            verb=events.MAINTENANCE_FORM_SAVED,
            obj=row,
            changes=changes_between(before, after),
        )
    return row


def maintenance_form_delete(*, actor: Actor, form: MaintenanceForm) -> None:
    """Remove a maintenance form no template and no unit carries."""
    _require_admin(actor)
    with transaction.atomic():
        templates = form.templates.count()
        units = form.units.count()
        if templates or units:
            raise ValidationError(
                _(
                    "This maintenance form is still used by %(templates)s templates and "
                    "%(units)s units. Remove it from them first."
                )
                % {"templates": templates, "units": units},
                code="in_use",
            )
        audit_record(
            actor=actor,
            verb=events.MAINTENANCE_FORM_DELETED,
            obj=form,
            changes={"code": {"old": form.code, "new": None}},
        )
        form.delete()


# ---------------------------------------------------------------- the wizard's settings

SETTINGS_FIELDS = (
    "anonymous_enabled",
    "category",
    "costs_block_submit",
    "description_required",
    "photo_short_side",
    "photo_quality",
)


def repair_settings_update(
    *, actor: Actor, texts: dict[str, dict[str, str]] | None = None, **values: Any
) -> RepairSettings:
    """Save the wizard's settings and own texts; empty texts fall back to the defaults."""
    _require_admin(actor)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    with transaction.atomic():
        row = RepairSettings.objects.select_for_update().filter(singleton=True).first()
        if row is None:
            row = RepairSettings.objects.create()
        before = {name: _plain(getattr(row, name)) for name in values}
        before["texts"] = row.texts
        for name, value in values.items():
            setattr(row, name, value)
        if texts is not None:
            cleaned: dict[str, dict[str, str]] = {}
            for key, per_language in texts.items():
                if key not in REPAIR_TEXT_KEYS:
                    raise ValidationError(_("Unknown message “%(key)s”.") % {"key": key})
                own = {
                    language: str(per_language.get(language) or "").strip()
                    for language in LANGUAGES
                }
                own = {language: text for language, text in own.items() if text}
                if own:
                    cleaned[key] = own
            row.texts = cleaned
        _clean(row)
        row.save()
        after = {name: _plain(getattr(row, name)) for name in values}
        after["texts"] = row.texts
        audit_record(
            actor=actor,
            verb=events.REPAIR_SETTINGS_UPDATED,
            obj=row,
            changes=changes_between(before, after),
        )
    return row
