"""Form widgets shared by the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A single ``<select>`` written in Python instead of one template per option.

    The markup is the same as Django's ``Select``; what changes is the cost: a
    filter bar with a few hundred options (one per complex) takes tens of
    milliseconds through the template engine and well under one here. Option
    groups are supported; multiple selection is not.
    """

    allow_multiple_selected = False

    def _options(self, choices: Any, selected: set[str]) -> str:
        parts: list[str] = []
        for value, label in choices:
            if isinstance(label, (list, tuple)):
                group = self._options(label, selected)
                parts.append(f'<optgroup label="{conditional_escape(value)}">{group}</optgroup>')
                continue
            key = "" if value is None else str(value)
            chosen = " selected" if key in selected else ""
            parts.append(
                f'<option value="{escape(key)}"{chosen}>{conditional_escape(label)}</option>'
            )
        return "".join(parts)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        selected = {next(iter(selected))} if selected else set()
        options = self._options(self.choices, selected)
        # Every value and label above went through escape/conditional_escape.
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308
