"""The public report page ``/incident`` (SPEC INT-1) and the reporter's personal link
``/m/r/<token>/`` (INT-3): no login, phone first, works without JavaScript.

The report page keeps normal CSRF protection; the size of the request is
checked before anything reads its body, so an oversized upload gets a page
that says so instead of an error. Photos are checked one by one and the good
ones are kept under a random batch id while the form has errors. The link
pages send no Referer, are never cached, change nothing on GET, and answer
404 for a wrong, expired or revoked token.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from meldpunt.common.links import link_page
from meldpunt.common.models import PendingUpload
from meldpunt.common.uploads import MAX_FILES, file_response, upload_clean
from meldpunt.incidents.models import Attachment, InboxAttachment, InboxReport, Message
from meldpunt.incidents.timeline import tenant_thread
from meldpunt.intake.forms import BATCH, PublicReportForm
from meldpunt.intake.selectors import (
    UnitQuery,
    client_ip,
    client_ip_hash,
    report_for_link,
    report_reference,
    unit_resolve,
)
from meldpunt.intake.services import (
    ReportLimited,
    link_actor,
    pending_upload_add,
    pending_upload_remove,
    public_report_submit,
    report_reply_post,
)
from meldpunt.organization.selectors import organization_for_request
from meldpunt.portal.incident_link_forms import TenantReplyForm

RECEIPT_KEY = "intake_receipt"
DRAIN_LIMIT = 128 * 1024 * 1024


def _language(request: HttpRequest) -> str:
    """``?lang=`` picks the page's language for this request (no cookie, no POST)."""
    code = request.GET.get("lang", "")
    if code in dict(settings.LANGUAGES):
        translation.activate(code)
        request.LANGUAGE_CODE = code
    return (translation.get_language() or "nl")[:2]


def _with_lang(url: str, request: HttpRequest) -> str:
    code = request.GET.get("lang", "")
    return f"{url}?lang={code}" if code in dict(settings.LANGUAGES) else url


def _pending(batch: str) -> list[PendingUpload]:
    if not batch:
        return []
    return list(PendingUpload.objects.filter(batch=batch).order_by("created_at", "id"))


def _render_form(
    request: HttpRequest,
    form: PublicReportForm,
    *,
    batch: str,
    photo_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "batch": batch,
        "pending": _pending(batch),
        "photo_errors": photo_errors or [],
        "max_files": MAX_FILES,
        "lang_query": _with_lang("", request),
    }
    return render(request, "portal/report/form.html", context, status=status)


@login_not_required
@require_safe
def report_form(request: HttpRequest) -> HttpResponse:
    _language(request)
    organization = organization_for_request(request)
    form = PublicReportForm(country=organization.country)
    return _render_form(request, form, batch=secrets.token_urlsafe(24))


def _keep_photos(request: HttpRequest, batch: str) -> list[str]:
    """Check each new file; keep the good ones, return a message per refused one."""
    errors: list[str] = []
    kept = PendingUpload.objects.filter(batch=batch).count()
    for upload in request.FILES.getlist("photos"):
        if kept >= MAX_FILES:
            errors.append(_("You can add at most %(count)s photos.") % {"count": MAX_FILES})
            break
        try:
            clean = upload_clean(data=upload, original_name=upload.name or "")
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
            continue
        pending_upload_add(batch=batch, upload=clean)
        kept += 1
    return errors


