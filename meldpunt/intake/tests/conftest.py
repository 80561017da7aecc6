"""Fixtures for the public report form: the shipped categories, a let home (from the
incident fixtures), an empty home, and uploads stored in a temporary folder."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image

from meldpunt.incidents.tests.conftest import Place, categories, phases, place  # noqa: F401
from meldpunt.intake import repair_tree as repair_tree_module
from meldpunt.intake.models import (
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairSettings,
    RepairTemplate,
    RepairWizard,
    Tip,
    TreeNode,
    Urgency,
)
from meldpunt.intake.selectors import UnitQuery
from meldpunt.intake.wizard import WizardIdentity, wizard_start
from meldpunt.intake.wizard_defect import wizard_defect_choose, wizard_defect_confirm
from meldpunt.intake.wizard_details import (
    wizard_contact_save,
    wizard_costs_accept,
    wizard_photos_save,
)
from meldpunt.intake.wizard_object import wizard_identify
from meldpunt.properties.models import Unit
from tests.factories import ContractElementFactory, UnitFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def empty_unit(place: Place) -> Unit:  # noqa: F811
    """Merelstraat 12-B: the neighbour of ``place``, not let to anyone."""
    return UnitFactory(
        complex=place.complex,
        code="VOG-012B",
        street="Merelstraat",
        house_number=12,
        house_number_addition="B",
        postcode="3521KL",
        city="Utrecht",
    )


def jpeg_bytes(
    size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (200, 0, 0)
) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="JPEG")
    return output.getvalue()


# ---------------------------------------------------------------- the repair wizard


@dataclass
class RepairTreeParts:
    """A small question tree built with the models, keyed like the shipped tree."""

    tree: QuestionTree
    nodes: dict[str, TreeNode]
    templates: dict[str, RepairTemplate]
    tips: dict[str, Tip]
    causes: dict[str, Cause]
    actions: dict[str, ActionCode]
    forms: dict[str, MaintenanceForm]


def repair_tree_build(code: str = "standard") -> RepairTreeParts:
    """Kitchen (tap, cupboard, water pressure), bathroom (tap, mirror), hall (doorbell),
    living room (radiator) and, for common areas, a stairwell; one leaf per REP-4 outcome:

    - ``kitchen-tap-leaking`` → ``tap-leaking`` (a tip, covered by the service
      subscription, 3 working days, appointment, draft work order);
    - ``kitchen-tap-stiff`` → ``tap-stiff`` (charged to the tenant, no visit, no order);
    - ``kitchen-cupboard-door-loose`` → ``cupboard-door`` (causes; tenant maintenance element);
    - ``kitchen-cupboard-door-handle`` → action code with a message (REP-4b);
    - ``hall-doorbell-button-broken`` → action code without a message (REP-4c);
    - ``bathroom-mirror-glass-broken`` → nothing (REP-4c);
    - ``living-heating-radiator-cold`` → ``heating-cold`` (planned maintenance only, REP-4d;
      an inspection decides, so no costs step);
    - ``kitchen-water-pressure-low`` → ``pump-pressure`` (on the pump common area, REP-4e);
    - ``stairwell-light-lamp-broken`` → ``stair-light`` (common areas only).
    """
    # Frozen trees are cached per process by tree id and revision; a rolled-back test
    # database hands out the same ids again, so start from an empty cache.
    repair_tree_module._CACHE.clear()
    tree = QuestionTree.objects.create(
        code=code, name_nl="Standaard", name_en="Standard", is_default=code == "standard"
    )
    forms = {
        "daily": MaintenanceForm.objects.get_or_create(
            code="daily", defaults={"name_nl": "Dagelijks onderhoud"}
        )[0],
        "planned": MaintenanceForm.objects.get_or_create(
            code="planned", defaults={"name_nl": "Planmatig onderhoud"}
        )[0],
    }
    tips = {
        "tap-washer": Tip.objects.create(
            tree=tree,
            code="tap-washer",
            title_nl="Draai de kraan goed dicht",
            title_en="Close the tap firmly",
            body_nl="Draai de kraan **stevig** dicht.\n\n- Druppelt hij nog? Dan is het leertje op",
            body_en="Turn the tap off **firmly**.\n\n- Still dripping? Then the washer is worn.",
            video_url="https://video.example.org/kraan",
        ),
    }
    causes = {
        "wear": Cause.objects.create(
            tree=tree, code="wear", name_nl="Slijtage", name_en="Wear and tear"
        ),
        "damage": Cause.objects.create(
            tree=tree,
            code="damage",
            name_nl="Beschadigd door bewoner",
            name_en="Damaged by the occupant",
            charged_to_tenant=True,
        ),
    }
    actions = {
        "tenant-own": ActionCode.objects.create(
            tree=tree,
            code="tenant-own",
            message_nl="Dit repareert u zelf.",
            message_en="You repair this yourself; a new handle is sold at any DIY shop.",
        ),
        "silent": ActionCode.objects.create(tree=tree, code="silent"),
    }

    def template(code: str, nl: str, en: str, **values: Any) -> RepairTemplate:
        elements = values.pop("contract_elements", [])
        template_forms = values.pop("forms", [])
        template_tips = values.pop("tips", [])
        template_causes = values.pop("causes", [])
        made = RepairTemplate.objects.create(
            tree=tree, code=code, description_nl=nl, description_en=en, **values
        )
        made.contract_elements.set(elements)
        made.maintenance_forms.set(template_forms)
        made.tips.set(template_tips)
        made.causes.set(template_causes)
        return made

    tenant_maintenance = ContractElementFactory(
        code="tenant-maintenance", name="Onderhoudsabonnement"
    )
    templates = {
        "tap-leaking": template(
            "tap-leaking",
            "We vervangen het leertje of de lekkende kraan.",
            "We replace the washer or the leaking tap.",
            urgency=Urgency.THREE_DAYS,
            cost=Decimal("45.00"),
            covered_by_service_subscription=True,
            tips=[tips["tap-washer"]],
        ),
        "tap-stiff": template(
            "tap-stiff",
            "We maken de kraan weer soepel.",
            "We make the tap turn smoothly again.",
            cost=Decimal("30.00"),
            charged_to_tenant=True,
            appointment_required=False,
            creates_work_order=False,
        ),
        "cupboard-door": template(
            "cupboard-door",
            "We zetten het deurtje weer vast.",
            "We fix the cupboard door.",
            cost=Decimal("25.00"),
            contract_elements=[tenant_maintenance],
            causes=[causes["wear"], causes["damage"]],
            appointment_required=False,
        ),
        "heating-cold": template(
            "heating-cold",
            "Een monteur komt kijken wat er met de radiator is.",
            "A mechanic comes to see what is wrong with the radiator.",
            urgency=Urgency.DAY,
            inspection_required=True,
            forms=[forms["planned"]],
        ),
        "pump-pressure": template(
            "pump-pressure",
            "We controleren de hydrofoorpomp.",
            "We check the booster pump.",
            common_area_kind="pump",
            appointment_required=False,
        ),
        "stair-light": template(
            "stair-light",
            "We vervangen de lamp in het trappenhuis.",
            "We replace the lamp in the stairwell.",
            appointment_required=False,
        ),
    }
    nodes: dict[str, TreeNode] = {}

    def add(key: str, parent: str | None, nl: str, en: str, **values: Any) -> None:
        level = nodes[parent].level + 1 if parent else TreeNode.Level.ROOM
        nodes[key] = TreeNode.objects.create(
            tree=tree,
            key=key,
            parent=nodes[parent] if parent else None,
            level=level,
            name_nl=nl,
            name_en=en,
            **values,
        )

    add("kitchen", None, "Keuken", "Kitchen", icon="kitchen")
    add("kitchen-tap", "kitchen", "Kraan", "Tap", keywords_nl="mengkraan", icon="tap")
    add("kitchen-tap-spout", "kitchen-tap", "Uitloop", "Spout")
    add(
        "kitchen-tap-leaking",
        "kitchen-tap-spout",
        "Lekt",
        "Leaking",
        template=templates["tap-leaking"],
    )
    add(
        "kitchen-tap-stiff",
        "kitchen-tap-spout",
        "Zit vast",
        "Stiff",
        template=templates["tap-stiff"],
    )
    add("kitchen-cupboard", "kitchen", "Keukenkastje", "Kitchen cupboard")
    add("kitchen-cupboard-door", "kitchen-cupboard", "Deurtje", "Door")
    add(
        "kitchen-cupboard-door-loose",
        "kitchen-cupboard-door",
        "Hangt los",
        "Hangs loose",
        template=templates["cupboard-door"],
    )
    add(
        "kitchen-cupboard-door-handle",
        "kitchen-cupboard-door",
        "Greep kapot",
        "Handle broken",
        action_code=actions["tenant-own"],
    )
    add("kitchen-water", "kitchen", "Water", "Water")
    add("kitchen-water-pressure", "kitchen-water", "Waterdruk", "Water pressure")
    add(
        "kitchen-water-pressure-low",
        "kitchen-water-pressure",
        "Te laag",
        "Too low",
        template=templates["pump-pressure"],
    )
    add("bathroom", None, "Badkamer", "Bathroom", icon="bath")
    add("bathroom-tap", "bathroom", "Kraan", "Tap")
    add("bathroom-tap-mixer", "bathroom-tap", "Mengkraan", "Mixer tap")
    add(
        "bathroom-tap-mixer-leaking",
        "bathroom-tap-mixer",
        "Lekt",
        "Leaking",
        template=templates["tap-leaking"],
    )
    add("bathroom-mirror", "bathroom", "Spiegel", "Mirror")
    add("bathroom-mirror-glass", "bathroom-mirror", "Glas", "Glass")
    add("bathroom-mirror-glass-broken", "bathroom-mirror-glass", "Gebroken", "Broken")
    add("hall", None, "Hal", "Hall")
    add("hall-doorbell", "hall", "Deurbel", "Doorbell")
    add("hall-doorbell-button", "hall-doorbell", "Knop", "Button")
    add(
        "hall-doorbell-button-broken",
        "hall-doorbell-button",
        "Werkt niet",
        "Does not work",
        action_code=actions["silent"],
    )
    add("living", None, "Woonkamer", "Living room")
    add("living-heating", "living", "Verwarming", "Heating")
    add("living-heating-radiator", "living-heating", "Radiator", "Radiator")
    add(
        "living-heating-radiator-cold",
        "living-heating-radiator",
        "Blijft koud",
        "Stays cold",
        template=templates["heating-cold"],
    )
    add("stairwell", None, "Trappenhuis", "Stairwell", scope=TreeNode.Scope.COMMON_AREA)
    add("stairwell-light", "stairwell", "Verlichting", "Lighting")
    add("stairwell-light-lamp", "stairwell-light", "Lamp", "Lamp")
    add(
        "stairwell-light-lamp-broken",
        "stairwell-light-lamp",
        "Kapot",
        "Broken",
        template=templates["stair-light"],
    )
    return RepairTreeParts(
        tree=tree,
        nodes=nodes,
        templates=templates,
        tips=tips,
        causes=causes,
        actions=actions,
        forms=forms,
    )


@pytest.fixture
def repair_tree(db) -> RepairTreeParts:  # type: ignore[no-untyped-def]
    return repair_tree_build()


@pytest.fixture
def repair_on(db) -> RepairSettings:  # type: ignore[no-untyped-def]
    """The wizard's settings with anonymous requests switched on."""
    repair_settings = RepairSettings.objects.first() or RepairSettings()
    repair_settings.anonymous_enabled = True
    repair_settings.save()
    return repair_settings


