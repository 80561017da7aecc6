"""Households (tenants) in the back office (SPEC ACC-1 staff side, ACC-12, C-3, A-8):
the searchable list with letter batches, one household's record with its
activation code and interactions, and the code and letter actions.

Any staff role views households; only agents and administrators make, reveal
or print activation codes (403 for other roles, like every role-bound page).
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from meldpunt.accounts.activation import (
    activation_code_generate,
    activation_code_live,
    activation_code_reveal,
)
from meldpunt.accounts.letters import activation_letters_pdf
from meldpunt.accounts.models import ActivationCode, StaffRole, User
from meldpunt.accounts.permissions import staff_required
from meldpunt.backoffice.household_forms import (
    LETTER_BATCH_CAP,
    CodeGenerateForm,
    HouseholdFilterForm,
    LetterBatchForm,
    LetterKind,
    LettersForm,
)
from meldpunt.common.actors import Actor
from meldpunt.common.pagination import newest_first_page
from meldpunt.interactions.selectors import interactions_for_household
from meldpunt.interactions.services import interaction_task_done
from meldpunt.people import household_selectors as selectors
from meldpunt.people.models import Household

CODE_ROLES = (StaffRole.AGENT, StaffRole.ADMIN)
INTERACTIONS_PER_PAGE = 10


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(cast(User, request.user))


def _may_handle_codes(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") in CODE_ROLES


def _pdf_response(pdf: bytes, *, name: str) -> HttpResponse:
    """A PDF download that no cache keeps: activation letters carry codes."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)
    return response


def _letters_name(which: str, suffix: str) -> str:
    suffix = re.sub(r"[^A-Za-z0-9-]", "", suffix)  # a tenant number goes into a header
    return f"activation-letters-{which}-{suffix}-{timezone.localdate():%Y%m%d}.pdf"


# ---------------------------------------------------------------- the list


@require_safe
@staff_required()
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET)
    page = selectors.household_search(
        actor=_actor(request), filters=form.filters(), cursor=request.GET.get("cursor")
    )
    context = {
        "form": form,
        "page": page,
        "letters_form": LettersForm(),
        "may_print": _may_handle_codes(request),
        "batch_cap": LETTER_BATCH_CAP,
    }
    template = "backoffice/households/list.html"
    # Search-as-you-type swaps only the results; a reload or history visit gets the page.
    if request.htmx and not request.htmx.history_restore_request:  # type: ignore[attr-defined]
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back_to_list(form: LetterBatchForm) -> HttpResponse:
    filters = form.filters()
    pairs = (("q", filters.q), ("status", filters.account_status))
    query = {key: value for key, value in pairs if value}
    url = reverse("backoffice:household_list")
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@require_POST
@staff_required(*CODE_ROLES)
def household_letters_batch(request: HttpRequest) -> HttpResponse:
    """Letters for the selected households, or for every household matching the
    list's filter without an account — one PDF, at most ``LETTER_BATCH_CAP``."""
    form = LetterBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which letters to print."))
        return _back_to_list(form)
    actor = _actor(request)
    if form.cleaned_data["scope"] == LetterBatchForm.SELECTED:
        batch = selectors.households_for_letters_selected(
            actor=actor, public_ids=form.cleaned_data["households"], cap=LETTER_BATCH_CAP
        )
    else:
        batch = selectors.households_for_letters_without_account(
            actor=actor, filters=form.filters(), cap=LETTER_BATCH_CAP
        )
    if batch.too_many:
        messages.error(
            request,
            _(
                "One batch holds at most %(cap)s households. Narrow the search or "
                "select fewer households, and print the rest in another batch."
            )
            % {"cap": LETTER_BATCH_CAP},
        )
        return _back_to_list(form)
    if not batch.households:
        messages.error(request, _("No households to print letters for: select at least one."))
        return _back_to_list(form)
    which = form.cleaned_data["which"]
    try:
        pdf = activation_letters_pdf(actor=actor, households=batch.households, which=which)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_list(form)
    return _pdf_response(pdf, name=_letters_name(which, f"{len(batch.households)}"))


