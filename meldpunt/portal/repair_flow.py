"""The repair wizard's page plumbing (SPEC INT-4): which pass, which language, which step
a visitor may see, and the headers every wizard page sends.

An anonymous pass is found only through the ids kept in this browser's session
(``session_ids``); a portal pass (``/portal/maintenance/new/…``) only through the
signed-in household, which the portal's views hang on the request as its
``WizardIdentity`` (``identity_use``) before calling the same page and action
functions. ``guard`` sends a visitor to the page a pass belongs on
(the first unfinished step, the stop message, the thank-you page, or the
intro when it expired) with a message that says why.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from meldpunt.intake.models import RepairWizard
from meldpunt.intake.wizard import (
    BEFORE_SUBMIT,
    STEP_LABELS,
    Step,
    WizardIdentity,
    first_missing,
    next_step,
    repair_settings_current,
    step_bar,
    step_skipped,
    wizard_expired,
    wizard_get,
    wizard_get_for_household,
)

SESSION_KEY = "repair_wizards"
SESSION_KEEP = 10
STEP_NAMES = frozenset(str(step) for step in Step)
PAGES = (*STEP_NAMES, "done", "stopped", "resolved")
ACCEPT_PHOTOS = "image/jpeg,image/png,image/gif,image/tiff"
_SYMBOL_ID = re.compile(r'<symbol[^>]*\bid="([\w-]+)"')
IDENTITY_ATTRIBUTE = "repair_identity"

# The URL names of each kind of pass: the pages are the same, the addresses differ.
URL_NAMES: dict[str, dict[str, str]] = {
    RepairWizard.Mode.ANONYMOUS: {
        "intro": "portal:repair_intro",
        "start": "portal:repair_start",
        "step": "portal:repair_step",
        "action": "portal:repair_action",
        "photo": "portal:repair_photo",
        "home": "",
    },
    RepairWizard.Mode.PORTAL: {
        "intro": "portal:maintenance_new",
        "start": "portal:maintenance_start",
        "step": "portal:maintenance_wizard_step",
        "action": "portal:maintenance_wizard_action",
        "photo": "portal:maintenance_wizard_photo",
        "home": "portal:maintenance",
    },
}


# ---------------------------------------------------------------- helpers


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Never cached, never indexed; the Referer (with the pass id) stays on this site."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def identity_use(request: HttpRequest, identity: WizardIdentity) -> None:
    """The portal's views: serve this request's pass for ``identity`` (the household)."""
    setattr(request, IDENTITY_ATTRIBUTE, identity)


def wizard_identity(request: HttpRequest) -> WizardIdentity:
    """Who walks through the wizard on this request: the portal's household, else anonymous."""
    identity = getattr(request, IDENTITY_ATTRIBUTE, None)
    return identity if isinstance(identity, WizardIdentity) else WizardIdentity.anonymous()


def in_portal(request: HttpRequest) -> bool:
    return wizard_identity(request).mode == RepairWizard.Mode.PORTAL


def url_names(request: HttpRequest) -> dict[str, str]:
    return URL_NAMES[wizard_identity(request).mode]


def language_activate(request: HttpRequest) -> str:
    """``?lang=`` picks the language of this page (no cookie, nothing stored); otherwise
    the visitor's own choice (the header's language menu or the browser's)."""
    code = request.GET.get("lang", "")
    if code in dict(settings.LANGUAGES):
        translation.activate(code)
        request.LANGUAGE_CODE = code
    return (translation.get_language() or "nl")[:2]


def with_lang(url: str, request: HttpRequest, **query: str) -> str:
    code = request.GET.get("lang", "")
    params = {key: value for key, value in query.items() if value}
    if code in dict(settings.LANGUAGES):
        params["lang"] = code
    return f"{url}?{urlencode(params)}" if params else url


def session_ids(request: HttpRequest) -> list[str]:
    ids = request.session.get(SESSION_KEY) or []
    return [value for value in ids if isinstance(value, str)]


def session_remember(request: HttpRequest, wizard: RepairWizard) -> None:
    ids = [value for value in session_ids(request) if value != wizard.public_id]
    request.session[SESSION_KEY] = [*ids, wizard.public_id][-SESSION_KEEP:]


def page_url(request: HttpRequest, wizard: RepairWizard, page: str, **query: str) -> str:
    name = URL_NAMES[wizard.mode]["step"]
    url = reverse(name, kwargs={"public_id": wizard.public_id, "step": page})
    return with_lang(url, request, **query)


