"""What the tree's leaves point to, for administrators: repair templates, tips,
causes and action codes of one tree, and the maintenance forms all trees share.

The four kinds of one tree behave alike (a list, a form, remove), so one set of
views serves them, told apart by the ``kind`` the URL passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.repair_tree_forms import (
    ActionCodeForm,
    CauseForm,
    MaintenanceFormForm,
    TemplateForm,
    TipForm,
)
from meldpunt.common.actors import Actor
from meldpunt.common.markdown import markdown_html
from meldpunt.intake import repair_tree_admin as services
from meldpunt.intake import repair_tree_selectors as selectors
from meldpunt.intake.models import LANGUAGES, QuestionTree

ADMIN = StaffRole.ADMIN
GET_POST = ["GET", "HEAD", "POST"]


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


@dataclass(frozen=True)
class Kind:
    """One kind of row of a tree, with its selectors, services, form and wording."""

    slug: str
    argument: str  # the service's keyword for the row being changed or removed
    title: Promise
    new: Promise
    form: type[Any]
    listing: Callable[..., list[Any]]
    get: Callable[..., Any]
    save: Callable[..., Any]
    delete: Callable[..., None]
    saved: Promise
    removed: Promise
    list_template: str
    delete_note: Promise


KINDS: dict[str, Kind] = {
    "templates": Kind(
        slug="templates",
        argument="template",
        title=gettext_lazy("Repair templates"),
        new=gettext_lazy("New repair template"),
        form=TemplateForm,
        listing=selectors.templates_managed,
        get=selectors.template_get,
        save=services.template_save,
        delete=services.template_delete,
        saved=gettext_lazy("The repair template is saved."),
        removed=gettext_lazy("The repair template is removed."),
        list_template="backoffice/repair/templates.html",
        delete_note=gettext_lazy("Only a template no option leads to can be removed."),
    ),
    "tips": Kind(
        slug="tips",
        argument="tip",
        title=gettext_lazy("Tips"),
        new=gettext_lazy("New tip"),
        form=TipForm,
        listing=selectors.tips_managed,
        get=selectors.tip_get,
        save=services.tip_save,
        delete=services.tip_delete,
        saved=gettext_lazy("The tip is saved."),
        removed=gettext_lazy("The tip is removed; templates and options no longer show it."),
        list_template="backoffice/repair/tips.html",
        delete_note=gettext_lazy("Templates and options that show it will no longer show it."),
    ),
    "causes": Kind(
        slug="causes",
        argument="cause",
        title=gettext_lazy("Causes"),
        new=gettext_lazy("New cause"),
        form=CauseForm,
        listing=selectors.causes_managed,
        get=selectors.cause_get,
        save=services.cause_save,
        delete=services.cause_delete,
        saved=gettext_lazy("The cause is saved."),
        removed=gettext_lazy("The cause is removed; templates and options no longer offer it."),
        list_template="backoffice/repair/causes.html",
        delete_note=gettext_lazy("Templates and options that offer it will no longer offer it."),
    ),
    "action_codes": Kind(
        slug="action_codes",
        argument="action_code",
        title=gettext_lazy("Action codes"),
        new=gettext_lazy("New action code"),
        form=ActionCodeForm,
        listing=selectors.action_codes_managed,
        get=selectors.action_code_get,
        save=services.action_code_save,
        delete=services.action_code_delete,
        saved=gettext_lazy("The action code is saved."),
        removed=gettext_lazy("The action code is removed."),
        list_template="backoffice/repair/action_codes.html",
        delete_note=gettext_lazy("Only an action code no option leads to can be removed."),
    ),
}


def _list_url(tree: QuestionTree, kind: Kind) -> str:
    return reverse(f"backoffice:repair_{kind.slug}", args=[tree.pk])


@require_safe
@staff_required(ADMIN)
def content_list(request: HttpRequest, tree: int, kind: str) -> HttpResponse:
    actor = _actor(request)
    spec = KINDS[kind]
    row = selectors.tree_get(actor=actor, pk=tree)
    query = request.GET.get("q", "").strip()[:100] if kind == "templates" else ""
    arguments: dict[str, Any] = {"actor": actor, "tree": row}
    if kind == "templates":
        arguments["query"] = query
    context = {"tree": row, "kind": spec, "rows": spec.listing(**arguments), "query": query}
    return render(request, spec.list_template, context)


def _tip_previews(form: Any) -> list[tuple[str, Any]]:
    """The tip's text as tenants will see it, per language that has one."""
    source = form.data if form.is_bound else form.initial
    return [
        (language, markdown_html(str(source.get(f"body_{language}") or "")))
        for language in LANGUAGES
        if source.get(f"body_{language}")
    ]


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def content_form(request: HttpRequest, tree: int, kind: str, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    spec = KINDS[kind]
    row = selectors.tree_get(actor=actor, pk=tree)
    instance = spec.get(actor=actor, tree=row, pk=pk) if pk is not None else None
    extra = {"tree": row} if kind == "templates" else {}
    data = request.POST if request.method == "POST" else None
    form = spec.form(data, instance=instance, **extra)
    previewing = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and not previewing and form.is_valid():
        code = None if instance is not None else form.cleaned_data["code"]
        try:
            spec.save(
                actor=actor,
                tree=row,
                code=code,
                **{spec.argument: instance},
                **form.service_values(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, str(spec.saved))
            return redirect(_list_url(row, spec))
    context = {
        "tree": row,
        "kind": spec,
        "row": instance,
        "form": form,
        "previews": _tip_previews(form) if kind == "tips" else [],
        "list_url": _list_url(row, spec),
    }
    status = 422 if request.method == "POST" and not previewing else 200
    return render(request, "backoffice/repair/content_form.html", context, status=status)


@require_POST
@staff_required(ADMIN)
def content_delete(request: HttpRequest, tree: int, kind: str, pk: int) -> HttpResponse:
    actor = _actor(request)
    spec = KINDS[kind]
    row = selectors.tree_get(actor=actor, pk=tree)
    instance = spec.get(actor=actor, tree=row, pk=pk)
    try:
        spec.delete(actor=actor, **{spec.argument: instance})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(spec.removed))
    return redirect(_list_url(row, spec))


# ---------------------------------------------------------------- maintenance forms (all trees)


@require_safe
@staff_required(ADMIN)
def maintenance_form_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.maintenance_forms_managed(actor=_actor(request))
    return render(request, "backoffice/repair/maintenance_forms.html", {"rows": rows})


@require_http_methods(GET_POST)
@staff_required(ADMIN)
def maintenance_form_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = _actor(request)
    instance = selectors.maintenance_form_get(actor=actor, pk=pk) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = MaintenanceFormForm(data, instance=instance)
    if request.method == "POST" and form.is_valid():
        code = None if instance is not None else form.cleaned_data["code"]
        try:
            services.maintenance_form_save(
                actor=actor, form=instance, code=code, **form.service_values()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The maintenance form is saved."))
            return redirect("backoffice:repair_maintenance_forms")
    context = {
        "row": instance,
        "form": form,
        "list_url": reverse("backoffice:repair_maintenance_forms"),
        "title": _("Maintenance form"),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "backoffice/repair/maintenance_form.html", context, status=status)


@require_POST
@staff_required(ADMIN)
def maintenance_form_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    instance = selectors.maintenance_form_get(actor=actor, pk=pk)
    try:
        services.maintenance_form_delete(actor=actor, form=instance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The maintenance form is removed."))
    return redirect("backoffice:repair_maintenance_forms")
