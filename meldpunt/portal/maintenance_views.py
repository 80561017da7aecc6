"""The tenant portal's maintenance pages (SPEC POR-7, REP-12 … REP-16, INT-2, INT-4).

``/portal/maintenance`` lists the household's open repair requests and the
closed ones of the last year; each expands (``<details>``, no script needed)
to its particulars and orders. The household's own open requests can be
changed and withdrawn; their photos are served through an ownership check.
``/portal/maintenance/new`` runs the repair wizard's own pages for the
household (``WizardIdentity`` in portal mode): the home is one of the
household's, contact details are prefilled, and a pass of another household
is 404.

Every page takes the household from ``request.tenant`` only; a request id in
the URL is looked up within what that household may see (404 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meldpunt.common.uploads import file_response
from meldpunt.intake.models import RepairWizard
from meldpunt.intake.repair_request_selectors import (
    RequestRow,
    maintenance_overview,
    repair_request_photo_get,
    repair_request_row,
)
from meldpunt.intake.repair_request_services import (
    RequestChange,
    repair_request_change,
    repair_request_withdraw,
)
from meldpunt.intake.repair_texts import repair_text
from meldpunt.intake.wizard import Step, WizardIdentity, wizard_start
from meldpunt.intake.wizard_object import units_for_household, wizard_unit_choose
from meldpunt.organization.selectors import features_effective, organization_for_request
from meldpunt.portal.maintenance_forms import RequestChangeForm, WithdrawForm
from meldpunt.portal.repair_flow import (
    URL_NAMES,
    form_errors_add,
    identity_use,
    language_activate,
    page_url,
    private_page,
)
from meldpunt.portal.repair_views import pass_photo, step_action, step_page
from meldpunt.portal.tenant import TenantRequest, tenant_required

LIST_TEMPLATE = "portal/tenant/maintenance/list.html"


def _tenant(request: HttpRequest) -> TenantRequest:
    return cast(TenantRequest, request)


# ---------------------------------------------------------------- the list (REP-12, REP-15)


@tenant_required(feature="repair_overview")
@require_safe
@private_page
def maintenance_list(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request).tenant
    features = features_effective(organization=organization_for_request(request))
    context = {
        "overview": maintenance_overview(household=tenant.household),
        "can_request": features.get("new_repair_request", False),
    }
    return render(request, LIST_TEMPLATE, context)


@tenant_required(feature="repair_overview")
@require_safe
@private_page
def maintenance_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    row = repair_request_row(household=_tenant(request).tenant.household, public_id=public_id)
    return render(request, "portal/tenant/maintenance/detail.html", {"row": row})


@tenant_required(feature="repair_overview")
@require_safe
@private_page
def maintenance_photo(request: HttpRequest, public_id: str, photo_id: str) -> HttpResponse:
    photo = repair_request_photo_get(
        household=_tenant(request).tenant.household, public_id=public_id, photo_id=photo_id
    )
    response = file_response(
        field_file=photo.file, filename=photo.original_name, content_type=photo.content_type
    )
    return cast(HttpResponse, response)


# ---------------------------------------------------------------- change (REP-13)


def _change_form(row: RequestRow, data: object = None, files: object = None) -> RequestChangeForm:
    request = row.request
    return RequestChangeForm(
        data,
        files,
        dates_changeable=row.limits.dates_changeable,
        photos=row.photos,
        earliest=timezone.localdate(),
        initial={
            "description": request.description,
            "preferred_date": request.preferred_date,
            "preferred_part": request.preferred_part,
            "contact_name": request.contact_name,
            "contact_email": request.contact_email,
            "contact_phone": request.contact_phone,
        },
    )


def _closed_for_changes(request: HttpRequest, row: RequestRow) -> HttpResponse:
    messages.info(request, _("This request can no longer be changed online. Please call us."))
    return redirect("portal:maintenance_detail", public_id=row.request.public_id)


@tenant_required(feature="repair_overview")
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def maintenance_change(request: HttpRequest, public_id: str) -> HttpResponse:
    tenant = _tenant(request).tenant
    row = repair_request_row(household=tenant.household, public_id=public_id, own=True)
    if not row.limits.can_change:
        return _closed_for_changes(request, row)
    if request.method != "POST":
        return _change_page(request, row, _change_form(row))
    form = _change_form(row, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        change = RequestChange(
            description=data["description"],
            preferred_date=data.get("preferred_date") if form.dates_changeable else None,
            preferred_part=data.get("preferred_part") if form.dates_changeable else None,
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            add_photos=data["photos"],
            remove_photos=data.get("remove_photos") or [],
        )
        try:
            result = repair_request_change(
                actor=tenant.actor,
                household=tenant.household,
                repair_request=row.request,
                change=change,
                organization=organization_for_request(request),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            for message in result.refused_photos:
                messages.error(request, message)
            messages.success(request, _("Your request has been changed."))
            return redirect("portal:maintenance_detail", public_id=public_id)
    return _change_page(request, row, form, status=422)


def _change_page(
    request: HttpRequest, row: RequestRow, form: RequestChangeForm, status: int = 200
) -> HttpResponse:
    context = {"row": row, "form": form}
    return render(request, "portal/tenant/maintenance/change.html", context, status=status)


# ---------------------------------------------------------------- withdraw (REP-14)


@tenant_required(feature="repair_overview")
@require_http_methods(["GET", "HEAD", "POST"])
@private_page
def maintenance_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    tenant = _tenant(request).tenant
    row = repair_request_row(household=tenant.household, public_id=public_id, own=True)
    if not row.limits.can_withdraw:
        return _closed_for_changes(request, row)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            repair_request_withdraw(
                actor=tenant.actor,
                household=tenant.household,
                repair_request=row.request,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("Your request has been withdrawn."))
            return redirect("portal:maintenance")
    status = 422 if request.method == "POST" else 200
    context = {"row": row, "form": form}
    return render(request, "portal/tenant/maintenance/withdraw.html", context, status=status)


# ---------------------------------------------------------------- a new request (INT-2, INT-4)


def _email_change_now(request: HttpRequest) -> Callable[[str, str], None] | None:
    """REP-9/ACC-9: "also update my details" with a new email address asks the password
    at the contact step and mails a confirmation link. Only the tenant's own account
    can: an agent viewing as the household does not know the password."""
    tenant = _tenant(request).tenant
    account = tenant.account
    if account is None:
        return None
    from meldpunt.accounts.email_change import email_change_request

    def change(new_email: str, password: str) -> None:
        email_change_request(
            actor=tenant.actor, user=account, password=password, new_email=new_email
        )

    return change


def _portal_identity(request: HttpRequest) -> WizardIdentity:
    """The household walking through the wizard; hung on the request for the step pages."""
    tenant = _tenant(request).tenant
    identity = WizardIdentity(
        mode=RepairWizard.Mode.PORTAL,
        actor=tenant.actor,
        household=tenant.household,
        user=tenant.account,
        email_change_now=_email_change_now(request),
    )
    identity_use(request, identity)
    return identity


@tenant_required(feature="new_repair_request")
@require_safe
@private_page
def maintenance_new(request: HttpRequest) -> HttpResponse:
    _portal_identity(request)
    context = {
        "intro": repair_text("intro"),
        "in_portal": True,
        "repair_layout": "portal/tenant/base.html",
        "start_url": reverse(URL_NAMES[RepairWizard.Mode.PORTAL]["start"]),
        "wizard_urls": URL_NAMES[RepairWizard.Mode.PORTAL],
    }
    return render(request, "portal/repair/intro.html", context)


@tenant_required(feature="new_repair_request")
@require_POST
@private_page
def maintenance_start(request: HttpRequest) -> HttpResponse:
    identity = _portal_identity(request)
    wizard = wizard_start(identity=identity, language=language_activate(request))
    assert identity.household is not None
    units = units_for_household(identity.household)
    if len(units) == 1:
        # One home: nothing to choose; the object step asks only "home or common area".
        try:
            wizard_unit_choose(wizard=wizard, identity=identity, unit=units[0])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if wizard.status != RepairWizard.Status.ACTIVE:
        return redirect(page_url(request, wizard, "stopped"))
    done = Step.OBJECT in (wizard.state.get("done") or ())
    return redirect(page_url(request, wizard, Step.DEFECT if done else Step.OBJECT))


@tenant_required(feature="new_repair_request")
@require_safe
@private_page
def maintenance_wizard_step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    _portal_identity(request)
    return step_page(request, public_id, step)


@tenant_required(feature="new_repair_request")
@require_POST
@private_page
def maintenance_wizard_action(
    request: HttpRequest, public_id: str, step: str, action: str
) -> HttpResponse:
    _portal_identity(request)
    return step_action(request, public_id, step, action)


@tenant_required(feature="new_repair_request")
@require_safe
@private_page
def maintenance_wizard_photo(request: HttpRequest, public_id: str, upload_id: int) -> HttpResponse:
    _portal_identity(request)
    return pass_photo(request, public_id, upload_id)