# ---------------------------------------------------------------- one household


def _detail_context(
    request: HttpRequest, public_id: str, *, revealed: ActivationCode | None = None
) -> dict[str, Any]:
    actor = _actor(request)
    record = selectors.household_record(actor=actor, public_id=public_id)
    household = record.household
    interactions = newest_first_page(
        interactions_for_household(household=household),
        cursor=request.GET.get("interactions"),
        size=INTERACTIONS_PER_PAGE,
    )
    return {
        "household": household,
        "record": record,
        "live_code": activation_code_live(household=household),
        "revealed": revealed,
        "interactions": interactions,
        "may_handle_codes": _may_handle_codes(request),
        "letters_form": LettersForm(),
        "today": timezone.localdate(),
    }


@require_safe
@staff_required()
def household_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    context = _detail_context(request, public_id)
    return render(request, "backoffice/households/detail.html", context)


def _detail_url(household: Household, anchor: str = "") -> str:
    url = reverse("backoffice:household_detail", args=[household.public_id])
    return f"{url}#{anchor}" if anchor else url


@require_POST
@staff_required(*CODE_ROLES)
def household_code_generate(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new activation code; the live one (if any) is voided. With a live code the
    first post asks to confirm; the confirmed post makes the new code."""
    actor = _actor(request)
    household = selectors.household_get(actor=actor, public_id=public_id)
    live = activation_code_live(household=household)
    form = CodeGenerateForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirm"]
    if live is not None and not confirmed:
        context = {"household": household, "live_code": live}
        return render(request, "backoffice/households/code_confirm.html", context)
    try:
        activation_code_generate(actor=actor, household=household)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if live is not None:
            text = _("A new activation code is made. The previous code no longer works.")
        else:
            text = _("An activation code is made. Print the letters to send it.")
        messages.success(request, text)
    return redirect(_detail_url(household, "activation-title"))


@require_POST
@staff_required(*CODE_ROLES)
def household_code_reveal(request: HttpRequest, public_id: str) -> HttpResponse:
    """Show the live code once, in this response only; the service audits the look."""
    actor = _actor(request)
    household = selectors.household_get(actor=actor, public_id=public_id)
    code = activation_code_reveal(actor=actor, household=household)
    if code is None:
        messages.error(request, _("This household has no valid activation code. Make one first."))
        return redirect(_detail_url(household, "activation-title"))
    context = _detail_context(request, public_id, revealed=code)
    response = render(request, "backoffice/households/detail.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
@staff_required(*CODE_ROLES)
def household_letters(request: HttpRequest, public_id: str) -> HttpResponse:
    """This household's letters as one PDF (number letter, code letter, or both)."""
    actor = _actor(request)
    household = selectors.household_get(actor=actor, public_id=public_id)
    form = LettersForm(request.POST)
    which = form.cleaned_data["which"] if form.is_valid() else LetterKind.BOTH
    try:
        pdf = activation_letters_pdf(actor=actor, households=[household], which=which)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(household, "activation-title"))
    return _pdf_response(pdf, name=_letters_name(which, household.tenant_number))


@require_POST
@staff_required()
def household_task_done(request: HttpRequest, public_id: str, interaction_id: str) -> HttpResponse:
    """Mark the staff task of one of this household's interactions done."""
    actor = _actor(request)
    household = selectors.household_get(actor=actor, public_id=public_id)
    interaction = (
        interactions_for_household(household=household).filter(public_id=interaction_id).first()
    )
    if interaction is None:
        raise Http404("no such interaction")
    if interaction.task_open:
        interaction_task_done(actor=actor, interaction=interaction)
        messages.success(request, _("The task is done."))
    else:
        messages.info(request, _("This task was already done."))
    return redirect(_detail_url(household, "interactions-title"))
