from __future__ import annotations

from typing import Any

from django import template

from meldpunt.portal.menu import MenuItem
from meldpunt.portal.menu import portal_menu as build_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_menu(context: dict[str, Any]) -> list[MenuItem]:
    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return []
    return build_menu(request)
