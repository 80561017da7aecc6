"""Rendering a message in its recipient's language with the organization's branding.

The wording of a message is template source written by an administrator (a
``MessageTemplate`` row) or shipped with Meldpunt (``message_defaults/``).
Both are rendered by one locked-down template engine: no files to include or
extend, no tag libraries to load, only a short list of tags and filters, and a
context of plain values. The HTML part is then cleaned by ``nh3`` and placed in
the branded email layout, which is a trusted template of our own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import nh3
from django.template import Context, Engine, Library, Template, defaultfilters, defaulttags
from django.template.base import FilterExpression, Node, NodeList, VariableNode
from django.template.defaulttags import FirstOfNode, IfNode, TemplateLiteral, WithNode
from django.template.loader import render_to_string
from django.template.smartif import TokenBase
from django.utils import translation
from django.utils.safestring import mark_safe

from meldpunt.notifications.messages import (
    MessageKind,
    MessageTexts,
    UnknownMessageKind,
    message_kind,
    shipped_default,
    supported_language,
)
from meldpunt.notifications.models import MessageTemplate, OutboxMessage
from meldpunt.notifications.transports import PermanentDeliveryError, Rendered
from meldpunt.organization.models import Organization
from meldpunt.organization.selectors import organization_current
from meldpunt.organization.theme import effective_colours

logger = logging.getLogger(__name__)

# What a message template may use. Everything else is a syntax error: no
# {% include %}, {% extends %}, {% load %}, {% debug %}, {% url %}, no loops,
# no filters that can build large strings (``add`` doubles a string per nested ``with``).
ALLOWED_TAGS = ("if", "with", "firstof", "comment", "spaceless")
ALLOWED_FILTERS = (
    "capfirst",
    "cut",
    "default",
    "default_if_none",
    "escape",
    "first",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "lower",
    "pluralize",
    "slice",
    "striptags",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "urlencode",
    "urlize",
    "wordcount",
    "yesno",
)

_library = Library()
_library.tags = {name: defaulttags.register.tags[name] for name in ALLOWED_TAGS}
_library.filters = {name: defaultfilters.register.filters[name] for name in ALLOWED_FILTERS}


def _engine(*, debug: bool) -> Engine:
    engine = Engine(
        dirs=[],
        app_dirs=False,
        loaders=[("django.template.loaders.locmem.Loader", {})],
        libraries={},
        builtins=[],
        debug=debug,
    )
    # Replace Django's default builtins (which include the loader tags) with
    # the allowed subset.
    engine.template_builtins = [_library]
    return engine


MESSAGE_ENGINE = _engine(debug=False)
# Compiles an administrator's input so a syntax error comes with its line.
CHECKING_ENGINE = _engine(debug=True)

# The HTML an email body may contain after rendering.
HTML_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "em",
    "h2",
    "h3",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "small",
    "span",
    "strong",
    "u",
    "ul",
}
HTML_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_BUTTON_LINK = re.compile(r'<a\s([^<>]*?)class="button"')


@lru_cache(maxsize=512)
def compile_message_template(source: str) -> Template:
    """Parse once per process; the same source (a default or a saved text) is reused."""
    return MESSAGE_ENGINE.from_string(source)


def check_message_template(source: str) -> Template:
    """Parse an administrator's input; raises ``TemplateSyntaxError`` with ``template_debug``."""
    return CHECKING_ENGINE.from_string(source)


def template_variables(template: Template) -> set[str]:
    """The names a template reads from its context (not those it sets itself)."""
    return set(_names_in(template.nodelist, bound=frozenset()))


def _names_in(nodelist: NodeList, *, bound: frozenset[str]) -> Iterator[str]:
    for node in nodelist:
        yield from _names_in_node(node, bound=bound)
        if isinstance(node, FirstOfNode) and node.asvar:
            bound = bound | {node.asvar}  # {% firstof a b as name %} sets it for what follows


def _names_in_node(node: Node, *, bound: frozenset[str]) -> Iterator[str]:
    if isinstance(node, VariableNode):
        yield from _names_in_expression(node.filter_expression, bound=bound)
    elif isinstance(node, IfNode):
        for condition, nodelist in node.conditions_nodelists:
            if condition is not None:
                yield from _names_in_condition(condition, bound=bound)
            yield from _names_in(nodelist, bound=bound)
    elif isinstance(node, WithNode):
        for expression in node.extra_context.values():
            yield from _names_in_expression(expression, bound=bound)
        yield from _names_in(node.nodelist, bound=bound | set(node.extra_context))
    elif isinstance(node, FirstOfNode):
        for expression in node.vars:
            yield from _names_in_expression(expression, bound=bound)
    else:
        for attribute in node.child_nodelists:
            yield from _names_in(getattr(node, attribute, None) or NodeList(), bound=bound)


def _names_in_condition(condition: Any, *, bound: frozenset[str]) -> Iterator[str]:
    if isinstance(condition, TemplateLiteral):
        yield from _names_in_expression(cast(FilterExpression, condition.value), bound=bound)
    elif isinstance(condition, TokenBase):
        for side in (condition.first, condition.second):
            if side is not None:
                yield from _names_in_condition(side, bound=bound)


def _names_in_expression(expression: FilterExpression, *, bound: frozenset[str]) -> Iterator[str]:
    variables = [expression.var]
    for _filter, arguments in expression.filters:
        variables.extend(argument for is_lookup, argument in arguments if is_lookup)
    for variable in variables:
        lookups = getattr(variable, "lookups", None)
        if lookups and lookups[0] not in bound:
            yield lookups[0]


