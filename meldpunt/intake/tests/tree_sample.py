"""A small but complete repair tree in the exchange format, for the import, admin and
analytics tests; and a generator of a large one for the speed test."""

from __future__ import annotations

import copy
from typing import Any

from meldpunt.tenancy.models import ContractElement


def texts(nl: str, en: str = "", nb: str = "") -> dict[str, str]:
    return {"nl": nl, "en": en, "nb": nb}


def node(
    key: str, nl: str, en: str = "", *, children: list[dict] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "name": texts(nl, en, extra.pop("nb", "")),
        "icon": extra.pop("icon", ""),
        "keywords": extra.pop("keywords", texts("")),
        "scope": extra.pop("scope", ""),
        "template": extra.pop("template", None),
        "action_code": extra.pop("action_code", None),
        "tips": extra.pop("tips", []),
        "causes": extra.pop("causes", []),
        "children": children or [],
    }


def template(code: str, nl: str, en: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "description": texts(nl, en, extra.pop("nb", "")),
        "urgency": extra.pop("urgency", ""),
        "appointment_required": extra.pop("appointment_required", True),
        "inspection_required": extra.pop("inspection_required", False),
        "maintenance_forms": extra.pop("maintenance_forms", []),
        "cost": extra.pop("cost", "0.00"),
        "vat_rate": extra.pop("vat_rate", "21"),
        "charged_to_tenant": extra.pop("charged_to_tenant", False),
        "covered_by_service_subscription": extra.pop("covered_by_service_subscription", False),
        "contract_elements": extra.pop("contract_elements", []),
        "common_area_kind": extra.pop("common_area_kind", ""),
        "creates_work_order": extra.pop("creates_work_order", True),
        "tips": extra.pop("tips", []),
        "causes": extra.pop("causes", []),
    }


SAMPLE: dict[str, Any] = {
    "format": "meldpunt.repair-tree",
    "version": 1,
    "tree": {"code": "standard", "name": texts("Standaard", "Standard", "Standard")},
    "maintenance_forms": [
        {"code": "daily", "name": texts("Dagelijks onderhoud", "Daily maintenance")},
        {"code": "demolition", "name": texts("Sloop", "Demolition")},
    ],
    "causes": [
        {"code": "damage", "name": texts("Beschadigd", "Damaged"), "charged_to_tenant": True},
        {"code": "wear", "name": texts("Slijtage", "Wear"), "charged_to_tenant": False},
    ],
    "tips": [
        {
            "code": "drain-plunger",
            "title": texts("Gebruik een ontstopper", "Use a plunger"),
            "body": texts("Giet **heet water** en gebruik een ontstopper.", "Pour *hot* water."),
            "video_url": "https://video.example.org/ontstoppen",
        },
        {
            "code": "tap-washer",
            "title": texts("Draai de kraan stevig dicht", "Close the tap firmly"),
            "body": texts("- Draai de kraan dicht\n- Wacht een minuut", "- Close the tap"),
            "video_url": "",
        },
    ],
    "action_codes": [
        {"code": "no-message", "message": texts("")},
        {
            "code": "tenant-own",
            "message": texts("Dit herstelt u zelf.", "You repair this yourself."),
        },
    ],
    "templates": [
        template(
            "drain-blocked",
            "Wij ontstoppen de afvoer.",
            "We unblock the drain.",
            urgency="3d",
            cost="45.00",
            covered_by_service_subscription=True,
            contract_elements=["service-costs"],
            tips=["drain-plunger"],
            causes=["damage", "wear"],
        ),
        template(
            "lift-broken",
            "Wij laten de lift repareren.",
            "We have the lift repaired.",
            urgency="24h",
            appointment_required=False,
            common_area_kind="lift",
        ),
        template(
            "tap-leaking",
            "Wij vervangen het kraanleertje.",
            "We replace the tap washer.",
            urgency="1w",
            maintenance_forms=["daily"],
            tips=["tap-washer"],
        ),
    ],
    "nodes": [
        node(
            "garden",
            "Tuin",
            "Garden",
            icon="garden",
            children=[
                node(
                    "garden-fence",
                    "Schutting",
                    "Fence",
                    children=[
                        node(
                            "garden-fence-post",
                            "Paal",
                            "Post",
                            children=[
                                node(
                                    "garden-fence-post-rotten",
                                    "Rot",
                                    "Rotten",
                                    action_code="tenant-own",
                                ),
                            ],
                        )
                    ],
                )
            ],
        ),
        node(
            "kitchen",
            "Keuken",
            "Kitchen",
            icon="kitchen",
            keywords=texts("aanrecht spoelbak", "sink"),
            children=[
                node(
                    "kitchen-sink",
                    "Aanrecht",
                    "Sink",
                    children=[
                        node(
                            "kitchen-drain",
                            "Afvoer",
                            "Drain",
                            children=[
                                node(
                                    "kitchen-drain-blocked",
                                    "Verstopt",
                                    "Blocked",
                                    template="drain-blocked",
                                ),
                            ],
                        ),
                        node(
                            "kitchen-tap",
                            "Kraan",
                            "Tap",
                            children=[
                                node(
                                    "kitchen-tap-dripping",
                                    "Druppelt",
                                    "Dripping",
                                    tips=["tap-washer"],
                                    children=[
                                        node(
                                            "kitchen-tap-dripping-base",
                                            "Bij de voet",
                                            "At the base",
                                        ),
                                        node(
                                            "kitchen-tap-dripping-spout",
                                            "Uit de tuit",
                                            "From the spout",
                                            template="tap-leaking",
                                            causes=["wear"],
                                        ),
                                    ],
                                ),
                            ],
                        ),
                    ],
                )
            ],
        ),
        node(
            "stairwell",
            "Trappenhuis",
            "Stairwell",
            scope="common_area",
            children=[
                node(
                    "stairwell-lift",
                    "Lift",
                    "Lift",
                    children=[
                        node(
                            "stairwell-lift-car",
                            "Liftkooi",
                            "Lift car",
                            children=[
                                node(
                                    "stairwell-lift-stuck",
                                    "Staat stil",
                                    "Stuck",
                                    template="lift-broken",
                                    action_code=None,
                                ),
                            ],
                        )
                    ],
                )
            ],
        ),
    ],
}