def go_to(request: HttpRequest, wizard: RepairWizard, page: str, **query: str) -> HttpResponse:
    url = page_url(request, wizard, page, **query)
    if getattr(request, "htmx", False) and page != Step.DEFECT:
        # Leaving the defect step: the whole page changes, not just its panel.
        return HttpResponseClientRedirect(url)
    return redirect(url)


def to_intro(request: HttpRequest) -> HttpResponse:
    return redirect(with_lang(reverse(url_names(request)["intro"]), request))


def anonymous_enabled() -> bool:
    return repair_settings_current().anonymous_enabled


@lru_cache(maxsize=4)
def _sprite_symbols(path: str, modified: float) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return frozenset(_SYMBOL_ID.findall(handle.read()))
    except OSError:
        return frozenset()


def repair_icons() -> frozenset[str]:
    """The icons of ``static/icons/repair.svg``; an option whose icon is missing shows none."""
    path = finders.find("icons/repair.svg")
    if not path or not isinstance(path, str):
        return frozenset()
    try:
        return _sprite_symbols(path, os.path.getmtime(path))
    except OSError:
        return frozenset()


def form_errors_add(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def stage_of(wizard: RepairWizard) -> str:
    """The page a pass that can take no more answers belongs on."""
    if wizard.status == RepairWizard.Status.STOPPED:
        return "stopped"
    if wizard.status == RepairWizard.Status.RESOLVED:
        return "resolved"
    if wizard.state.get("appointment_needed") and Step.APPOINTMENT not in (
        wizard.state.get("done") or ()
    ):
        return str(Step.APPOINTMENT)
    return "done"


def guard(request: HttpRequest, wizard: RepairWizard, page: str) -> HttpResponse | None:
    """Where the visitor belongs when ``page`` is not for them now; None when it is."""
    if wizard.mode == RepairWizard.Mode.ANONYMOUS and not anonymous_enabled():
        return to_intro(request)
    if wizard_expired(wizard):
        messages.warning(
            request,
            _(
                "Your repair request was not finished within 24 hours, so it was cleared. "
                "Please start again."
            ),
        )
        return to_intro(request)
    if wizard.status != RepairWizard.Status.ACTIVE:
        stage = stage_of(wizard)
        if page == stage:
            return None
        if wizard.status == RepairWizard.Status.SUBMITTED:
            if page == "done" or (
                page == Step.APPOINTMENT and wizard.state.get("appointment_needed")
            ):
                return None
            if page in BEFORE_SUBMIT:
                messages.info(request, _("Your request has been sent; it cannot be changed here."))
        return go_to(request, wizard, stage)
    if page not in STEP_NAMES or page == Step.APPOINTMENT:
        return go_to(request, wizard, first_missing(wizard, Step.SUMMARY) or Step.SUMMARY)
    step = Step(page)
    missing = first_missing(wizard, step)
    if missing is not None:
        messages.warning(
            request,
            _("Please finish the step “%(step)s” first.") % {"step": STEP_LABELS[missing]},
        )
        return go_to(request, wizard, missing)
    if step_skipped(wizard, step):
        return go_to(request, wizard, next_step(wizard, step) or Step.SUMMARY)
    return None


def render_step(
    request: HttpRequest,
    wizard: RepairWizard,
    page: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    template: str | None = None,
) -> HttpResponse:
    current = Step(page) if page in STEP_NAMES else None
    base = {
        "wizard": wizard,
        "page": page,
        "steps": step_bar(wizard, current),
        "step_number": list(Step).index(current) + 1 if current else None,
        "total_steps": len(Step),
        "lang_query": with_lang("", request),
        "wizard_urls": URL_NAMES[wizard.mode],
        "in_portal": wizard.mode == RepairWizard.Mode.PORTAL,
        # In the portal the steps sit in the portal's layout, with its menu.
        "repair_layout": "portal/tenant/base.html"
        if wizard.mode == RepairWizard.Mode.PORTAL
        else "base.html",
    }
    name = template or f"portal/repair/{page}.html"
    return render(request, name, {**base, **context}, status=status)


def wizard_load(request: HttpRequest, public_id: str) -> RepairWizard:
    """The pass of this URL for this visitor: in the portal the household's own, at
    ``/repairment`` one kept in this browser's session (and never a portal pass)."""
    identity = wizard_identity(request)
    if identity.household_known and identity.household is not None:
        wizard = wizard_get_for_household(public_id=public_id, household=identity.household)
    else:
        wizard = wizard_get(public_id=public_id, allowed_ids=session_ids(request))
        if wizard.mode != RepairWizard.Mode.ANONYMOUS:
            raise Http404
    language_activate(request)
    return wizard
