"""The demo's repair wizard: the shipped Dutch question tree and anonymous requests on."""

from __future__ import annotations

from meldpunt.common.actors import Actor
from meldpunt.intake.models import QuestionTree, RepairSettings
from meldpunt.intake.repair_tree_admin import repair_settings_update
from meldpunt.intake.repair_tree_io import repair_tree_load_shipped


def seed_repair_wizard(actor: Actor) -> None:
    """Load the shipped tree once and let visitors try ``/repairment`` without an account."""
    if not QuestionTree.objects.exists():
        repair_tree_load_shipped(actor=actor)
    if not RepairSettings.objects.filter(anonymous_enabled=True).exists():
        repair_settings_update(actor=actor, anonymous_enabled=True)
