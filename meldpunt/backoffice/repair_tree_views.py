"""The repair wizard's content for administrators (ADM-CAT, REP-17): trees and their
options, import and export, the tenant's-eye preview, the wizard's settings and
the tree's figures. Templates, tips, causes, action codes and maintenance forms
are in ``repair_content_views``."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.repair_preview import preview_language, tree_preview
from meldpunt.backoffice.repair_tree_forms import (
    LANGUAGE_NAMES,
    NodeForm,
    RepairSettingsForm,
    TreeCreateForm,
    TreeEditForm,
    TreeImportForm,
)
from meldpunt.common.actors import Actor
from meldpunt.intake import repair_analytics, repair_tree_admin, repair_tree_io
from meldpunt.intake.models import QuestionTree, TreeNode
from meldpunt.intake.repair_tree_selectors import (
    OutlineNode,
    node_get,
    node_path,
    repair_settings_get,
    tree_get,
    tree_outline,
    trees_managed,
)
from meldpunt.organization.selectors import organization_for_request

ADMIN = StaffRole.ADMIN
GET_POST = ["GET", "HEAD", "POST"]
MAX_ERRORS_SHOWN = 100


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _tree(request: HttpRequest, tree: int) -> QuestionTree:
    return tree_get(actor=_actor(request), pk=tree)


def _tree_url(tree: QuestionTree) -> str:
    return reverse("backoffice:repair_tree", args=[tree.pk])


# ---------------------------------------------------------------- trees


@require_safe
@staff_required(ADMIN)
def tree_list(request: HttpRequest) -> HttpResponse:
    trees = trees_managed(actor=_actor(request))
    return render(
        request,
        "backoffice/repair/trees.html",
        {"trees": trees, "shipped_available": repair_tree_io.SHIPPED_TREE.exists()},
    )


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def tree_create(request: HttpRequest) -> HttpResponse:
    form = TreeCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            tree = repair_tree_admin.tree_create(actor=_actor(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The tree is made. Add its rooms now."))
            return redirect(_tree_url(tree))
    status = 422 if request.method == "POST" else 200
    return render(request, "backoffice/repair/tree_form.html", {"form": form}, status=status)


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def tree_edit(request: HttpRequest, tree: int) -> HttpResponse:
    actor = _actor(request)
    row = _tree(request, tree)
    form = TreeEditForm(request.POST if request.method == "POST" else None, tree=row)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            repair_tree_admin.tree_update(actor=actor, tree=row, **values)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The tree is saved."))
            return redirect(_tree_url(row))
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "tree": row}
    return render(request, "backoffice/repair/tree_form.html", context, status=status)


@require_POST
@staff_required(ADMIN)
def tree_default(request: HttpRequest, tree: int) -> HttpResponse:
    row = _tree(request, tree)
    repair_tree_admin.tree_set_default(actor=_actor(request), tree=row)
    messages.success(request, _("“%(name)s” is now the default tree.") % {"name": row.name})
    return redirect("backoffice:repair_trees")


@require_POST
@staff_required(ADMIN)
def tree_load_shipped(request: HttpRequest) -> HttpResponse:
    try:
        tree = repair_tree_io.repair_tree_load_shipped(actor=_actor(request))
    except ValidationError as error:
        for text in error.messages[:MAX_ERRORS_SHOWN]:
            messages.error(request, text)
        return redirect("backoffice:repair_trees")
    messages.success(request, _("The shipped Dutch tree is loaded and is the default tree."))
    return redirect(_tree_url(tree))


@require_safe
@staff_required(ADMIN)
def tree_detail(request: HttpRequest, tree: int) -> HttpResponse:
    actor = _actor(request)
    row = _tree(request, tree)
    outline = tree_outline(actor=actor, tree=row)
    context = {
        "tree": row,
        "outline": outline,
        "open_pks": _opened(outline, request.GET.get("open", "")),
    }
    return render(request, "backoffice/repair/tree.html", context)


def _opened(outline: list[OutlineNode], wanted: str) -> set[int]:
    """The options to show unfolded: the way down to option ``wanted`` (after an edit)."""
    if not wanted.isdigit():
        return set()
    target = int(wanted)

    def walk(items: list[OutlineNode], above: list[int]) -> set[int] | None:
        for item in items:
            way = [*above, item.node.pk]
            if item.node.pk == target:
                return set(way)
            found = walk(item.children, way)
            if found is not None:
                return found
        return None

    return walk(outline, []) or set()


def _node_url(tree: QuestionTree, pk: int) -> str:
    return f"{_tree_url(tree)}?open={pk}#node-{pk}"


# ---------------------------------------------------------------- import and export


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def tree_import(request: HttpRequest, tree: int | None = None) -> HttpResponse:
    actor = _actor(request)
    row = _tree(request, tree) if tree is not None else None
    errors: list[str] = []
    if request.method != "POST":
        form = TreeImportForm()
    else:
        form = TreeImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > repair_tree_io.MAX_FILE_BYTES:
                    raise ValidationError(repair_tree_io.file_too_large())
                imported = repair_tree_io.repair_tree_import_file(
                    actor=actor,
                    content=upload.read(),
                    replace=not form.cleaned_data["keep"],
                    into=row,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("The file is imported; tenants who start now see the new tree."),
                )
                return redirect(_tree_url(imported))
    context = {
        "form": form,
        "tree": row,
        "errors": errors[:MAX_ERRORS_SHOWN],
        "more_errors": max(len(errors) - MAX_ERRORS_SHOWN, 0),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "backoffice/repair/import.html", context, status=status)


def _download(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@staff_required(ADMIN)
def tree_export_json(request: HttpRequest, tree: int) -> HttpResponse:
    row = _tree(request, tree)
    data = repair_tree_io.repair_tree_export_json(tree=row)
    return _download(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
        filename=f"repair-tree-{row.code}.json",
    )


@require_safe
@staff_required(ADMIN)
def tree_export_xlsx(request: HttpRequest, tree: int) -> HttpResponse:
    row = _tree(request, tree)
    return _download(
        repair_tree_io.repair_tree_export_xlsx(tree=row),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"repair-tree-{row.code}.xlsx",
    )


# ---------------------------------------------------------------- options


def _node_page(
    request: HttpRequest,
    *,
    tree: QuestionTree,
    node: TreeNode | None,
    parent: TreeNode | None,
) -> HttpResponse:
    """The form of a new option (below ``parent``) or of ``node``; the services check."""
    actor = _actor(request)
    level = node.level if node is not None else (parent.level + 1 if parent else 1)
    has_children = node is not None and node.children.exists()
    form = NodeForm(
        request.POST if request.method == "POST" else None,
        instance=node,
        tree=tree,
        level=level,
        has_children=has_children,
    )
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            if node is None:
                saved = repair_tree_admin.node_create(
                    actor=actor, tree=tree, parent=parent, key=form.cleaned_data["key"], **values
                )
            else:
                saved = repair_tree_admin.node_update(actor=actor, node=node, **values)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name_nl})
            return redirect(_node_url(tree, saved.pk))
    above = parent if node is None else None
    shown = node or parent
    context = {
        "tree": tree,
        "node": node,
        "parent": above,
        "path": node_path(actor=actor, node=shown) if shown is not None else [],
        "level": TreeNode.Level(level).label,
        "form": form,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "backoffice/repair/node_form.html", context, status=status)


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def node_create(request: HttpRequest, tree: int, pk: int | None = None) -> HttpResponse:
    row = _tree(request, tree)
    parent = node_get(actor=_actor(request), tree=row, pk=pk) if pk is not None else None
    if parent is not None and parent.level >= repair_tree_io.MAX_LEVEL:
        messages.error(request, _("Options cannot go deeper than level 5 (specification)."))
        return redirect(_node_url(row, parent.pk))
    return _node_page(request, tree=row, node=None, parent=parent)


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def node_edit(request: HttpRequest, tree: int, pk: int) -> HttpResponse:
    row = _tree(request, tree)
    node = node_get(actor=_actor(request), tree=row, pk=pk)
    return _node_page(request, tree=row, node=node, parent=None)


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def node_delete(request: HttpRequest, tree: int, pk: int) -> HttpResponse:
    """GET asks for confirmation, naming how many options go with it; POST removes."""
    actor = _actor(request)
    row = _tree(request, tree)
    node = node_get(actor=actor, tree=row, pk=pk)
    if request.method == "POST":
        removed = repair_tree_admin.node_delete(actor=actor, node=node)
        messages.success(
            request,
            ngettext(
                "“%(name)s” is removed.",
                "“%(name)s” is removed with the %(count)s options below it.",
                removed,
            )
            % {"name": node.name_nl, "count": removed - 1},
        )
        return redirect(_tree_url(row))
    below = len(repair_tree_admin.node_subtree_pks(node)) - 1
    context = {"tree": row, "node": node, "below": below, "path": node_path(actor=actor, node=node)}
    return render(request, "backoffice/repair/node_delete.html", context)


# ---------------------------------------------------------------- preview


def _preview_page(request: HttpRequest, tree: QuestionTree, node: TreeNode | None) -> HttpResponse:
    language = preview_language(request.GET.get("lang"))
    scope = "common_area" if request.GET.get("scope") == "common_area" else ""
    organization = organization_for_request(request)
    preview = tree_preview(
        tree=tree,
        node=node,
        language=language,
        scope=scope,
        country=getattr(organization, "country", "NL") or "NL",
    )
    context = {
        "tree": tree,
        "node": node,
        "preview": preview,
        "languages": LANGUAGE_NAMES.items(),
    }
    return render(request, "backoffice/repair/preview.html", context)


@require_safe
@staff_required(ADMIN)
def tree_preview_page(request: HttpRequest, tree: int) -> HttpResponse:
    return _preview_page(request, _tree(request, tree), None)


@require_safe
@staff_required(ADMIN)
def node_preview(request: HttpRequest, tree: int, pk: int) -> HttpResponse:
    row = _tree(request, tree)
    return _preview_page(request, row, node_get(actor=_actor(request), tree=row, pk=pk))


# ---------------------------------------------------------------- settings and figures


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def repair_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    row = repair_settings_get(actor=actor)
    form = RepairSettingsForm(request.POST if request.method == "POST" else None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            repair_tree_admin.repair_settings_update(actor=actor, **form.service_values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The repair wizard settings are saved."))
            return redirect("backoffice:repair_settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "backoffice/repair/settings.html", {"form": form}, status=status)


def _choice(value: str | None, allowed: tuple[Any, ...], default: Any) -> Any:
    for option in allowed:
        if str(option) == value:
            return option
    return default


@require_safe
@staff_required(ADMIN)
def tree_analytics(request: HttpRequest, tree: int) -> HttpResponse:
    actor = _actor(request)
    row = _tree(request, tree)
    days = _choice(
        request.GET.get("days"), repair_analytics.PERIODS, repair_analytics.DEFAULT_PERIOD
    )
    sort = _choice(request.GET.get("sort"), repair_analytics.SORTS, "chosen")
    context = {
        "tree": row,
        "days": days,
        "sort": sort,
        "periods": repair_analytics.PERIODS,
        "nodes": repair_analytics.node_usage(actor=actor, tree=row, days=days, sort=sort),
        "steps": repair_analytics.step_usage(actor=actor, days=days),
    }
    return render(request, "backoffice/repair/analytics.html", context)
