"""The inbox of unprocessed reports (SPEC INC-13): the list with bulk actions, one
report with its convert form, merging a duplicate, and the report's files."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts.models import User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.inbox_forms import InboxConvertForm, InboxFilterForm, InboxSelectionForm
from meldpunt.common.actors import Actor
from meldpunt.common.uploads import file_response
from meldpunt.incidents import inbox
from meldpunt.incidents.models import InboxReport
from meldpunt.incidents.selectors import categories_for_choice, staff_users


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


# ---------------------------------------------------------------- the list


def _list_context(actor: Actor, params: QueryDict) -> dict[str, Any]:
    form = InboxFilterForm(params, categories=categories_for_choice(actor=actor))
    page = inbox.inbox_page(actor=actor, cursor=params.get("cursor"), filters=form.filters())
    return {"form": form, "page": page, "bulk_category": inbox.bulk_default_category()}


@require_safe
@staff_required()
def inbox_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "backoffice/inbox/list.html", _list_context(_actor(request), request.GET)
    )


def _report_outcome(request: HttpRequest, action: str, outcome: inbox.BulkOutcome) -> None:
    done = len(outcome.done)
    if action == "convert":
        text = ngettext(
            "%(count)s report is now an incident.", "%(count)s reports are now incidents.", done
        )
    else:
        text = ngettext("%(count)s report is deleted.", "%(count)s reports are deleted.", done)
    if done:
        messages.success(request, text % {"count": done})
    for report, reason in outcome.failed:
        messages.error(
            request,
            _("“%(report)s” was not handled: %(reason)s")
            % {"report": str(report)[:80] or report.public_id, "reason": reason},
        )


@require_POST
@staff_required()
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk actions: the first post shows what will happen, the confirmed post does it."""
    actor = _actor(request)
    form = InboxSelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the selected reports."))
        return redirect("backoffice:inbox")
    action = form.cleaned_data["action"]
    reports = inbox.inbox_reports_for_action(actor=actor, public_ids=form.public_ids)
    if not reports:
        messages.error(request, _("Select at least one waiting report."))
        return redirect("backoffice:inbox")
    if not form.cleaned_data["confirm"]:
        context = {
            "action": action,
            "reports": reports,
            "bulk_category": inbox.bulk_default_category(),
        }
        return render(request, "backoffice/inbox/confirm.html", context)
    try:
        if action == "convert":
            outcome = inbox.inbox_reports_convert_bulk(actor=actor, reports=reports)
        else:
            outcome = inbox.inbox_reports_delete_bulk(actor=actor, reports=reports)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _report_outcome(request, action, outcome)
    return redirect("backoffice:inbox")


# ---------------------------------------------------------------- one report


def _convert_form(actor: Actor, data: QueryDict | None, report: InboxReport) -> InboxConvertForm:
    return InboxConvertForm(
        data,
        initial=InboxConvertForm.initial_for(report),
        categories=categories_for_choice(actor=actor, include=report.category_id),
        staff=staff_users(actor=actor),
        suppliers=inbox.suppliers_for_choice(actor=actor),
    )


def _detail_context(actor: Actor, report: InboxReport, form: InboxConvertForm) -> dict[str, Any]:
    return {
        "report": report,
        "form": form,
        "attachments": list(report.attachments.all()),
        "recent_incidents": inbox.inbox_report_recent_incidents(actor=actor, report=report),
    }


@require_safe
@staff_required()
def inbox_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    report = inbox.inbox_report_get(actor=actor, public_id=public_id)
    context = _detail_context(actor, report, _convert_form(actor, None, report))
    return render(request, "backoffice/inbox/detail.html", context)


@require_POST
@staff_required()
def inbox_convert(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = _actor(request)
    report = inbox.inbox_report_get(actor=actor, public_id=public_id)
    form = _convert_form(actor, request.POST, report)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            incident = inbox.inbox_report_convert(
                actor=actor,
                report=report,
                title=cleaned["title"],
                description=cleaned["description"],
                category=cleaned["category"],
                unit=report.unit if cleaned["keep_unit"] else None,
                household=report.household if cleaned["keep_household"] else None,
                contact_name=cleaned["contact_name"],
                contact_email=cleaned["contact_email"],
                contact_phone=cleaned["contact_phone"],
                contact_language=cleaned["contact_language"],
                responsible=cleaned["responsible"],
                notify_tenant=cleaned["notify_tenant"],
                notify_supplier=cleaned["notify_supplier"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Incident %(number)s is created from the report.") % {"number": incident.pk},
            )
            return redirect("backoffice:incident_detail", public_id=incident.public_id)
    context = _detail_context(actor, report, form)
    return render(request, "backoffice/inbox/detail.html", context, status=422)


@require_POST
@staff_required()
def inbox_merge(request: HttpRequest, public_id: str) -> HttpResponse:
    """Merge the report into the report it possibly repeats."""
    actor = _actor(request)
    report = inbox.inbox_report_get(actor=actor, public_id=public_id)
    into = inbox.inbox_report_get(actor=actor, public_id=request.POST.get("into", ""))
    try:
        inbox.inbox_report_merge(actor=actor, report=report, into=into)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:inbox_detail", public_id=report.public_id)
    messages.success(request, _("The report is merged into the earlier one."))
    if into.incident is not None:
        return redirect("backoffice:incident_detail", public_id=into.incident.public_id)
    return redirect("backoffice:inbox_detail", public_id=into.public_id)


@require_safe
@staff_required()
def inbox_attachment(request: HttpRequest, public_id: str, file_id: str) -> HttpResponse:
    actor = _actor(request)
    report = inbox.inbox_report_get(actor=actor, public_id=public_id)
    found = inbox.inbox_attachment_get(actor=actor, report=report, file_id=file_id)
    response = file_response(
        field_file=found.file, filename=found.original_name, content_type=found.content_type
    )
    # A streamed response; the view decorators are typed for HttpResponse only.
    return cast(HttpResponse, response)
