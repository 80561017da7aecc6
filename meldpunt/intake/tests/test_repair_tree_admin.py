"""The administrators' services for the repair tree, its content and the wizard's
settings: their rules, their audit rows and the tree's revision."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.intake import repair_tree_admin as services
from meldpunt.intake.models import (
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairSettings,
    RepairTemplate,
    Tip,
    TreeNode,
)
from meldpunt.intake.repair_texts import REPAIR_TEXT_KEYS, repair_text, repair_text_default
from meldpunt.intake.repair_tree_io import repair_tree_import_json
from meldpunt.intake.tests import tree_sample
from meldpunt.tenancy.models import ContractElement
from tests.factories import UnitFactory, UnitTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin() -> Actor:
    return Actor.staff(UserFactory(role=StaffRole.ADMIN))


@pytest.fixture
def tree(db) -> QuestionTree:
    tree_sample.contract_elements()
    return repair_tree_import_json(actor=Actor.system("test"), data=tree_sample.sample())


def _node(tree: QuestionTree, key: str) -> TreeNode:
    return TreeNode.objects.get(tree=tree, key=key)


def _revision(tree: QuestionTree) -> int:
    tree.refresh_from_db()
    return tree.revision


def _verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


# ---------------------------------------------------------------- trees


def test_a_tree_is_made_with_a_unique_code(admin):
    tree = services.tree_create(actor=admin, code="flats", name_nl=" Flats ")
    assert tree.name_nl == "Flats"
    with pytest.raises(ValidationError) as caught:
        services.tree_create(actor=admin, code="flats", name_nl="Weer")
    assert caught.value.message_dict == {"code": ["Another tree already has this code."]}
    with pytest.raises(ValidationError) as caught:
        services.tree_create(actor=admin, code="met spatie", name_nl="")
    assert set(caught.value.message_dict) == {"code", "name_nl"}
    assert _verbs() == ["repair_tree.saved"]


def test_a_unit_type_uses_one_tree(admin, tree):
    apartment = UnitTypeFactory(code="apartment", name="Apartment")
    garage = UnitTypeFactory(code="garage", name="Garage")
    other = services.tree_create(actor=admin, code="flats", name_nl="Flats")
    services.tree_update(actor=admin, tree=other, name_nl="Flats", unit_types=[apartment, garage])
    revision = _revision(tree)
    names = {"name_nl": "Standaard", "name_en": "Standard", "name_nb": "Standard"}
    services.tree_update(actor=admin, tree=tree, **names, unit_types=[apartment])
    assert list(tree.unit_types.all()) == [apartment]
    assert list(other.unit_types.all()) == [garage]
    assert _revision(tree) == revision  # nothing the wizard reads changed
    names["name_nl"] = "Standaardboom"
    services.tree_update(actor=admin, tree=tree, **names, unit_types=[apartment])
    assert _revision(tree) == revision + 1


def test_one_tree_is_the_default(admin, tree):
    other = services.tree_create(actor=admin, code="flats", name_nl="Flats")
    services.tree_set_default(actor=admin, tree=tree)
    services.tree_set_default(actor=admin, tree=other)
    assert list(QuestionTree.objects.filter(is_default=True)) == [other]
    event = AuditEvent.objects.filter(verb="repair_tree.default_set").order_by("pk").last()
    assert event.changes == {"is_default": {"old": "standard", "new": "flats"}}


# ---------------------------------------------------------------- options


def test_an_option_is_added_one_level_below_its_parent(admin, tree):
    revision = _revision(tree)
    sink = _node(tree, "kitchen-sink")
    node = services.node_create(
        actor=admin, tree=tree, parent=sink, name_nl="Kastje", name_en="Cupboard"
    )
    assert node.level == 3
    assert node.key == "kitchen-sink-kastje"
    assert _revision(tree) == revision + 1
    assert _verbs()[-1] == "tree_node.saved"
    again = services.node_create(actor=admin, tree=tree, parent=sink, name_nl="Kastje")
    assert again.key == "kitchen-sink-kastje-2"
    room = services.node_create(actor=admin, tree=tree, parent=None, name_nl="Zolder", key="attic")
    assert room.level == 1 and room.key == "attic"


def test_no_option_goes_below_level_five(admin, tree):
    spout = _node(tree, "kitchen-tap-dripping-spout")
    services.node_update(actor=admin, node=spout, template=None)
    with pytest.raises(ValidationError) as caught:
        services.node_create(actor=admin, tree=tree, parent=spout, name_nl="Te diep")
    assert caught.value.messages == ["Options cannot go deeper than level 5 (specification)."]


def test_an_option_with_an_outcome_gets_no_options_below_it(admin, tree):
    with pytest.raises(ValidationError) as caught:
        services.node_create(
            actor=admin, tree=tree, parent=_node(tree, "kitchen-drain-blocked"), name_nl="Erg"
        )
    assert "leads to a template or action code" in caught.value.messages[0]


def test_an_option_key_is_unique_in_its_tree(admin, tree):
    with pytest.raises(ValidationError) as caught:
        services.node_create(actor=admin, tree=tree, parent=None, name_nl="Keuken", key="kitchen")
    assert caught.value.message_dict == {
        "key": ["Another option of this tree already has this key."]
    }


def test_the_outcome_rules_of_an_option(admin, tree):
    blocked = _node(tree, "kitchen-drain-blocked")
    action = ActionCode.objects.get(tree=tree, code="tenant-own")
    with pytest.raises(ValidationError) as caught:
        services.node_update(actor=admin, node=blocked, action_code=action)
    assert "action_code" in caught.value.message_dict
    template = RepairTemplate.objects.get(tree=tree, code="tap-leaking")
    with pytest.raises(ValidationError) as caught:
        services.node_update(actor=admin, node=_node(tree, "kitchen-tap"), template=template)
    assert "template" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.node_update(actor=admin, node=_node(tree, "kitchen-tap"), scope="common_area")
    assert caught.value.message_dict == {"scope": ["Only rooms can be limited to common areas."]}
    blocked.refresh_from_db()
    assert blocked.action_code is None and blocked.template.code == "drain-blocked"


def test_an_option_takes_tips_and_causes_of_its_own_tree_only(admin, tree):
    other = repair_tree_import_json(
        actor=admin, data={**tree_sample.sample(), "tree": {"code": "other", "name": {"nl": "A"}}}
    )
    foreign = Tip.objects.get(tree=other, code="tap-washer")
    node = _node(tree, "kitchen-drain-blocked")
    with pytest.raises(ValidationError):
        services.node_update(actor=admin, node=node, tips=[foreign])
    own = Tip.objects.get(tree=tree, code="drain-plunger")
    services.node_update(actor=admin, node=node, tips=[own], name_nl="Helemaal verstopt")
    node.refresh_from_db()
    assert list(node.tips.all()) == [own]
    changes = AuditEvent.objects.order_by("pk").last().changes
    assert changes["tips"] == {"old": [], "new": ["drain-plunger"]}


def test_removing_an_option_takes_its_subtree(admin, tree):
    revision = _revision(tree)
    removed = services.node_delete(actor=admin, node=_node(tree, "kitchen-sink"))
    assert removed == 7
    assert not TreeNode.objects.filter(tree=tree, key__startswith="kitchen-").exists()
    assert TreeNode.objects.filter(tree=tree, key="kitchen").exists()
    assert _revision(tree) == revision + 1
    assert AuditEvent.objects.order_by("pk").last().changes["removed"] == {"old": 7, "new": 0}


# ---------------------------------------------------------------- templates and the rest


def test_a_template_is_saved_with_its_links(admin, tree):
    revision = _revision(tree)
    template = services.template_save(
        actor=admin,
        tree=tree,
        code="door-stuck",
        description_nl="Wij stellen de deur af.",
        urgency="1w",
        cost=Decimal("12.50"),
        vat_rate=Decimal("9"),
        contract_elements=ContractElement.objects.filter(code="service-costs"),
        tips=Tip.objects.filter(tree=tree, code="tap-washer"),
        causes=Cause.objects.filter(tree=tree),
        maintenance_forms=MaintenanceForm.objects.filter(code="daily"),
    )
    assert template.cost == Decimal("12.50")
    assert sorted(template.causes.values_list("code", flat=True)) == ["damage", "wear"]
    assert _revision(tree) == revision + 1
    services.template_save(
        actor=admin, tree=tree, template=template, description_nl="Wij schaven de deur bij."
    )
    template.refresh_from_db()
    assert template.description_nl == "Wij schaven de deur bij."
    assert template.urgency == "1w"  # untouched fields stay
    event = AuditEvent.objects.order_by("pk").last()
    assert event.verb == "repair_template.saved"
    assert event.changes == {
        "description_nl": {"old": "Wij stellen de deur af.", "new": "Wij schaven de deur bij."}
    }


def test_a_template_is_checked_before_it_is_saved(admin, tree):
    with pytest.raises(ValidationError) as caught:
        services.template_save(
            actor=admin,
            tree=tree,
            code="tap-leaking",
            description_nl="",
            cost=Decimal("-1"),
            vat_rate=Decimal("150"),
        )
    assert {"description_nl", "cost", "vat_rate"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        services.template_save(actor=admin, tree=tree, code="tap-leaking", description_nl="x")
    assert caught.value.message_dict == {
        "code": ["Another item of this tree already has this code."]
    }


def test_a_template_in_use_is_not_removed(admin, tree):
    template = RepairTemplate.objects.get(tree=tree, code="drain-blocked")
    with pytest.raises(ValidationError) as caught:
        services.template_delete(actor=admin, template=template)
    assert caught.value.messages == [
        "1 option leads here (“Verstopt”). Choose another outcome for it first."
    ]
    services.node_update(actor=admin, node=_node(tree, "kitchen-drain-blocked"), template=None)
    services.template_delete(actor=admin, template=template)
    assert not RepairTemplate.objects.filter(pk=template.pk).exists()
    assert _verbs()[-1] == "repair_template.deleted"


def test_an_action_code_in_use_is_not_removed(admin, tree):
    action = ActionCode.objects.get(tree=tree, code="tenant-own")
    with pytest.raises(ValidationError):
        services.action_code_delete(actor=admin, action_code=action)
    unused = ActionCode.objects.get(tree=tree, code="no-message")
    services.action_code_delete(actor=admin, action_code=unused)
    assert not ActionCode.objects.filter(pk=unused.pk).exists()


def test_removing_a_tip_or_cause_detaches_it(admin, tree):
    tip = Tip.objects.get(tree=tree, code="tap-washer")
    revision = _revision(tree)
    services.tip_delete(actor=admin, tip=tip)
    assert not RepairTemplate.objects.get(tree=tree, code="tap-leaking").tips.exists()
    assert not _node(tree, "kitchen-tap-dripping").tips.exists()
    assert AuditEvent.objects.order_by("pk").last().changes["detached_from"]["old"] == {
        "templates": ["tap-leaking"],
        "options": ["kitchen-tap-dripping"],
    }
    cause = Cause.objects.get(tree=tree, code="wear")
    services.cause_delete(actor=admin, cause=cause)
    assert list(
        RepairTemplate.objects.get(tree=tree, code="drain-blocked").causes.values_list(
            "code", flat=True
        )
    ) == ["damage"]
    assert _revision(tree) == revision + 2


def test_tips_causes_and_action_codes_are_saved_and_checked(admin, tree):
    tip = services.tip_save(
        actor=admin,
        tree=tree,
        code="radiator-bleed",
        title_nl="Ontlucht de radiator",
        body_nl="Draai het **ventiel** open.",
        video_url="https://video.example.org/ontluchten",
    )
    assert tip.pk and tip.video_url.endswith("ontluchten")
    with pytest.raises(ValidationError) as caught:
        services.tip_save(actor=admin, tree=tree, code="x", title_nl="", body_nl="")
    assert {"title_nl", "body_nl"} <= set(caught.value.message_dict)
    cause = services.cause_save(
        actor=admin, tree=tree, code="vandalism", name_nl="Vernieling", charged_to_tenant=True
    )
    assert cause.charged_to_tenant
    action = services.action_code_save(
        actor=admin, tree=tree, code="municipality", message_nl="Bel de gemeente."
    )
    services.action_code_save(
        actor=admin, tree=tree, action_code=action, message_nl="Bel de gemeente: 14 030."
    )
    action.refresh_from_db()
    assert action.message_nl == "Bel de gemeente: 14 030."


def test_a_row_of_another_tree_is_refused(admin, tree):
    other = services.tree_create(actor=admin, code="flats", name_nl="Flats")
    tip = Tip.objects.get(tree=tree, code="tap-washer")
    with pytest.raises(ValidationError):
        services.tip_save(actor=admin, tree=other, tip=tip, title_nl="Anders")


def test_maintenance_forms_in_use_are_not_removed(admin, tree):
    daily = MaintenanceForm.objects.get(code="daily")
    with pytest.raises(ValidationError) as caught:
        services.maintenance_form_delete(actor=admin, form=daily)
    assert caught.value.messages == [
        "This maintenance form is still used by 1 templates and 0 units. Remove it from them first."
    ]
    demolition = MaintenanceForm.objects.get(code="demolition")
    demolition.units.add(UnitFactory())
    with pytest.raises(ValidationError):
        services.maintenance_form_delete(actor=admin, form=demolition)
    planned = services.maintenance_form_save(actor=admin, code="planned", name_nl="Planmatig")
    services.maintenance_form_save(actor=admin, form=planned, name_nl="Planmatig onderhoud")
    planned.refresh_from_db()
    assert planned.name_nl == "Planmatig onderhoud"
    services.maintenance_form_delete(actor=admin, form=planned)
    assert not MaintenanceForm.objects.filter(code="planned").exists()
    with pytest.raises(ValidationError) as caught:
        services.maintenance_form_save(actor=admin, code="daily", name_nl="Weer")
    assert caught.value.message_dict == {
        "code": ["Another maintenance form already has this code."]
    }


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
def test_only_administrators_edit_the_tree(tree, role):
    actor = Actor.staff(UserFactory(role=role))
    calls = [
        lambda: services.tree_create(actor=actor, code="x", name_nl="X"),
        lambda: services.tree_set_default(actor=actor, tree=tree),
        lambda: services.node_create(actor=actor, tree=tree, parent=None, name_nl="X"),
        lambda: services.node_delete(actor=actor, node=_node(tree, "garden")),
        lambda: services.tip_save(actor=actor, tree=tree, code="x", title_nl="X", body_nl="X"),
        lambda: services.maintenance_form_save(actor=actor, code="x", name_nl="X"),
        lambda: services.repair_settings_update(actor=actor, anonymous_enabled=True),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEvent.objects.exclude(verb="repair_tree.imported").exists()


# ---------------------------------------------------------------- settings and texts


def test_the_settings_keep_only_the_texts_that_were_written(admin):
    texts = {key: {"nl": "", "en": "", "nb": ""} for key in REPAIR_TEXT_KEYS}
    texts["intro"] = {"nl": "  Meld hier uw reparatie.  ", "en": "", "nb": ""}
    row = services.repair_settings_update(
        actor=admin, anonymous_enabled=True, photo_quality=70, texts=texts
    )
    assert row.texts == {"intro": {"nl": "Meld hier uw reparatie."}}
    assert RepairSettings.objects.count() == 1
    event = AuditEvent.objects.get(verb="repair_settings.updated")
    assert event.changes["anonymous_enabled"] == {"old": False, "new": True}
    with pytest.raises(ValidationError):
        services.repair_settings_update(actor=admin, photo_quality=5)
    with pytest.raises(ValidationError):
        services.repair_settings_update(actor=admin, texts={"welcome": {"nl": "Hoi"}})


def test_a_wizard_text_is_the_admins_wording_or_the_default(admin):
    assert repair_text("no_request", "en") == repair_text_default("no_request", "en")
    assert "contact us" in repair_text("no_request", "en")
    services.repair_settings_update(
        actor=admin, texts={"no_request": {"nl": "Bel ons even.", "en": "Give us a call."}}
    )
    assert repair_text("no_request", "nl") == "Bel ons even."
    assert repair_text("no_request", "en") == "Give us a call."
    assert repair_text("no_request", "nb") == repair_text_default("no_request", "nb")
    assert repair_text("no_request") == "Give us a call."  # the active language: English
    with pytest.raises(KeyError):
        repair_text("welcome")
    every = {key: repair_text(key, "en") for key in REPAIR_TEXT_KEYS}
    assert all(every.values())