def clean_html(html: str) -> str:
    """Keep basic formatting, lists and http/https/mailto links; drop everything else."""
    cleaned = nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        allowed_classes={"a": {"button"}},
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def _style_buttons(html: str, *, colour: str) -> str:
    """Give links marked as buttons an inline style: many mail programs ignore <style>."""
    style = (
        f"display:inline-block;padding:10px 18px;background:{colour};color:#ffffff;"
        "border-radius:4px;font-weight:bold;text-decoration:none;"
    )
    return _BUTTON_LINK.sub(rf'<a \1class="button" style="{style}"', html)


@dataclass(frozen=True, slots=True)
class Branding:
    organization: Organization
    colour: str

    @classmethod
    def current(cls) -> Branding:
        organization = organization_current()
        return cls(organization, effective_colours(organization.colours or {})["menu-bg"])


def message_context(
    *, kind: MessageKind, values: Mapping[str, Any], recipient_name: str, branding: Branding
) -> dict[str, Any]:
    """The kind's variables as plain values, plus the automatic ones."""
    context: dict[str, Any] = {name: _plain(values.get(name, "")) for name in kind.variables}
    context["recipient_name"] = recipient_name
    context["organization_name"] = branding.organization.name
    context["organization_phone"] = branding.organization.contact_phone
    return context


def _plain(value: Any) -> str | int | float | bool:
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    return str(value)


def render_subject(source: str, context: Mapping[str, Any]) -> str:
    text = compile_message_template(source).render(Context(context, autoescape=False))
    return " ".join(text.split())


def render_plain(source: str, context: Mapping[str, Any]) -> str:
    """The text body or SMS: no escaping, surrounding blank space removed."""
    return compile_message_template(source).render(Context(context, autoescape=False)).strip()


def render_html(
    source: str, context: Mapping[str, Any], *, branding: Branding, subject: str, language: str
) -> str:
    """The HTML fragment rendered with escaping, cleaned and put in the branded layout."""
    fragment = compile_message_template(source).render(Context(context, autoescape=True))
    body = _style_buttons(clean_html(fragment), colour=branding.colour)
    return render_to_string(
        "notifications/email_base.html",
        {
            "content": mark_safe(body),  # noqa: S308 - cleaned by nh3 just above
            "organization": branding.organization,
            "brand_colour": branding.colour,
            "subject": subject,
            "LANGUAGE_CODE": language,
        },
    )


@dataclass(frozen=True, slots=True)
class RenderedTexts:
    subject: str
    text: str
    html: str
    sms: str


def render_texts(
    texts: MessageTexts,
    context: Mapping[str, Any],
    *,
    branding: Branding,
    language: str,
    parts: frozenset[str] = frozenset({"email", "sms"}),
) -> RenderedTexts:
    """Render the email parts, the SMS text, or both, in ``language``."""
    subject = text = html = sms = ""
    with translation.override(language):
        if "email" in parts:
            subject = render_subject(texts.subject, context)
            text = render_plain(texts.text, context) + "\n"
            html = render_html(
                texts.html, context, branding=branding, subject=subject, language=language
            )
        if "sms" in parts:
            sms = render_plain(texts.sms, context)
    return RenderedTexts(subject=subject, text=text, html=html, sms=sms)


def effective_texts(key: str, language: str) -> tuple[MessageTexts, MessageTemplate | None]:
    """The organization's wording of ``key`` in ``language`` if it has one, else the default.

    A field left empty in the organization's row falls back to the default.
    """
    row = MessageTemplate.objects.filter(key=key, language=language).first()
    return texts_in_force(row, shipped_default(key, language)), row


def texts_in_force(row: MessageTemplate | None, default: MessageTexts) -> MessageTexts:
    """The organization's wording where it has one, field by field, else the default."""
    if row is None:
        return default
    return MessageTexts(
        subject=row.subject or default.subject,
        text=row.body_text or default.text,
        html=row.body_html or default.html,
        sms=row.sms_text or default.sms,
    )


def render_message(message: OutboxMessage) -> Rendered:
    """Subject, text and HTML for email; text alone for SMS and WhatsApp.

    An unknown template key fails the message for good (staff see why in the
    outbox). Should an organization's own wording fail to render, the shipped
    default is used so the message still goes out.
    """
    try:
        kind = message_kind(message.template)
    except UnknownMessageKind as error:
        raise PermanentDeliveryError(f"unknown message template {message.template!r}") from error
    language = supported_language(message.language)
    branding = Branding.current()
    context = message_context(
        kind=kind,
        values=message.context or {},
        recipient_name=message.recipient_name,
        branding=branding,
    )
    parts = frozenset({"email"} if message.channel == "email" else {"sms"})
    texts, row = effective_texts(kind.key, language)
    try:
        rendered = render_texts(texts, context, branding=branding, language=language, parts=parts)
    except Exception:
        if row is None:
            raise
        logger.exception("message template %s: own wording failed, using the default", row)
        rendered = render_texts(
            shipped_default(kind.key, language),
            context,
            branding=branding,
            language=language,
            parts=parts,
        )
    if message.channel == "email":
        return Rendered(subject=rendered.subject, text=rendered.text, html=rendered.html)
    return Rendered(subject="", text=rendered.sms, html="")
