"""Limited Markdown for texts admins write and tenants read (SPEC REP-5, A-14).

Allowed: paragraphs, **bold**, *italic*, bullet and numbered lists, line
breaks and named links ``[name](https://…)``. Everything else (raw HTML,
images, headings, tables, code) is shown as plain text or dropped, and the
result is cleaned by nh3 so a link can only point to http(s) or mailto.
Links open in a new tab without handing over this page.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_TAGS = {"p", "strong", "em", "ul", "ol", "li", "a", "br"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True})
    return parser.enable(["emphasis", "list", "link", "newline"])


def markdown_html(source: str) -> SafeString:
    """Render limited Markdown to safe HTML."""
    if not source:
        return mark_safe("")
    rendered = _parser().render(source)
    cleaned = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above