def _submit(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    organization = organization_for_request(request)
    form = PublicReportForm(request.POST, country=organization.country)
    if form.is_honeypot_filled:
        # Looks like success to whoever filled the hidden field; nothing is stored.
        request.session.pop(RECEIPT_KEY, None)
        return redirect(_with_lang(reverse("portal:report_sent"), request))
    raw_batch = request.POST.get("batch", "")
    batch = raw_batch if BATCH.match(raw_batch) else secrets.token_urlsafe(24)
    photo_errors = _keep_photos(request, batch)
    remove = request.POST.get("remove_photo", "")
    if remove:
        if remove.isdigit():
            pending_upload_remove(batch=batch, upload_id=int(remove))
        # Only a photo was removed: show the form again as typed, without errors.
        typed = request.POST.copy()
        typed["batch"] = batch
        form = PublicReportForm(initial=typed.dict(), country=organization.country)
        return _render_form(request, form, batch=batch, photo_errors=photo_errors)
    if not form.is_valid() or photo_errors:
        return _render_form(request, form, batch=batch, photo_errors=photo_errors, status=422)
    data = form.cleaned_data
    try:
        receipt = public_report_submit(
            category=data["category"],
            query=UnitQuery(
                postcode=data["postcode"],
                house_number=data["house_number"],
                addition=data["addition"],
                tenant_number=data["tenant_number"],
            ),
            description=data["description"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language=language,
            client_hash=client_ip_hash(client_ip(request)),
            pending_batch=batch,
            country=organization.country,
        )
    except ReportLimited as error:
        form.add_error(None, error)
        return _render_form(request, form, batch=batch, status=429)
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return _render_form(request, form, batch=batch, status=422)
    request.session[RECEIPT_KEY] = {
        "reference": receipt.reference,
        "channels": list(receipt.channels),
        # Shown only when no message could carry the link (a landline only).
        "link": "" if receipt.channels else receipt.link,
    }
    return redirect(_with_lang(reverse("portal:report_sent"), request))


_submit_protected = csrf_protect(_submit)


def _too_large(request: HttpRequest) -> HttpResponse:
    _language(request)
    # Read what is left of the body (up to a bound), so the browser sees this page
    # rather than a connection reset while it is still sending.
    # ``request.read`` stops at Content-Length, so this never waits for more.
    drained = 0
    while drained < DRAIN_LIMIT:
        try:
            chunk = request.read(1024 * 1024)
        except (OSError, RawPostDataException):
            break
        if not chunk:
            break
        drained += len(chunk)
    context = {
        "limit": settings.MELDPUNT_REPORT_MAX_REQUEST_BYTES,
        "back": _with_lang(reverse("portal:report_form"), request),
    }
    return render(request, "portal/report/too_large.html", context, status=413)


# CSRF is checked by ``csrf_protect`` inside, after the size check: the check reads
# the body, and an oversized body must get the "too large" page, not a 400.
@csrf_exempt
@login_not_required
@require_POST
def report_submit(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.MELDPUNT_REPORT_MAX_REQUEST_BYTES:
        return _too_large(request)
    try:
        return _submit_protected(request)
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        return _too_large(request)


@login_not_required
@require_safe
def report_sent(request: HttpRequest) -> HttpResponse:
    _language(request)
    receipt: dict[str, Any] = request.session.get(RECEIPT_KEY) or {}
    response = render(request, "portal/report/sent.html", {"receipt": receipt})
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_safe
def report_photo(request: HttpRequest, batch: str, upload_id: int) -> HttpResponse:
    """A kept photo, to show it on the form again; only with its random batch id."""
    if not BATCH.match(batch):
        raise Http404
    pending = PendingUpload.objects.filter(batch=batch, pk=upload_id).first()
    if pending is None:
        raise Http404
    response = file_response(
        field_file=pending.file,
        filename=pending.original_name,
        content_type=pending.content_type,
    )
    return cast(HttpResponse, response)


@login_not_required
@require_safe
def report_address_check(request: HttpRequest) -> HttpResponse:
    """htmx: say whether the typed postcode and house number are a home of ours.

    Shows the address the visitor typed, completed with the street and city;
    never who lives there.
    """
    _language(request)
    organization = organization_for_request(request)
    query = UnitQuery(
        postcode=request.GET.get("postcode", "")[:12],
        house_number=request.GET.get("house_number", "")[:12],
        addition=request.GET.get("addition", "")[:8],
    )
    context: dict[str, Any] = {"unit": None, "errors": []}
    if query.postcode.strip() and query.house_number.strip():
        try:
            context["unit"] = unit_resolve(query=query, country=organization.country).unit
        except ValidationError as error:
            context["errors"] = [m for messages_ in error.message_dict.values() for m in messages_]
    return render(request, "portal/report/address_check.html", context)


# ---------------------------------------------------------------- the reporter's link


def _render_link(
    request: HttpRequest, token: str, report: InboxReport, form: TenantReplyForm, status: int = 200
) -> HttpResponse:
    incident = report.incident if report.status == InboxReport.Status.CONVERTED else None
    context = {
        "report": report,
        "reference": report_reference(report),
        "incident": incident,
        "entries": tenant_thread(incident=incident).entries() if incident else [],
        "report_files": [] if incident else list(report.attachments.all()),
        "token": token,
        "form": form,
        "file_route": "portal:report_link_file",
        "lang_query": _with_lang("", request),
    }
    return render(request, "portal/report/link.html", context, status=status)


@login_not_required
@link_page
@require_safe
def report_link(request: HttpRequest, token: str) -> HttpResponse:
    _language(request)
    _link, report = report_for_link(token=token)
    return _render_link(request, token, report, TenantReplyForm())


# Like the incident link: the page sends no Referer, so browsers post with
# ``Origin: null``; the secret token in the URL is what protects this form.
@csrf_exempt
@login_not_required
@link_page
@require_POST
def report_link_reply(request: HttpRequest, token: str) -> HttpResponse:
    _language(request)
    link, report = report_for_link(token=token)
    form = TenantReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report_reply_post(
                actor=link_actor(link.party),
                report=report,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. We added this to your report."))
            url = _with_lang(reverse("portal:report_link", kwargs={"token": token}), request)
            return redirect(f"{url}#reply")
    _link, report = report_for_link(token=token)
    return _render_link(request, token, report, form, status=422)


@login_not_required
@link_page
@require_safe
def report_link_file(request: HttpRequest, token: str, file_id: str) -> HttpResponse:
    _link, report = report_for_link(token=token)
    if len(file_id) > 24:
        raise Http404
    found: InboxAttachment | Attachment | None
    if report.incident_id is not None:
        found = (
            Attachment.objects.filter(
                incident_id=report.incident_id,
                public_id=file_id,
                visibility=Message.Visibility.EXTERNAL,
            )
            .exclude(message__visibility=Message.Visibility.INTERNAL)
            .first()
        )
    else:
        found = InboxAttachment.objects.filter(report=report, public_id=file_id).first()
    if found is None:
        raise Http404
    response = file_response(
        field_file=found.file, filename=found.original_name, content_type=found.content_type
    )
    return cast(HttpResponse, response)
