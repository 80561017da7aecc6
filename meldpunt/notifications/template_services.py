"""Administrators' own wording of messages (SPEC ADM-SET): reads, checks, writes, preview.

Only administrators read or change message templates. An input is checked
before it is stored: it must parse in the locked-down message engine (see
``rendering``), use only the variables its kind offers, and fill every part the
kind sends. Saving the shipped wording unchanged keeps the default, so later
improvements of the default still reach the organization.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template import TemplateSyntaxError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.notifications import events
from meldpunt.notifications.messages import (
    KINDS,
    Audience,
    MessageKind,
    MessageTexts,
    message_kind,
    message_languages,
    shipped_defaults,
)
from meldpunt.notifications.models import MessageTemplate
from meldpunt.notifications.rendering import (
    ALLOWED_FILTERS,
    ALLOWED_TAGS,
    Branding,
    check_message_template,
    message_context,
    render_texts,
    template_variables,
    texts_in_force,
)
from meldpunt.notifications.transports import Rendered

# Form and model field → the part of ``MessageTexts`` it holds.
FIELDS: dict[str, str] = {
    "subject": "subject",
    "body_html": "html",
    "body_text": "text",
    "sms_text": "sms",
}
SAMPLE_RECIPIENT = _("Anna de Vries")


# --- SMS length ---------------------------------------------------------------

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")  # each takes two of the 160 places


@dataclass(frozen=True, slots=True)
class SmsInfo:
    """How long a text is as an SMS: ``length`` counted the way the network counts it."""

    length: int
    segments: int
    encoding: str  # "GSM-7" or "UCS-2"
    per_segment: int


def sms_info(text: str) -> SmsInfo:
    """Characters and number of SMS parts: GSM-7 160/153, or UCS-2 70/67 (emoji, ë …)."""
    if all(char in _GSM_BASIC or char in _GSM_EXTENSION for char in text):
        length = sum(2 if char in _GSM_EXTENSION else 1 for char in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if length == 0:
        segments = 0
    elif length <= single:
        segments = 1
    else:
        segments = math.ceil(length / part)
    return SmsInfo(
        length=length,
        segments=segments,
        encoding=encoding,
        per_segment=single if segments <= 1 else part,
    )


# --- Checking an administrator's input ---------------------------------------

_INVALID_TAG = re.compile(r"Invalid block tag on line \d+: '([^']+)'")
_INVALID_FILTER = re.compile(r"Invalid filter: '([^']+)'")


def _syntax_message(error: TemplateSyntaxError) -> str:
    line = getattr(error, "template_debug", {}).get("line", 1)
    text = str(error)
    if match := _INVALID_TAG.search(text):
        return gettext(
            "Line %(line)s: the tag “%(tag)s” cannot be used in messages. "
            "Allowed tags: %(allowed)s."
        ) % {"line": line, "tag": match.group(1), "allowed": ", ".join(ALLOWED_TAGS)}
    if match := _INVALID_FILTER.search(text):
        return gettext(
            "Line %(line)s: the filter “%(filter)s” cannot be used in messages. "
            "Allowed filters: %(allowed)s."
        ) % {"line": line, "filter": match.group(1), "allowed": ", ".join(ALLOWED_FILTERS)}
    return gettext("Line %(line)s: %(error)s") % {"line": line, "error": text}


_REQUIRED: dict[str, Promise] = {
    "subject": _("Write a subject: this message is sent by email."),
    "body_html": _("Write the email as it is shown with layout."),
    "body_text": _("Write the plain-text version of the email."),
    "sms_text": _("Write the text for SMS and WhatsApp."),
}


def _required_fields(kind: MessageKind) -> tuple[str, ...]:
    email = ("subject", "body_html", "body_text") if kind.sends_email else ()
    return email + (("sms_text",) if kind.sends_text else ())


def message_template_errors(*, kind: MessageKind, values: dict[str, str]) -> dict[str, list[str]]:
    """What is wrong with ``values`` (field → messages); empty when they can be used."""
    errors: dict[str, list[str]] = {}
    available = set(kind.all_variables)
    for field in FIELDS:
        source = values.get(field, "")
        if not source.strip():
            if field in _required_fields(kind):
                errors[field] = [str(_REQUIRED[field])]
            continue
        try:
            template = check_message_template(source)
        except TemplateSyntaxError as error:
            errors[field] = [_syntax_message(error)]
            continue
        unknown = sorted(template_variables(template) - available)
        if unknown:
            errors[field] = [
                ngettext(
                    "Unknown variable: %(unknown)s. Available: %(available)s.",
                    "Unknown variables: %(unknown)s. Available: %(available)s.",
                    len(unknown),
                )
                % {
                    "unknown": ", ".join(unknown),
                    "available": ", ".join(kind.all_variables),
                }
            ]
    return errors


def _normalised(**values: str) -> dict[str, str]:
    """Line endings as ``\\n`` and no blank space around: how browsers' input is kept."""
    return {field: values[field].replace("\r\n", "\n").strip() for field in FIELDS}


def _texts_as_fields(texts: MessageTexts) -> dict[str, str]:
    return {field: getattr(texts, part).strip() for field, part in FIELDS.items()}


