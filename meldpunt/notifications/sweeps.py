"""Periodic catch-up jobs run by ``manage.py notifications_sweep``.

The outbox sweep is built in; apps above this one add their own (work-order
reminders, say) from their ``AppConfig.ready`` with ``sweep_register``, so
one long-running command covers every deferred message without this app
knowing about theirs.
"""

from __future__ import annotations

from collections.abc import Callable

Sweep = Callable[[], int]
_SWEEPS: dict[str, Sweep] = {}


def sweep_register(name: str, sweep: Sweep) -> None:
    """Run ``sweep`` on every pass; it returns how many things it handled."""
    _SWEEPS[name] = sweep


def registered_sweeps() -> dict[str, Sweep]:
    return dict(_SWEEPS)
