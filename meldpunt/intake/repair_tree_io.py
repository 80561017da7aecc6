"""Moving a question tree in and out as a file: JSON (``content/FORMAT.md``) and Excel.

Export reads one tree with a handful of queries. Import checks the whole file
first and reports every problem with where it is ("templates[12] (code
tap-leaking): unknown tip 'x'"); only a file without problems is written, in
one transaction, with bulk statements. Rows are matched by code (nodes by
key), so nodes keep their primary keys and the analytics by key survive a new
version of the file; in replace mode rows the file no longer names are
removed. The tree's revision goes up once, so wizard passes under way keep
the snapshot they started on.

The checks live in ``repair_tree_check``; the Excel workbook
(``repair_tree_xlsx``) has one sheet per kind and is converted to the same
dictionary, so both formats pass the same checks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.intake import events
from meldpunt.intake.models import (
    LANGUAGES,
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairTemplate,
    Tip,
    TreeNode,
)
from meldpunt.intake.repair_tree import snapshot_build, tree_revision_bump
from meldpunt.intake.repair_tree_admin import tree_set_default
from meldpunt.intake.repair_tree_check import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_LEVEL,
    Record,
    TreePlan,
    flat_texts,
    tree_plan,
)
from meldpunt.intake.repair_tree_xlsx import (
    MAX_FILE_BYTES,
    data_from_workbook,
    file_too_large,
    workbook_from_data,
)
from meldpunt.tenancy.models import ContractElement

SHIPPED_TREE = Path(__file__).resolve().parent / "content" / "repair_tree.json"
_BATCH = 500


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.kind == "system"):
        raise PermissionDenied


# ---------------------------------------------------------------- export


def _amount(value: Any) -> str:
    return f"{Decimal(str(value)):.2f}"


def _percentage(value: Any) -> str:
    """21.0 → "21", 9.5 → "9.5": the way people write a VAT rate."""
    return f"{Decimal(str(value)).normalize():f}"


def _node_export(nodes: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
    node = nodes[key]
    return {
        "key": node["key"],
        "name": node["name"],
        "icon": node["icon"],
        "keywords": node["keywords"],
        "scope": node["scope"],
        "template": node["template"],
        "action_code": node["action_code"],
        "tips": node["tips"],
        "causes": node["causes"],
        "children": [_node_export(nodes, child) for child in node["children"]],
    }


def repair_tree_export_json(*, tree: QuestionTree) -> dict[str, Any]:
    """The tree in the exchange format: nested nodes, everything its leaves point to.

    Lists are ordered by code and options alphabetically (Dutch name, then
    key), so exporting the same content twice gives the same document.
    """
    data = snapshot_build(tree)
    forms = MaintenanceForm.objects.filter(templates__tree=tree).distinct().order_by("code")
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "tree": {"code": tree.code, "name": data["tree"]["name"]},
        "maintenance_forms": [
            {"code": form.code, "name": {lang: getattr(form, f"name_{lang}") for lang in LANGUAGES}}
            for form in forms
        ],
        "causes": list(data["causes"].values()),
        "tips": list(data["tips"].values()),
        "action_codes": list(data["action_codes"].values()),
        "templates": [
            {
                **template,
                "cost": _amount(template["cost"]),
                "vat_rate": _percentage(template["vat_rate"]),
            }
            for template in data["templates"].values()
        ],
        "nodes": [_node_export(data["nodes"], key) for key in data["roots"]],
    }


# ---------------------------------------------------------------- import


def _chunks[T](items: Sequence[T], size: int = _BATCH) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_pks(model: type[models.Model], pks: list[int]) -> None:
    for chunk in _chunks(pks):
        model._default_manager.filter(pk__in=chunk).delete()


def _upsert(
    model: type[models.Model],
    records: list[Record],
    *,
    existing: dict[str, Any],
    create: Callable[[Record], Any],
    replace: bool,
) -> tuple[dict[str, int], int]:
    """Update rows by code, create the new ones, remove the rest (replace); code → pk."""
    new, changed = [], []
    names: set[str] = set()
    for record in records:
        row = existing.get(record.code)
        if row is None:
            new.append(create(record))
            continue
        differs = [name for name, value in record.fields.items() if getattr(row, name) != value]
        if differs:
            names.update(differs)
            for name in differs:
                setattr(row, name, record.fields[name])
            changed.append(row)
    created = model._default_manager.bulk_create(new, batch_size=_BATCH)
    if changed:
        model._default_manager.bulk_update(changed, sorted(names), batch_size=_BATCH)
    wanted = {record.code for record in records}
    removed = [row.pk for code, row in existing.items() if code not in wanted]
    if replace and removed:
        _delete_pks(model, removed)
    pks = {code: row.pk for code, row in existing.items() if code in wanted or not replace}
    pks.update({getattr(row, "code"): row.pk for row in created})  # noqa: B009 - any model
    return pks, len(removed) if replace else 0


def _set_links(
    relation: Any,
    *,
    owner_filter: dict[str, Any],
    owners: dict[str, int],
    targets: dict[str, int],
    wanted: dict[str, list[str]],
) -> None:
    """Make the many-to-many rows of the owners in ``wanted`` exactly those the file names."""
    through = relation.through
    source = f"{relation.field.m2m_field_name()}_id"
    target = f"{relation.field.m2m_reverse_field_name()}_id"
    owner_pks = {owners[code] for code in wanted}
    rows = through.objects.filter(**owner_filter).values_list("pk", source, target)
    current = {(s, t): pk for pk, s, t in rows if s in owner_pks}
    desired = {(owners[code], targets[ref]) for code, refs in wanted.items() for ref in refs}
    stale = [pk for pair, pk in current.items() if pair not in desired]
    for chunk in _chunks(stale):
        through.objects.filter(pk__in=chunk).delete()
    through.objects.bulk_create(
        [through(**{source: s, target: t}) for s, t in sorted(desired - set(current))],
        batch_size=_BATCH,
    )


def _write_nodes(
    tree: QuestionTree,
    plan: TreePlan,
    *,
    templates: dict[str, int],
    actions: dict[str, int],
    replace: bool,
) -> tuple[dict[str, int], int]:
    existing = {node.key: node for node in TreeNode.objects.filter(tree=tree)}
    pks = {key: node.pk for key, node in existing.items()}

    def values(record: Record) -> dict[str, Any]:
        return {
            **record.fields,
            "parent_id": pks[record.parent] if record.parent else None,
            "template_id": templates.get(record.template) if record.template else None,
            "action_code_id": actions.get(record.action_code) if record.action_code else None,
        }

    # New options level by level: a parent has its primary key before its children need it.
    for level in range(1, MAX_LEVEL + 1):
        new = [
            TreeNode(tree=tree, key=record.code, **values(record))
            for record in plan.nodes
            if record.fields["level"] == level and record.code not in existing
        ]
        for node in TreeNode.objects.bulk_create(new, batch_size=_BATCH):
            pks[node.key] = node.pk
    changed, names = [], set()
    for record in plan.nodes:
        row = existing.get(record.code)
        if row is None:
            continue
        wanted = values(record)
        differs = [name for name, value in wanted.items() if getattr(row, name) != value]
        if differs:
            names.update(differs)
            for name in differs:
                setattr(row, name, wanted[name])
            changed.append(row)
    if changed:
        TreeNode.objects.bulk_update(changed, sorted(names), batch_size=_BATCH)
    removed: list[int] = []
    if replace:
        # Options the file still names were moved away from removed ones just above,
        # so removing these takes no option of the file with it.
        wanted_keys = {record.code for record in plan.nodes}
        removed = [node.pk for key, node in existing.items() if key not in wanted_keys]
        _delete_pks(TreeNode, removed)
        for key in existing:
            if key not in wanted_keys:
                pks.pop(key, None)
    return pks, len(removed)


def _check_merged(tree: QuestionTree) -> None:
    """After a merge the kept options must still form a valid tree."""
    rows = list(
        TreeNode.objects.filter(tree=tree).values_list(
            "pk", "key", "parent_id", "level", "template_id", "action_code_id"
        )
    )
    level = {pk: lvl for pk, _key, _parent, lvl, _t, _a in rows}
    parents = {parent for _pk, _key, parent, _lvl, _t, _a in rows if parent}
    errors = []
    for pk, key, parent, lvl, template, action in rows:
        expected = level[parent] + 1 if parent else 1
        if lvl != expected or lvl > MAX_LEVEL:
            errors.append(
                _("node '%(key)s': the options kept from before no longer fit at level %(level)s")
                % {"key": key, "level": expected}
            )
        if pk in parents and (template or action):
            errors.append(
                _("node '%(key)s': a node with children cannot have a template or action code")
                % {"key": key}
            )
    if errors:
        raise ValidationError(errors)


def _write(plan: TreePlan, *, actor: Actor, replace: bool) -> QuestionTree:
    tree = QuestionTree.objects.select_for_update().filter(code=plan.tree_code).first()
    names = flat_texts(plan.tree_names, "name")
    if tree is None:
        tree = QuestionTree.objects.create(code=plan.tree_code, **names)
    elif any(getattr(tree, name) != value for name, value in names.items()):
        for name, value in names.items():
            setattr(tree, name, value)
        tree.save(update_fields=[*names, "updated_at"])

    all_forms = {form.code: form for form in MaintenanceForm.objects.all()}
    forms, _removed = _upsert(
        MaintenanceForm,
        plan.maintenance_forms,
        existing=all_forms,
        create=lambda r: MaintenanceForm(code=r.code, **r.fields),
        replace=False,  # shared by all trees and by units: never removed by a tree's file
    )
    forms.update({code: form.pk for code, form in all_forms.items()})
    removed: dict[str, int] = {}

    def upsert(model: type[Any], records: list[Record], label: str) -> dict[str, int]:
        pks, removed[label] = _upsert(
            model,
            records,
            existing={row.code: row for row in model.objects.filter(tree=tree)},
            create=lambda r: model(tree=tree, code=r.code, **r.fields),
            replace=replace,
        )
        return pks

    causes = upsert(Cause, plan.causes, "causes")
    tips = upsert(Tip, plan.tips, "tips")
    actions = upsert(ActionCode, plan.action_codes, "action_codes")
    templates = upsert(RepairTemplate, plan.templates, "templates")
    template_links = {
        "tips": tips,
        "causes": causes,
        "maintenance_forms": forms,
        "contract_elements": dict(ContractElement.objects.values_list("code", "pk")),
    }
    for name, targets in template_links.items():
        _set_links(
            getattr(RepairTemplate, name),
            owner_filter={f"{RepairTemplate._meta.model_name}__tree": tree},
            owners=templates,
            targets=targets,
            wanted={record.code: record.links[name] for record in plan.templates},
        )
    nodes, removed["nodes"] = _write_nodes(
        tree, plan, templates=templates, actions=actions, replace=replace
    )
    for name, targets in (("tips", tips), ("causes", causes)):
        _set_links(
            getattr(TreeNode, name),
            owner_filter={"treenode__tree": tree},
            owners=nodes,
            targets=targets,
            wanted={record.code: record.links[name] for record in plan.nodes},
        )
    if not replace:
        _check_merged(tree)
    revision = tree_revision_bump(tree=tree)
    audit_record(
        actor=actor,
        verb=events.REPAIR_TREE_IMPORTED,
        obj=tree,
        changes={
            "mode": {"old": None, "new": "replace" if replace else "merge"},
            "revision": {"old": revision - 1, "new": revision},
            "nodes": {"old": None, "new": len(plan.nodes)},
            "templates": {"old": None, "new": len(plan.templates)},
            "removed": {"old": None, "new": sum(removed.values())},
        },
    )
    return tree


def repair_tree_import_json(
    *,
    actor: Actor,
    data: Any,
    replace: bool = True,
    into: QuestionTree | None = None,
) -> QuestionTree:
    """Load a tree from the exchange format; administrators and the system only.

    The tree is the one with the file's code (created when new), or ``into``
    when given (the file's code is then ignored). Nothing is written when the
    file has any problem: a ``ValidationError`` lists them all. In replace mode
    causes, tips, action codes, templates and options the file does not name
    are removed; maintenance forms are shared and only added or renamed.
    """
    _require_admin(actor)
    plan = tree_plan(data, into=into)
    with transaction.atomic():
        return _write(plan, actor=actor, replace=replace)


def repair_tree_load_shipped(*, actor: Actor, path: Path | None = None) -> QuestionTree:
    """Import the shipped Dutch tree (REP-17) and make it the default tree."""
    source = path or SHIPPED_TREE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ValidationError(_("The shipped question tree is missing.")) from error
    with transaction.atomic():
        tree = repair_tree_import_json(actor=actor, data=data)
        tree_set_default(actor=actor, tree=tree)
    return tree


def repair_tree_import_file(
    *, actor: Actor, content: bytes, replace: bool = True, into: QuestionTree | None = None
) -> QuestionTree:
    """A JSON or Excel file, told apart by its content rather than by its name."""
    if content[:4] == b"PK\x03\x04":
        return repair_tree_import_xlsx(actor=actor, content=content, replace=replace, into=into)
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(file_too_large())
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(
            _("The file is neither a repair tree in JSON nor an Excel workbook (.xlsx).")
        ) from error
    return repair_tree_import_json(actor=actor, data=data, replace=replace, into=into)


def repair_tree_export_xlsx(*, tree: QuestionTree) -> bytes:
    """The tree as an Excel workbook with the same content as the JSON export."""
    return workbook_from_data(repair_tree_export_json(tree=tree))


def repair_tree_import_xlsx(
    *, actor: Actor, content: bytes, replace: bool = True, into: QuestionTree | None = None
) -> QuestionTree:
    """Load a tree from an Excel workbook made like ``repair_tree_export_xlsx`` makes it."""
    _require_admin(actor)
    data = data_from_workbook(content)
    return repair_tree_import_json(actor=actor, data=data, replace=replace, into=into)
