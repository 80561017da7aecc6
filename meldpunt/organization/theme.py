"""The 17 numbered colour slots of the theme (SPEC ADM-GUI) and their CSS names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class ColourSlot:
    number: int
    css_name: str
    label: Promise
    default: str


COLOUR_SLOTS: tuple[ColourSlot, ...] = (
    ColourSlot(1, "menu-bg", _("Menu bar background"), "#12355b"),
    ColourSlot(2, "menu-text", _("Menu bar text"), "#ffffff"),
    ColourSlot(3, "header-bg", _("Header background"), "#ffffff"),
    ColourSlot(4, "header-text", _("Header text"), "#12355b"),
    ColourSlot(5, "text", _("Body text"), "#1d2430"),
    ColourSlot(6, "muted-text", _("Secondary text"), "#4a5565"),
    ColourSlot(7, "page-bg", _("Page background"), "#f4f6f9"),
    ColourSlot(8, "panel-bg", _("Panel background"), "#ffffff"),
    ColourSlot(9, "border", _("Borders and lines"), "#cfd6e0"),
    ColourSlot(10, "button-bg", _("Button background"), "#0b5cad"),
    ColourSlot(11, "button-text", _("Button text"), "#ffffff"),
    ColourSlot(12, "link", _("Links"), "#0b5cad"),
    ColourSlot(13, "progress", _("Progress bar"), "#1a7f4b"),
    ColourSlot(14, "success", _("Success messages"), "#1a7f4b"),
    ColourSlot(15, "warning", _("Warnings"), "#8a5300"),
    ColourSlot(16, "danger", _("Errors"), "#b42318"),
    ColourSlot(17, "footer-bg", _("Footer background"), "#e7ebf1"),
)

DEFAULT_COLOURS: dict[str, str] = {slot.css_name: slot.default for slot in COLOUR_SLOTS}


def validate_colours(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("The colours must be a mapping of slot to colour."))
    known = set(DEFAULT_COLOURS)
    for key, colour in value.items():
        if key not in known:
            raise ValidationError(_("Unknown colour slot: %(slot)s"), params={"slot": key})
        if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
            raise ValidationError(
                _("%(slot)s must be a colour like #12355b."), params={"slot": key}
            )


def effective_colours(stored: dict[str, str]) -> dict[str, str]:
    return {**DEFAULT_COLOURS, **{k: v for k, v in stored.items() if k in DEFAULT_COLOURS}}


def theme_stylesheet(stored: dict[str, str]) -> str:
    """CSS custom properties for the stored colours (defaults fill the gaps)."""
    colours = effective_colours(stored)
    lines = [f"  --colour-{name}: {colour};" for name, colour in colours.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"