def sample() -> dict[str, Any]:
    """A fresh copy, so a test may change it."""
    return copy.deepcopy(SAMPLE)


def contract_elements() -> None:
    """The contract elements the sample names (and one more)."""
    for code, name in (("service-costs", "Servicekosten"), ("net-rent", "Kale huur")):
        ContractElement.objects.get_or_create(code=code, defaults={"name": name})


def large(rooms: int = 12, elements: int = 3, components: int = 3, defects: int = 3) -> dict:
    """A tree about the size of the shipped one.

    12 rooms, each with 3 elements of 3 components of 3 defects: 324 leaves.
    """
    data = sample()
    data["nodes"] = []
    data["templates"] = []
    for r in range(rooms):
        room = node(f"room-{r}", f"Ruimte {r}", f"Room {r}", icon="room")
        for e in range(elements):
            element = node(f"room-{r}-el-{e}", f"Element {e}", f"Element {e}")
            for c in range(components):
                component = node(f"room-{r}-el-{e}-co-{c}", f"Onderdeel {c}", f"Part {c}")
                for d in range(defects):
                    code = f"t-{r}-{e}-{c}-{d}"
                    data["templates"].append(
                        template(
                            code,
                            f"Wij herstellen gebrek {d} van onderdeel {c}.",
                            f"We repair defect {d} of part {c}.",
                            cost=f"{d * 10}.50",
                            tips=["tap-washer"],
                            causes=["wear", "damage"],
                            contract_elements=["service-costs"] if d == 1 else [],
                        )
                    )
                    component["children"].append(
                        node(
                            f"room-{r}-el-{e}-co-{c}-de-{d}",
                            f"Gebrek {d}",
                            f"Defect {d}",
                            template=code,
                            keywords=texts("lek kapot", "leak broken"),
                        )
                    )
                element["children"].append(component)
            room["children"].append(element)
        data["nodes"].append(room)
    return data
