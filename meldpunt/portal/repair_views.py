"""The repair wizard at ``/repairment`` (SPEC INT-4, REP-1 … REP-11): no login, phone first.

Every step is a page (GET, never changes anything) and its forms post to an
action URL (POST, then redirect back to a page). Without JavaScript the whole
wizard works with plain forms; htmx only makes the defect step and its search
smoother. The pass id in the URL must also be in this browser's session, so
a copied URL shows 404 anywhere else. Pages are never cached and send the
Referer only to this site (the pass id is in the URL).

The tenant portal serves the same pages at ``/portal/maintenance/new/…`` for the
signed-in household (``maintenance_views``) through ``step_page``,
``step_action`` and ``pass_photo``.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from meldpunt.common.models import PendingUpload
from meldpunt.common.uploads import file_response
from meldpunt.intake.repair_texts import repair_text
from meldpunt.intake.wizard import (
    Step,
    WizardClosed,
    WizardIdentity,
    wizard_start,
)
from meldpunt.portal.repair_flow import (
    PAGES,
    anonymous_enabled,
    go_to,
    guard,
    language_activate,
    page_url,
    private_page,
    session_remember,
    stage_of,
    to_intro,
    with_lang,
    wizard_load,
)
from meldpunt.portal.repair_steps import ACTION_VIEWS, PAGE_VIEWS

# ---------------------------------------------------------------- intro and start (REP-1)


@login_not_required
@require_safe
@private_page
def repair_intro(request: HttpRequest) -> HttpResponse:
    language_activate(request)
    if not anonymous_enabled():
        context = {"message": repair_text("anonymous_off")}
        return render(request, "portal/repair/off.html", context)
    context = {"intro": repair_text("intro"), "lang_query": with_lang("", request)}
    return render(request, "portal/repair/intro.html", context)


@login_not_required
@require_POST
@private_page
def repair_start(request: HttpRequest) -> HttpResponse:
    language = language_activate(request)
    if not anonymous_enabled():
        return to_intro(request)
    wizard = wizard_start(identity=WizardIdentity.anonymous(), language=language)
    session_remember(request, wizard)
    return redirect(page_url(request, wizard, Step.OBJECT))


# ---------------------------------------------------------------- pages (GET)


@login_not_required
@require_safe
@private_page
def repair_step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    return step_page(request, public_id, step)


@login_not_required
@require_POST
@private_page
def repair_action(request: HttpRequest, public_id: str, step: str, action: str) -> HttpResponse:
    return step_action(request, public_id, step, action)


@login_not_required
@require_safe
@private_page
def repair_photo(request: HttpRequest, public_id: str, upload_id: int) -> HttpResponse:
    return pass_photo(request, public_id, upload_id)


# ---------------------------------------------------------------- shared with the portal
# The portal's wizard views (``maintenance_views``) call these after ``identity_use``.


def step_page(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    if step not in PAGES:
        raise Http404
    wizard = wizard_load(request, public_id)
    moved = guard(request, wizard, step)
    if moved is not None:
        return moved
    return PAGE_VIEWS[step](request, wizard)


def step_action(request: HttpRequest, public_id: str, step: str, action: str) -> HttpResponse:
    handler = ACTION_VIEWS.get((step, action))
    if handler is None:
        raise Http404
    wizard = wizard_load(request, public_id)
    moved = guard(request, wizard, step)
    if moved is not None:
        return moved
    try:
        return handler(request, wizard)
    except WizardClosed as closed:
        # Sent, stopped or expired meanwhile (a second click on "Send", another tab).
        return guard(request, closed.wizard, step) or go_to(request, wizard, stage_of(wizard))


def pass_photo(request: HttpRequest, public_id: str, upload_id: int) -> HttpResponse:
    """A photo kept with the pass, to show it on the photos and summary steps."""
    wizard = wizard_load(request, public_id)
    pending = PendingUpload.objects.filter(batch=wizard.photo_batch, pk=upload_id).first()
    if not wizard.photo_batch or pending is None:
        raise Http404
    response = file_response(
        field_file=pending.file, filename=pending.original_name, content_type=pending.content_type
    )
    return cast(HttpResponse, response)
