"""The event vocabulary: dotted codes ``<entity>.<past_tense_verb>``.

Each domain app declares its codes in its own ``events.py`` with ``declare``;
the audit trail refuses a code nobody declared, so a typo fails in tests
rather than producing an event no timeline or template listens to.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
_REGISTRY: dict[str, str] = {}


def declare(code: str, description: str) -> str:
    if not _CODE.match(code):
        raise ValueError(f"event code {code!r} is not <entity>.<past_tense_verb>")
    _REGISTRY[code] = description
    return code


def is_declared(code: str) -> bool:
    return code in _REGISTRY


def declared_events() -> dict[str, str]:
    return dict(_REGISTRY)
