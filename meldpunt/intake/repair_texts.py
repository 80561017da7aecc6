"""The repair wizard's own messages: the admin's wording per language, or the default.

Admins may reword each message per language in the repair wizard settings
(``RepairSettings.texts``: ``{key: {"nl": ..., "en": ..., "nb": ...}}``).
An empty wording falls back to the default below, translated into the
language asked for.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meldpunt.intake.models import LANGUAGES, RepairSettings

REPAIR_TEXT_DEFAULTS: dict[str, Promise] = {
    "intro": _(
        "Report a defect in a few steps: where it is, what is broken, the costs, "
        "photos and how we can reach you. For an emergency such as a gas smell, "
        "a flood or a front door that will not lock, call us right away."
    ),
    "not_specified": _(
        "It has not been specified whether a repair request can be made for this. "
        "Please contact us."
    ),
    "no_request": _("No repair request can be made for this online. Please contact us."),
    "maintenance_form": _(
        "This defect needs a kind of maintenance that does not apply to your home at "
        "the moment. Please contact us."
    ),
    "costs_blocked": _(
        "The costs of this repair would be charged to you, so it cannot be requested "
        "online. Please contact us."
    ),
    "after_deadline": _("The tenant chose a date after the deadline of this repair."),
    "anonymous_off": _(
        "Repair requests without logging in are not possible. Please log in to the "
        "tenant portal to report a repair."
    ),
}

REPAIR_TEXT_LABELS: dict[str, Promise] = {
    "intro": _("Introduction"),
    "not_specified": _("Not specified whether a request applies"),
    "no_request": _("No request can be made"),
    "maintenance_form": _("Maintenance form does not apply"),
    "costs_blocked": _("Costs block the request"),
    "after_deadline": _("Preferred date after the deadline"),
    "anonymous_off": _("Anonymous requests switched off"),
}

REPAIR_TEXT_KEYS: tuple[str, ...] = tuple(REPAIR_TEXT_DEFAULTS)


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "nl")[:2]
    return code if code in LANGUAGES else "nl"


def repair_text_default(key: str, language: str | None = None) -> str:
    """The default wording of one message, translated into ``language`` (else the active one)."""
    default = REPAIR_TEXT_DEFAULTS[key]
    with translation.override(_language(language)):
        return str(default)


def repair_text(
    key: str, language: str | None = None, *, repair_settings: RepairSettings | None = None
) -> str:
    """The wizard's message ``key`` in ``language``: the admin's wording, else the default.

    ``language`` defaults to the active language. Pass ``repair_settings`` when
    the caller already loaded the row, to save the query. An unknown key is a
    programming error and raises ``KeyError``.
    """
    if key not in REPAIR_TEXT_DEFAULTS:
        raise KeyError(key)
    code = _language(language)
    if repair_settings is None:
        repair_settings = RepairSettings.objects.only("texts").first()
    texts = repair_settings.texts if repair_settings is not None else {}
    own = texts.get(key) if isinstance(texts, dict) else None
    if isinstance(own, dict):
        wording = str(own.get(code) or "").strip()
        if wording:
            return wording
    return repair_text_default(key, code)
