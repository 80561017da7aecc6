# ruff: noqa: F811  (fixtures imported from the conftest modules are used as arguments)
"""The repair wizard's pass and its first two steps (SPEC INT-4, REP-1 … REP-6):
starting and finding a pass, the step order, the object (home, common areas, the
owner's own manager) and the defect (the tree walk, search, every REP-4 outcome,
tips and causes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from meldpunt.common.models import AuditEvent
from meldpunt.incidents.models import Incident
from meldpunt.incidents.tests.conftest import make_incident  # noqa: F401
from meldpunt.intake.models import RepairRequest, RepairWizard, WizardEvent
from meldpunt.intake.repair_tree import tree_revision_bump
from meldpunt.intake.tests.conftest import Place, RepairTreeParts, WizardWalk
from meldpunt.intake.wizard import (
    PASS_IDLE,
    Step,
    WizardClosed,
    WizardIdentity,
    first_missing,
    next_step,
    step_bar,
    wizard_get,
    wizard_lock,
    wizard_start,
    wizard_view,
)
from meldpunt.intake.wizard_defect import (
    defect_position,
    leaf_result,
    wizard_defect_choose,
    wizard_defect_confirm,
    wizard_tip_solved,
)
from meldpunt.intake.wizard_object import (
    common_areas_for,
    units_for_household,
    wizard_object_choose,
    wizard_unit_choose,
)
from meldpunt.properties.models import CommonArea
from tests.factories import (
    BuildingBlockFactory,
    CommonAreaFactory,
    ContractFactory,
    HouseholdFactory,
    OwnerInstructionFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def events(wizard: RepairWizard, kind: str) -> list[WizardEvent]:
    return list(wizard.events.filter(kind=kind).order_by("pk"))


# ---------------------------------------------------------------- the pass


def test_a_pass_starts_with_nothing_but_itself_and_expires_after_a_day(walk: WizardWalk):
    before = timezone.now()
    wizard = walk.start(language="nb")
    assert wizard.status == RepairWizard.Status.ACTIVE
    assert wizard.mode == RepairWizard.Mode.ANONYMOUS
    assert wizard.language == "nb"
    assert wizard.household is None and wizard.unit is None
    assert len(wizard.photo_batch) >= 32
    assert before + PASS_IDLE <= wizard.expires_at <= timezone.now() + PASS_IDLE
    assert [(e.kind, e.step) for e in wizard.events.all()] == [("step", "object")]
    assert Incident.objects.count() == 0 and RepairRequest.objects.count() == 0


def test_a_portal_pass_knows_the_household_an_anonymous_one_never_does(
    walk: WizardWalk, place: Place
):
    identity = WizardIdentity(
        mode=RepairWizard.Mode.PORTAL,
        actor=WizardIdentity.anonymous().actor,
        household=place.household,
    )
    assert identity.household_known
    assert walk.start(identity=identity).household == place.household
    spoofed = WizardIdentity(
        mode=RepairWizard.Mode.ANONYMOUS,
        actor=WizardIdentity.anonymous().actor,
        household=place.household,
    )
    assert not spoofed.household_known
    assert walk.start(identity=spoofed).household is None


def test_a_pass_is_found_only_through_the_visitors_own_session(walk: WizardWalk):
    wizard = walk.start()
    assert wizard_get(public_id=wizard.public_id, allowed_ids=[wizard.public_id]) == wizard
    with pytest.raises(Http404):
        wizard_get(public_id=wizard.public_id, allowed_ids=[])
    with pytest.raises(Http404):
        wizard_get(public_id=wizard.public_id, allowed_ids=["someone-else"])
    with pytest.raises(Http404):
        wizard_get(public_id="does-not-exist", allowed_ids=["does-not-exist"])


def test_a_pass_idle_for_a_day_takes_no_more_answers(walk: WizardWalk):
    wizard = walk.start()
    RepairWizard.objects.filter(pk=wizard.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(WizardClosed):
        walk.identified(wizard)
    wizard.refresh_from_db()
    assert wizard.unit is None


def test_every_answer_keeps_the_pass_alive(walk: WizardWalk):
    wizard = walk.start()
    RepairWizard.objects.filter(pk=wizard.pk).update(
        expires_at=timezone.now() + timedelta(minutes=5)
    )
    walk.identified(wizard)
    wizard.refresh_from_db()
    assert wizard.expires_at > timezone.now() + PASS_IDLE - timedelta(minutes=1)


def test_steps_open_in_order_and_later_steps_name_the_first_missing_one(walk: WizardWalk):
    wizard = walk.start()
    assert first_missing(wizard, Step.OBJECT) is None
    assert first_missing(wizard, Step.PHOTOS) == Step.OBJECT
    walk.identified(wizard)
    assert first_missing(wizard, Step.PHOTOS) == Step.DEFECT
    walk.confirmed(wizard=wizard)
    # The place's contract has no service subscription: the costs step shows the costs.
    assert first_missing(wizard, Step.PHOTOS) == Step.COSTS
    bar = step_bar(wizard, Step.COSTS)
    assert [mark.done for mark in bar][:3] == [True, True, False]
    assert [mark.reachable for mark in bar] == [True, True, False, False, False, False, False]
    assert [mark.current for mark in bar].index(True) == 2


def test_once_sent_no_step_before_the_appointment_can_be_reopened(walk: WizardWalk):
    wizard = walk.ready()
    from meldpunt.intake.wizard_submit import wizard_submit

    wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    wizard.refresh_from_db()
    assert not any(mark.reachable for mark in step_bar(wizard, Step.APPOINTMENT))


# ---------------------------------------------------------------- step 1: the object


def test_the_home_found_by_address_without_common_areas_goes_straight_to_the_defect(
    walk: WizardWalk, place: Place
):
    wizard = walk.identified()
    assert wizard.unit == place.unit
    assert wizard.household == place.household  # for the request, never shown
    assert wizard.state["address_typed"] is True
    assert Step.OBJECT in wizard.state["done"]
    assert wizard.snapshot is not None and wizard.snapshot.revision == 1
    assert [e.step for e in events(wizard, "step")] == ["object", "defect"]


def test_a_tenant_number_finds_the_home_without_showing_its_address(walk: WizardWalk):
    wizard = walk.identified(postcode="", house_number="", addition="", tenant_number="H700123")
    assert wizard.state["address_typed"] is False
    assert wizard.unit is not None


def test_an_unknown_address_is_an_error_on_its_field(walk: WizardWalk):
    wizard = walk.start()
    with pytest.raises(ValidationError) as caught:
        walk.identified(wizard, postcode="9999ZZ")
    assert "postcode" in caught.value.message_dict
    wizard.refresh_from_db()
    assert wizard.unit is None


def test_an_owner_who_wants_repairs_reported_to_their_own_manager_stops_the_wizard(
    walk: WizardWalk, place: Place
):
    instruction = OwnerInstructionFactory(message="Meld reparaties bij Beheer & Co, 010-1234567.")
    place.unit.owner = instruction.owner
    place.unit.save()
    wizard = walk.identified()
    assert wizard.status == RepairWizard.Status.STOPPED
    assert wizard.state["stop"]["reason"] == "owner"
    assert "Beheer & Co" in wizard.state["stop"]["message"]
    assert [e.kind for e in wizard.events.all()][-1] == "stopped"
    assert AuditEvent.objects.filter(verb="repair_wizard.stopped").count() == 1


def test_the_complexs_owner_counts_too_but_an_owner_without_the_wish_does_not(
    walk: WizardWalk, place: Place
):
    relaxed = OwnerInstructionFactory(report_to_own_manager=False)
    place.unit.owner = relaxed.owner
    place.unit.save()
    assert walk.identified().status == RepairWizard.Status.ACTIVE
    strict = OwnerInstructionFactory()
    place.complex.owner = strict.owner
    place.complex.save()
    assert walk.identified().status == RepairWizard.Status.STOPPED


def test_a_home_without_a_question_tree_cannot_be_reported_online(
    walk: WizardWalk, repair_tree: RepairTreeParts
):
    repair_tree.tree.is_default = False
    repair_tree.tree.save()
    with pytest.raises(ValidationError) as caught:
        walk.identified()
    assert caught.value.code == "no_tree"


def test_a_unit_uses_its_own_tree_over_the_default(walk: WizardWalk, place: Place):
    from meldpunt.intake.tests.conftest import repair_tree_build

    own = repair_tree_build(code="special")
    own.tree.units.add(place.unit)
    wizard = walk.identified()
    assert wizard.snapshot.tree == own.tree


@pytest.fixture
def areas(place: Place) -> dict[str, CommonArea]:
    block = BuildingBlockFactory(complex=place.complex)
    other_block = BuildingBlockFactory(complex=place.complex)
    place.unit.building_block = block
    place.unit.save()
    return {
        "stairs": CommonAreaFactory(
            complex=place.complex, building_block=block, name="Trappenhuis A"
        ),
        "pump": CommonAreaFactory(
            complex=place.complex, kind=CommonArea.Kind.PUMP, name="Hydrofoor"
        ),
        "other": CommonAreaFactory(
            complex=place.complex, building_block=other_block, name="Trappenhuis B"
        ),
        "elsewhere": CommonAreaFactory(name="Ander complex"),
    }


def test_common_areas_of_the_block_by_default_and_of_the_whole_complex_on_request(
    place: Place, areas: dict[str, CommonArea]
):
    usual = common_areas_for(place.unit)
    everything = common_areas_for(place.unit, everything=True)
    assert {area.name for area in usual} == {"Trappenhuis A", "Hydrofoor"}
    assert {area.name for area in everything} == {"Trappenhuis A", "Hydrofoor", "Trappenhuis B"}
    # An area linked to the unit itself always shows.
    areas["elsewhere"].units.add(place.unit)
    assert "Ander complex" in {area.name for area in common_areas_for(place.unit)}


def test_with_common_areas_the_tenant_chooses_and_a_common_area_shows_its_own_rooms(
    walk: WizardWalk, areas: dict[str, CommonArea]
):
    wizard = walk.identified()
    assert Step.OBJECT not in wizard.state["done"]
    with pytest.raises(ValidationError):
        wizard_object_choose(wizard=wizard, common_area=areas["elsewhere"])
    wizard_object_choose(wizard=wizard, common_area=areas["other"])
    view = wizard_view(wizard)
    position = defect_position(wizard=wizard, view=view)
    # The stairwell is the only common-area room: passed through to its lamp.
    assert [node["key"] for node in position.path] == [
        "stairwell",
        "stairwell-light",
        "stairwell-light-lamp",
    ]
    wizard_object_choose(wizard=wizard, common_area=None)
    position = defect_position(wizard=wizard, view=view)
    assert [option["key"] for option in position.options] == [
        "bathroom",
        "hall",
        "kitchen",
        "living",
    ]


def test_changing_the_object_forgets_the_defect(walk: WizardWalk, areas: dict[str, CommonArea]):
    wizard = walk.identified()
    wizard_object_choose(wizard=wizard, common_area=None)
    walk.confirmed(wizard=wizard)
    assert Step.DEFECT in wizard.state["done"]
    wizard_object_choose(wizard=wizard, common_area=areas["stairs"])
    assert Step.DEFECT not in wizard.state["done"]
    assert "path" not in wizard.state and "costs" not in wizard.state


def test_the_portal_offers_the_households_rented_units_only(walk: WizardWalk, place: Place):
    second = UnitFactory(complex=place.complex)
    ContractFactory(household=place.household, unit=second)
    ended = UnitFactory(complex=place.complex)
    ContractFactory(
        household=place.household,
        unit=ended,
        end_date=timezone.localdate() - timedelta(days=1),
    )
    assert set(units_for_household(place.household)) == {place.unit, second}
    identity = WizardIdentity(
        mode=RepairWizard.Mode.PORTAL,
        actor=WizardIdentity.anonymous().actor,
        household=place.household,
    )
    wizard = walk.start(identity=identity)
    with pytest.raises(ValidationError):
        wizard_unit_choose(wizard=wizard, identity=identity, unit=ended)
    wizard_unit_choose(wizard=wizard, identity=identity, unit=second)
    assert wizard.unit == second and wizard.household == place.household
    stranger = HouseholdFactory()
    with pytest.raises(ValidationError):
        wizard_unit_choose(
            wizard=walk.start(identity=identity),
            identity=WizardIdentity(
                mode=RepairWizard.Mode.PORTAL,
                actor=identity.actor,
                household=stranger,
            ),
            unit=second,
        )


# ---------------------------------------------------------------- step 2: the tree walk


def test_rooms_are_alphabetical_in_the_tenants_language_and_single_options_pass_through(
    walk: WizardWalk,
):
    wizard = walk.identified()
    view = wizard_view(wizard)
    position = defect_position(wizard=wizard, view=view)
    assert [option["key"] for option in position.options] == [
        "bathroom",
        "hall",
        "kitchen",
        "living",
    ]
    with translation.override("nl"):
        # Badkamer, Hal, Keuken, Woonkamer: the same order here by chance of the words.
        names = [
            option["name"]["nl"] for option in defect_position(wizard=wizard, view=view).options
        ]
        assert names == sorted(names)
    position = defect_position(wizard=wizard, view=view, at="kitchen-tap")
    # The tap has one component (the spout): it is passed through, the defects show.
    assert [node["key"] for node in position.path] == [
        "kitchen",
        "kitchen-tap",
        "kitchen-tap-spout",
    ]
    assert [option["key"] for option in position.options] == [
        "kitchen-tap-leaking",
        "kitchen-tap-stiff",
    ]
    assert position.level == 4
    assert [crumb.can_return for crumb in position.crumbs] == [True, False, False]
    assert position.rooms_can_return


def test_a_search_filters_every_level_and_passes_through_levels_with_one_match(
    walk: WizardWalk,
):
    wizard = walk.identified()
    view = wizard_view(wizard)
    position = defect_position(wizard=wizard, view=view, query="kraan")
    assert [option["key"] for option in position.options] == ["bathroom", "kitchen"]
    assert position.matches == 3
    narrowed = defect_position(wizard=wizard, view=view, query="kraan", at="kitchen")
    assert [node["key"] for node in narrowed.path] == [
        "kitchen",
        "kitchen-tap",
        "kitchen-tap-spout",
    ]
    only = defect_position(wizard=wizard, view=view, query="spiegel")
    # One match left: every level down to the last choice is passed through.
    assert [node["key"] for node in only.path] == [
        "bathroom",
        "bathroom-mirror",
        "bathroom-mirror-glass",
    ]
    assert [option["key"] for option in only.options] == ["bathroom-mirror-glass-broken"]
    nothing = defect_position(wizard=wizard, view=view, query="olifant")
    assert nothing.no_match and len(nothing.options) == 4


def test_reading_a_position_changes_nothing(walk: WizardWalk):
    wizard = walk.identified()
    state = dict(wizard.state)
    count = WizardEvent.objects.count()
    defect_position(wizard=wizard, view=wizard_view(wizard), query="kraan", at="kitchen")
    wizard.refresh_from_db()
    assert wizard.state == state and WizardEvent.objects.count() == count


def test_choosing_stores_the_way_and_records_each_choice_with_how_it_was_found(
    walk: WizardWalk,
):
    wizard = walk.chosen("kitchen", query="kraan")
    assert wizard.state["path"] == ["kitchen", "kitchen-tap", "kitchen-tap-spout"]
    chosen = events(wizard, "chose")
    assert [(e.node_key, e.via_search) for e in chosen] == [
        ("kitchen", True),
        ("kitchen-tap", True),
        ("kitchen-tap-spout", True),
    ]
    wizard_defect_choose(wizard=wizard, node_key="kitchen-tap-leaking")
    assert wizard.state["path"][-1] == "kitchen-tap-leaking"
    assert events(wizard, "chose")[-1].via_search is False
    assert all(e.tree_id == wizard.snapshot.tree_id for e in events(wizard, "chose"))


def test_an_option_of_another_scope_or_tree_is_refused(
    walk: WizardWalk, repair_tree: RepairTreeParts
):
    wizard = walk.identified()
    for key in ("stairwell-light-lamp-broken", "no-such-node", ""):
        with pytest.raises(ValidationError):
            wizard_defect_choose(wizard=wizard, node_key=key)


def test_rep4a_a_template_shows_its_description_and_goes_on(walk: WizardWalk):
    wizard = walk.chosen("kitchen-tap-leaking")
    assert wizard.status == RepairWizard.Status.ACTIVE
    result = leaf_result(wizard=wizard, view=wizard_view(wizard), leaf_key="kitchen-tap-leaking")
    assert result.outcome.outcome == "template"
    assert result.template["description"]["en"] == "We replace the washer or the leaking tap."
    assert result.area is None and result.open_request is None
    assert [tip["code"] for tip in result.tips] == ["tap-washer"]
    assert "<strong>firmly</strong>" in result.tips[0]["body"]
    assert "<li>" in result.tips[0]["body"]


def test_rep4b_an_action_code_with_a_message_stops_with_that_message(walk: WizardWalk):
    wizard = walk.chosen("kitchen-cupboard-door-handle")
    assert wizard.status == RepairWizard.Status.STOPPED
    assert wizard.state["stop"] == {
        "reason": "action_message",
        "node": "kitchen-cupboard-door-handle",
    }
    assert events(wizard, "stopped")[0].node_key == "kitchen-cupboard-door-handle"
    with pytest.raises(WizardClosed):
        wizard_defect_choose(wizard=wizard, node_key="kitchen-tap-leaking")


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("bathroom-mirror-glass-broken", "not_specified"),
        ("hall-doorbell-button-broken", "no_request"),
    ],
)
def test_rep4c_no_template_stops_with_the_configured_message(
    walk: WizardWalk, key: str, reason: str
):
    wizard = walk.chosen(key)
    assert wizard.status == RepairWizard.Status.STOPPED
    assert wizard.state["stop"]["reason"] == reason


def test_rep4d_a_maintenance_form_the_home_lacks_stops_but_no_forms_go_on(
    walk: WizardWalk, place: Place, repair_tree: RepairTreeParts
):
    # The home names no forms: the radiator template (planned maintenance) goes on.
    assert walk.chosen("living-heating-radiator-cold").status == RepairWizard.Status.ACTIVE
    repair_tree.forms["daily"].units.add(place.unit)
    wizard = walk.chosen("living-heating-radiator-cold")
    assert wizard.status == RepairWizard.Status.STOPPED
    assert wizard.state["stop"]["reason"] == "maintenance_form"
    repair_tree.forms["planned"].units.add(place.unit)
    assert walk.chosen("living-heating-radiator-cold").status == RepairWizard.Status.ACTIVE


def test_rep4e_a_template_of_a_common_area_kind_records_on_the_homes_area_of_that_kind(
    walk: WizardWalk, place: Place, areas: dict[str, CommonArea]
):
    wizard = walk.identified()
    wizard_object_choose(wizard=wizard, common_area=None)
    walk.chosen("kitchen-water-pressure-low", wizard=wizard)
    result = leaf_result(
        wizard=wizard, view=wizard_view(wizard), leaf_key="kitchen-water-pressure-low"
    )
    assert result.area == areas["pump"] and result.moved_to_area
    areas["pump"].delete()
    result = leaf_result(
        wizard=wizard, view=wizard_view(wizard), leaf_key="kitchen-water-pressure-low"
    )
    assert result.area is None and not result.moved_to_area


def test_rep4f_an_open_request_on_the_same_element_is_found_a_closed_one_is_not(
    walk: WizardWalk, place: Place, make_incident, phases
):
    incident = make_incident(unit=place.unit)
    RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.REQUEST,
        incident=incident,
        unit=place.unit,
        node_key="kitchen-tap-stiff",
        element_key="kitchen-tap",
        path="Keuken › Kraan › Uitloop › Zit vast",
    )
    wizard = walk.chosen("kitchen-tap-leaking")
    view = wizard_view(wizard)
    result = leaf_result(wizard=wizard, view=view, leaf_key="kitchen-tap-leaking")
    assert result.open_request is not None and result.open_request.incident == incident
    # Another element of the same home is a new request.
    other = leaf_result(wizard=wizard, view=view, leaf_key="kitchen-cupboard-door-loose")
    assert other.open_request is None
    incident.phase = phases["closed"]
    incident.is_open = False
    incident.save()
    assert (
        leaf_result(wizard=wizard, view=view, leaf_key="kitchen-tap-leaking").open_request is None
    )


def test_rep5_a_tip_that_solved_it_is_recorded_without_an_incident(walk: WizardWalk, place: Place):
    wizard = walk.chosen("kitchen-tap-leaking")
    with pytest.raises(ValidationError):
        wizard_tip_solved(wizard=wizard, node_key="kitchen-tap-leaking", tip_code="no-such-tip")
    request = wizard_tip_solved(
        wizard=wizard, node_key="kitchen-tap-leaking", tip_code="tap-washer"
    )
    assert request.outcome == RepairRequest.Outcome.RESOLVED
    assert request.incident is None
    assert request.tip_code == "tap-washer"
    assert request.unit == place.unit and request.household == place.household
    assert request.template_code == "tap-leaking"
    assert request.path == "Kitchen › Tap › Spout › Leaking"
    wizard.refresh_from_db()
    assert wizard.status == RepairWizard.Status.RESOLVED and wizard.request == request
    assert events(wizard, "tip_solved")[0].node_key == "tap-washer"
    assert Incident.objects.count() == 0
    assert AuditEvent.objects.filter(verb="repair_request.resolved").count() == 1


def test_a_tip_on_a_leaf_the_page_passed_through_to_is_stored_as_the_choice(walk: WizardWalk):
    wizard = walk.identified()
    wizard_tip_solved(wizard=wizard, node_key="kitchen-tap-leaking", tip_code="tap-washer")
    wizard.refresh_from_db()
    assert wizard.state["path"][-1] == "kitchen-tap-leaking"


def test_rep6_a_cause_is_required_where_the_path_asks_for_one(walk: WizardWalk):
    wizard = walk.chosen("kitchen-cupboard-door-loose")
    with pytest.raises(ValidationError) as caught:
        wizard_defect_confirm(wizard=wizard, node_key="kitchen-cupboard-door-loose")
    assert "cause" in caught.value.message_dict
    with pytest.raises(ValidationError):
        wizard_defect_confirm(
            wizard=wizard, node_key="kitchen-cupboard-door-loose", cause_code="flood"
        )
    wizard_defect_confirm(wizard=wizard, node_key="kitchen-cupboard-door-loose", cause_code="wear")
    assert wizard.state["cause"] == "wear"
    assert Step.DEFECT in wizard.state["done"]


def test_confirming_a_leaf_that_stops_or_is_not_a_leaf_is_refused(walk: WizardWalk):
    wizard = walk.identified()
    for key in ("kitchen-tap", "bathroom-mirror-glass-broken"):
        with pytest.raises(ValidationError):
            wizard_defect_confirm(wizard=wizard, node_key=key)
    assert wizard.status == RepairWizard.Status.ACTIVE


def test_choosing_another_defect_after_confirming_reopens_the_defect_step(walk: WizardWalk):
    wizard = walk.confirmed()
    assert next_step(wizard, Step.DEFECT) == Step.COSTS
    wizard_defect_choose(wizard=wizard, node_key="kitchen-cupboard-door-loose")
    assert Step.DEFECT not in wizard.state["done"]
    assert "costs" not in wizard.state


def test_an_edited_tree_leaves_a_pass_under_way_on_its_own_revision(
    walk: WizardWalk, repair_tree: RepairTreeParts
):
    wizard = walk.identified()
    node = repair_tree.nodes["kitchen-tap-leaking"]
    node.name_en = "Drips"
    node.save()
    tree_revision_bump(tree=repair_tree.tree)
    wizard = walk.chosen("kitchen-tap-leaking", wizard=wizard)
    result = leaf_result(wizard=wizard, view=wizard_view(wizard), leaf_key="kitchen-tap-leaking")
    assert result.path[-1]["name"]["en"] == "Leaking"
    fresh = walk.identified()
    assert fresh.snapshot.revision == 2
    assert wizard_view(fresh).nodes["kitchen-tap-leaking"]["name"]["en"] == "Drips"


def test_two_tabs_cannot_answer_a_pass_that_one_of_them_ended(walk: WizardWalk):
    wizard = walk.chosen("kitchen-tap-leaking")
    stale = RepairWizard.objects.get(pk=wizard.pk)
    wizard_tip_solved(wizard=wizard, node_key="kitchen-tap-leaking", tip_code="tap-washer")
    with pytest.raises(WizardClosed):
        wizard_lock(stale)


def test_a_fresh_pass_can_start_with_any_language(walk: WizardWalk):
    assert wizard_start(identity=WizardIdentity.anonymous(), language="xx").language == "nl"
