"""Activation letters as PDF, for print and mail-merge (SPEC ACC-1).

Per household two letters, each one A4 page for a window envelope: letter A
carries the tenant number and the portal's address, letter B the activation
code and its expiry date — never together, so one intercepted letter is not
enough to make someone else's account.

Households have no language of their own: the letters follow the
organization's country (Norway → Norwegian Bokmål, else Dutch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from meldpunt.accounts import activation_events as events
from meldpunt.accounts.activation import activation_code_generate, activation_code_live
from meldpunt.accounts.models import ActivationCode
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url
from meldpunt.organization.models import Organization
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Household

WHICH = ("both", "number", "code")


def _weasyprint() -> Any:
    """WeasyPrint, imported when letters are first printed (it is heavy).

    Importing it switches on Pillow's global "load truncated images", which
    would let damaged photos through the upload check; the setting is put back.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint
    import weasyprint.images  # sets it when loaded; weasyprint loads it on first use

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


@dataclass(frozen=True, slots=True)
class Letter:
    household: Household
    code: ActivationCode | None  # set for letter B only


def letters_language(organization: Organization) -> str:
    return "nb" if organization.country == Organization.Country.NORWAY else "nl"


def _letters_prepare(
    *, actor: Actor, households: Sequence[Household], which: str, now: datetime
) -> list[Letter]:
    """The letters to print, in household order: codes made where needed, printing recorded."""
    letters: list[Letter] = []
    with transaction.atomic():
        for household in households:
            code = None
            if which in ("both", "code"):
                code = activation_code_live(household=household, now=now)
                if code is None:
                    code = activation_code_generate(actor=actor, household=household, now=now)
                ActivationCode.objects.filter(pk=code.pk).update(
                    letters_printed_at=now, updated_at=now
                )
                code.letters_printed_at = now
            if which in ("both", "number"):
                letters.append(Letter(household=household, code=None))
            if code is not None:
                letters.append(Letter(household=household, code=code))
            audit_record(
                actor=actor,
                verb=events.ACTIVATION_LETTER_PRINTED,
                obj=household,
                changes={"letters": {"old": None, "new": which}},
            )
    return letters


def activation_letters_html(
    *,
    actor: Actor,
    households: Sequence[Household],
    which: str = "both",
    now: datetime | None = None,
) -> str:
    """The letters as one HTML document (one page per letter); records the printing."""
    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}, not {which!r}")
    now = now or timezone.now()
    organization = organization_current()
    letters = _letters_prepare(actor=actor, households=households, which=which, now=now)
    with translation.override(letters_language(organization)):
        return render_to_string(
            "letters/activation.html",
            {
                "organization": organization,
                "letters": letters,
                "portal_url": absolute_url(reverse("portal:activate")),
                "today": timezone.localdate(now),
            },
        )


def activation_letters_pdf(
    *,
    actor: Actor,
    households: Sequence[Household],
    which: str = "both",
    now: datetime | None = None,
) -> bytes:
    """The letters as one PDF: per household letter A (tenant number + portal address)
    and/or letter B (activation code + expiry), each on its own A4 page.

    ``which`` is "both", "number" (A only) or "code" (B only). A household without a
    live code gets one when a code letter is asked for. Audited per household.
    """
    weasyprint = _weasyprint()
    html = activation_letters_html(actor=actor, households=households, which=which, now=now)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    pdf: bytes = document.write_pdf()
    return pdf
