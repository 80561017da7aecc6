"""The repair tree objects the permission matrix fills URLs with: one tree with every
kind of row, and a second tree whose rows are "someone else's" (404 in the first)."""

from __future__ import annotations

from typing import Any

from meldpunt.common.actors import Actor
from meldpunt.intake.models import ActionCode, Cause, MaintenanceForm, RepairTemplate, Tip
from meldpunt.intake.repair_tree_io import repair_tree_import_json
from meldpunt.intake.tests import tree_sample


def repair_world_values() -> dict[str, Any]:
    tree_sample.contract_elements()
    actor = Actor.system("matrix")
    tree = repair_tree_import_json(actor=actor, data=tree_sample.sample())
    other = repair_tree_import_json(
        actor=actor,
        data={**tree_sample.sample(), "tree": {"code": "other", "name": {"nl": "Ander"}}},
    )
    values: dict[str, Any] = {
        "repair_tree": tree.pk,
        "maintenance_form": MaintenanceForm.objects.get(code="daily").pk,
    }
    rows = (
        ("repair_node", tree.nodes.model, "key", "kitchen-sink"),
        ("repair_template", RepairTemplate, "code", "drain-blocked"),
        ("repair_tip", Tip, "code", "tap-washer"),
        ("repair_cause", Cause, "code", "wear"),
        ("repair_action_code", ActionCode, "code", "tenant-own"),
    )
    for name, model, field, code in rows:
        values[name] = model.objects.get(tree=tree, **{field: code}).pk
        values[f"other_{name}"] = model.objects.get(tree=other, **{field: code}).pk
    return values