class WizardWalk:
    """Drives a pass through the wizard's services, step by step, for the service tests."""

    def __init__(self, home: Place) -> None:
        self.place = home

    def start(self, identity: WizardIdentity | None = None, language: str = "en") -> RepairWizard:
        return wizard_start(identity=identity or WizardIdentity.anonymous(), language=language)

    def identified(self, wizard: RepairWizard | None = None, **query: str) -> RepairWizard:
        wizard = wizard or self.start()
        values = {"postcode": "3521KL", "house_number": "12", "addition": "A", **query}
        return wizard_identify(wizard=wizard, query=UnitQuery(**values))

    def chosen(self, key: str, wizard: RepairWizard | None = None, query: str = "") -> RepairWizard:
        wizard = wizard or self.identified()
        return wizard_defect_choose(wizard=wizard, node_key=key, query=query)

    def confirmed(
        self, key: str = "kitchen-tap-leaking", cause: str = "", wizard: RepairWizard | None = None
    ) -> RepairWizard:
        wizard = self.chosen(key, wizard=wizard)
        return wizard_defect_confirm(wizard=wizard, node_key=key, cause_code=cause)

    def ready(
        self,
        key: str = "kitchen-tap-leaking",
        cause: str = "",
        wizard: RepairWizard | None = None,
        description: str = "Het druppelt al een week.",
        **contact: str,
    ) -> RepairWizard:
        """All steps up to the summary done; costs agreed when they apply."""
        wizard = self.confirmed(key, cause=cause, wizard=wizard)
        if wizard.state["costs"]["shown"]:
            wizard_costs_accept(wizard=wizard, consent=True)
        wizard_photos_save(wizard=wizard, description=description)
        values = {"name": "Ayşe Yılmaz", "email": "ayse@example.net", "phone": "06 12345678"}
        values.update(contact)
        wizard_contact_save(wizard=wizard, identity=WizardIdentity.anonymous(), **values)
        return wizard


@pytest.fixture
def walk(place: Place, repair_tree: RepairTreeParts, repair_on: RepairSettings) -> WizardWalk:  # noqa: F811
    return WizardWalk(place)