def _admin_only(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied


def _known(key: str, language: str) -> MessageKind:
    kind = message_kind(key)
    if language not in message_languages():
        raise ValueError(f"no message language {language!r}")
    return kind


# --- Writes -------------------------------------------------------------------


def message_template_save(
    *,
    actor: Actor,
    key: str,
    language: str,
    subject: str,
    body_html: str,
    body_text: str,
    sms_text: str,
) -> MessageTemplate | None:
    """Store the organization's wording of one message in one language.

    Administrators only. Raises ``ValidationError`` with messages per field when
    the input cannot be used; nothing is stored then. Input equal to the shipped
    default removes the organization's row instead (and returns ``None``).
    Writes one audit event inside the transaction.
    """
    _admin_only(actor)
    kind = _known(key, language)
    values = _normalised(
        subject=subject, body_html=body_html, body_text=body_text, sms_text=sms_text
    )
    errors = message_template_errors(kind=kind, values=values)
    if errors:
        raise ValidationError(errors)
    if values == _texts_as_fields(shipped_defaults(key)[language]):
        message_template_reset(actor=actor, key=key, language=language)
        return None
    with transaction.atomic():
        row = MessageTemplate.objects.select_for_update().filter(key=key, language=language).first()
        old: dict[str, Any] = {}
        if row is None:
            row = MessageTemplate(key=key, language=language)
        else:
            old = snapshot(row, FIELDS)
        changes = changes_between(old, values)
        if not changes:
            return row
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_by = actor.user
        row.save()
        audit_record(actor=actor, verb=events.MESSAGE_TEMPLATE_CHANGED, obj=row, changes=changes)
    return row


def message_template_reset(*, actor: Actor, key: str, language: str) -> bool:
    """Go back to the shipped wording; True if the organization had its own.

    Administrators only; one audit event with the removed texts.
    """
    _admin_only(actor)
    _known(key, language)
    with transaction.atomic():
        row = MessageTemplate.objects.select_for_update().filter(key=key, language=language).first()
        if row is None:
            return False
        audit_record(
            actor=actor,
            verb=events.MESSAGE_TEMPLATE_RESET,
            obj=row,
            changes={field: {"old": getattr(row, field), "new": None} for field in FIELDS},
        )
        row.delete()
    return True


# --- Preview ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preview(Rendered):
    """A message rendered with sample values: the email parts plus the SMS text."""

    sms: str
    sms_info: SmsInfo


def message_preview(
    *,
    key: str,
    language: str,
    subject: str,
    body_html: str,
    body_text: str,
    sms_text: str,
) -> Preview:
    """Render unsaved input with the kind's sample values; stores nothing.

    Raises ``ValidationError`` (per field) when the input cannot be used.
    """
    kind = _known(key, language)
    values = _normalised(
        subject=subject, body_html=body_html, body_text=body_text, sms_text=sms_text
    )
    errors = message_template_errors(kind=kind, values=values)
    if errors:
        raise ValidationError(errors)
    default = shipped_defaults(key)[language]
    texts = MessageTexts(
        **{
            part: values[field] or getattr(default, part)  # unused parts may stay empty
            for field, part in FIELDS.items()
        }
    )
    branding = Branding.current()
    with translation.override(language):
        context = message_context(
            kind=kind,
            values={name: str(value) for name, value in kind.sample.items()},
            recipient_name=str(SAMPLE_RECIPIENT),
            branding=branding,
        )
    try:
        rendered = render_texts(texts, context, branding=branding, language=language)
    except Exception as error:  # a template that parses but fails on the sample values
        raise ValidationError(
            gettext("The message could not be shown with the sample values: %(error)s")
            % {"error": error}
        ) from error
    return Preview(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sms=rendered.sms,
        sms_info=sms_info(rendered.sms),
    )


# --- Reads --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LanguageState:
    code: str
    name: str
    row: MessageTemplate | None  # None: the shipped default is used


@dataclass(frozen=True, slots=True)
class KindState:
    kind: MessageKind
    languages: list[LanguageState]


@dataclass(frozen=True, slots=True)
class AudienceGroup:
    audience: str
    label: str
    kinds: list[KindState]


def _language_names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}


def message_template_overview(*, actor: Actor) -> list[AudienceGroup]:
    """Every message kind by audience, per language default or customised (one query)."""
    _admin_only(actor)
    rows = {
        (row.key, row.language): row
        for row in MessageTemplate.objects.select_related("updated_by").defer(
            "subject", "body_html", "body_text", "sms_text"
        )
    }
    names = _language_names()
    groups = []
    for audience in Audience:
        kinds = [
            KindState(
                kind=kind,
                languages=[
                    LanguageState(code=code, name=names[code], row=rows.get((kind.key, code)))
                    for code in message_languages()
                ],
            )
            for kind in KINDS
            if kind.audience == audience
        ]
        if kinds:
            groups.append(
                AudienceGroup(audience=audience.value, label=str(audience.label), kinds=kinds)
            )
    return groups


@dataclass(frozen=True, slots=True)
class TemplateDetail:
    kind: MessageKind
    language: str
    texts: MessageTexts  # what is in force: the organization's wording or the default
    row: MessageTemplate | None
    languages: list[LanguageState]

    def initial(self) -> dict[str, str]:
        return _texts_as_fields(self.texts)


def message_template_detail(*, actor: Actor, key: str, language: str) -> TemplateDetail:
    """One message in one language as it is in force now; 404 for an unknown one."""
    _admin_only(actor)
    try:
        kind = _known(key, language)
    except (LookupError, ValueError):
        raise Http404 from None
    rows = {
        row.language: row
        for row in MessageTemplate.objects.filter(key=key).select_related("updated_by")
    }
    row = rows.get(language)
    texts = texts_in_force(row, shipped_defaults(key)[language])
    names = _language_names()
    return TemplateDetail(
        kind=kind,
        language=language,
        texts=texts,
        row=row,
        languages=[
            LanguageState(code=code, name=names[code], row=rows.get(code))
            for code in message_languages()
        ],
    )
