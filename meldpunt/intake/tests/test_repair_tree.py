"""Freezing a question tree and answering the wizard's questions from the snapshot."""

from __future__ import annotations

import pytest
from django.utils import translation

from meldpunt.intake.models import (
    ActionCode,
    QuestionTree,
    RepairTemplate,
    Tip,
    TreeNode,
    TreeSnapshot,
)
from meldpunt.intake.repair_tree import (
    fold,
    snapshot_current,
    tree_for_unit,
    tree_revision_bump,
    tree_view,
)
from meldpunt.properties.models import UnitType
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _node(tree: QuestionTree, key: str, parent: TreeNode | None, nl: str, **values) -> TreeNode:  # type: ignore[no-untyped-def]
    return TreeNode.objects.create(
        tree=tree,
        key=key,
        parent=parent,
        level=(parent.level + 1) if parent else 1,
        name_nl=nl,
        name_en=values.pop("en", ""),
        **values,
    )


@pytest.fixture
def tree() -> QuestionTree:
    tree = QuestionTree.objects.create(code="standard", name_nl="Standaard", is_default=True)
    tip = Tip.objects.create(tree=tree, code="washer", title_nl="Leertje", body_nl="**Dicht**")
    leaking = RepairTemplate.objects.create(
        tree=tree, code="tap-leaking", description_nl="Wij vervangen het binnenwerk van de kraan."
    )
    leaking.tips.add(tip)
    action = ActionCode.objects.create(tree=tree, code="own", message_nl="Dit doet u zelf.")
    kitchen = _node(tree, "kitchen", None, "Keuken", en="Kitchen", icon="kitchen")
    tap = _node(tree, "kitchen-tap", kitchen, "Kraan", en="Tap", keywords_nl="mengkraan")
    mixer = _node(tree, "kitchen-tap-mixer", tap, "Mengkraan", en="Mixer tap")
    _node(tree, "kitchen-tap-mixer-leaks", mixer, "Lekt", en="Leaks", template=leaking)
    _node(tree, "kitchen-tap-mixer-loose", mixer, "Zit los", en="Loose", action_code=action)
    bathroom = _node(tree, "bathroom", None, "Badkamer", en="Bathroom")
    shower = _node(tree, "bathroom-shower", bathroom, "Douche", en="Shower")
    drain = _node(tree, "bathroom-shower-drain", shower, "Afvoer", en="Drain")
    _node(tree, "bathroom-shower-drain-blocked", drain, "Verstopt", en="Blocked")
    _node(tree, "stairwell", None, "Algemeen trappenhuis", scope=TreeNode.Scope.COMMON_AREA)
    return tree


def test_the_snapshot_holds_the_whole_tree(tree: QuestionTree) -> None:
    snapshot = snapshot_current(tree)
    data = snapshot.data
    assert set(data["roots"]) == {"kitchen", "bathroom", "stairwell"}
    leaf = data["nodes"]["kitchen-tap-mixer-leaks"]
    assert leaf["template"] == "tap-leaking"
    assert leaf["parent"] == "kitchen-tap-mixer"
    assert data["templates"]["tap-leaking"]["tips"] == ["washer"]
    assert data["action_codes"]["own"]["message"]["nl"] == "Dit doet u zelf."
    assert data["nodes"]["kitchen-tap"]["children"] == ["kitchen-tap-mixer"]


def test_the_same_revision_is_frozen_once(tree: QuestionTree, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    first = snapshot_current(tree)
    with django_assert_num_queries(1):
        again = snapshot_current(tree)
    assert again.pk == first.pk


def test_an_edit_makes_a_new_revision_and_the_old_snapshot_stays(tree: QuestionTree) -> None:
    old = snapshot_current(tree)
    TreeNode.objects.filter(key="kitchen").update(name_nl="Kookhoek")
    assert tree_revision_bump(tree=tree) == old.revision + 1
    new = snapshot_current(tree)
    assert new.pk != old.pk
    assert new.data["nodes"]["kitchen"]["name"]["nl"] == "Kookhoek"
    old.refresh_from_db()
    assert old.data["nodes"]["kitchen"]["name"]["nl"] == "Keuken"
    assert tree_view(old).node("kitchen")["name"]["nl"] == "Keuken"  # type: ignore[index]
    assert TreeSnapshot.objects.filter(tree=tree).count() == 2


def test_options_are_alphabetical_in_the_current_language(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    with translation.override("nl"):
        assert [n["key"] for n in view.children(None)] == ["bathroom", "kitchen"]
    with translation.override("en"):
        assert [n["key"] for n in view.children(None)] == ["bathroom", "kitchen"]
    with translation.override("en"):
        names = [n["name"]["en"] for n in view.children("kitchen-tap-mixer")]
    assert names == ["Leaks", "Loose"]


def test_common_area_rooms_are_apart(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    assert [n["key"] for n in view.children(None, scope="common_area")] == ["stairwell"]


def test_a_search_keeps_the_way_to_the_matches(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    with translation.override("nl"):
        visible = view.search("kraan")
    assert visible is not None
    assert {"kitchen", "kitchen-tap", "kitchen-tap-mixer", "kitchen-tap-mixer-leaks"} <= visible
    assert "bathroom" not in visible


def test_a_search_finds_template_descriptions_and_word_starts(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    with translation.override("nl"):
        visible = view.search("binnenwerk")
        assert visible == {"kitchen", "kitchen-tap", "kitchen-tap-mixer", "kitchen-tap-mixer-leaks"}
        assert view.search("erk") == set()  # the middle of a word does not count
        assert view.search("  ") is None


def test_every_word_must_match_somewhere_on_the_path(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    with translation.override("nl"):
        assert view.search("keuken lekt") == {
            "kitchen",
            "kitchen-tap",
            "kitchen-tap-mixer",
            "kitchen-tap-mixer-leaks",
        }
        assert view.search("badkamer lekt") == set()


def test_dutch_words_work_on_the_english_page(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    with translation.override("en"):
        assert "kitchen-tap-mixer-leaks" in (view.search("Kraan") or set())
        assert "kitchen-tap-mixer-leaks" in (view.search("mixer") or set())


def test_paths(tree: QuestionTree) -> None:
    view = tree_view(snapshot_current(tree))
    keys = [n["key"] for n in view.path("kitchen-tap-mixer-leaks")]
    assert keys == ["kitchen", "kitchen-tap", "kitchen-tap-mixer", "kitchen-tap-mixer-leaks"]
    assert view.is_path(keys)
    assert not view.is_path(["kitchen", "kitchen-tap-mixer"])
    assert not view.is_path(["bathroom", "kitchen-tap"])
    assert view.path("nope") == []


def test_fold() -> None:
    assert fold("Gevel CAFÉ") == "gevel cafe"


def test_the_tree_of_a_unit(tree: QuestionTree) -> None:
    flat = UnitType.objects.create(code="flat", name="Flat", kind="dwelling")
    own_type = QuestionTree.objects.create(code="flats", name_nl="Flats")
    own_type.unit_types.add(flat)
    unit = UnitFactory(unit_type=flat)
    other = UnitFactory()
    assert tree_for_unit(unit) == own_type
    assert tree_for_unit(other) == tree
    special = QuestionTree.objects.create(code="special", name_nl="Bijzonder")
    special.units.add(unit)
    assert tree_for_unit(unit) == special
