"""The tree's figures: options chosen, found by searching, solved by a tip, stopped by
a message, and the drop-off per step, counted by the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.intake.models import QuestionTree, RepairRequest, RepairWizard, WizardEvent
from meldpunt.intake.repair_analytics import node_usage, step_usage
from meldpunt.intake.repair_tree_io import repair_tree_import_json
from meldpunt.intake.tests import tree_sample
from meldpunt.intake.wizard import STEP_ORDER, Step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KIND = WizardEvent.Kind
STATUS = RepairWizard.Status


@pytest.fixture
def admin() -> Actor:
    return Actor.staff(UserFactory(role=StaffRole.ADMIN))


@pytest.fixture
def tree(db) -> QuestionTree:
    tree_sample.contract_elements()
    return repair_tree_import_json(actor=Actor.system("test"), data=tree_sample.sample())


def make_pass(
    tree: QuestionTree | None,
    *,
    steps: list[Step],
    status: str = STATUS.ACTIVE,
    chose: list[tuple[str, bool]] = (),  # type: ignore[assignment]
    end: tuple[str, str] | None = None,  # (kind, node key)
    days_ago: float = 1,
    open_now: bool = False,
) -> RepairWizard:
    """One pass with its events, all dated ``days_ago``."""
    now = timezone.now()
    when = now - timedelta(days=days_ago)
    wizard = RepairWizard.objects.create(
        mode=RepairWizard.Mode.ANONYMOUS,
        status=status,
        expires_at=now + timedelta(hours=3) if open_now else when + timedelta(hours=24),
    )
    events = [WizardEvent(wizard=wizard, tree=None, kind=KIND.STEP, step=s) for s in steps]
    events += [
        WizardEvent(
            wizard=wizard,
            tree=tree,
            kind=KIND.CHOSE,
            step="defect",
            node_key=key,
            via_search=search,
        )
        for key, search in chose
    ]
    if end is not None:
        events.append(
            WizardEvent(wizard=wizard, tree=tree, kind=end[0], step="defect", node_key=end[1])
        )
    WizardEvent.objects.bulk_create(events)
    RepairWizard.objects.filter(pk=wizard.pk).update(created_at=when)
    WizardEvent.objects.filter(wizard=wizard).update(created_at=when)
    return wizard


def _walk(*keys: str, search: bool = False) -> list[tuple[str, bool]]:
    return [(key, search) for key in keys]


@pytest.fixture
def seeded(tree):  # type: ignore[no-untyped-def]
    drain = ("kitchen", "kitchen-sink", "kitchen-drain", "kitchen-drain-blocked")
    through_costs = [Step.OBJECT, Step.DEFECT, Step.COSTS]
    # Two requests for the blocked drain, one found by searching for it.
    for search in (False, True):
        make_pass(
            tree,
            steps=[*through_costs, Step.PHOTOS, Step.CONTACT, Step.SUMMARY],
            status=STATUS.SUBMITTED,
            chose=_walk(*drain, search=search),
            end=(KIND.SUBMITTED, "kitchen-drain-blocked"),
        )
        RepairRequest.objects.create(
            outcome=RepairRequest.Outcome.REQUEST,
            tree=tree,
            node_key="kitchen-drain-blocked",
            path="Keuken › Aanrecht › Afvoer › Verstopt",
        )
    # A tip solved it.
    make_pass(
        tree,
        steps=[Step.OBJECT, Step.DEFECT],
        status=STATUS.RESOLVED,
        chose=_walk(*drain),
        end=(KIND.TIP_SOLVED, "kitchen-drain-blocked"),
    )
    # The rotten fence post is the tenant's own job: stopped by the action message.
    make_pass(
        tree,
        steps=[Step.OBJECT, Step.DEFECT],
        status=STATUS.STOPPED,
        chose=_walk("garden", "garden-fence", "garden-fence-post", "garden-fence-post-rotten"),
        end=(KIND.STOPPED, "garden-fence-post-rotten"),
    )
    # Left at the costs step, and one still busy there.
    make_pass(tree, steps=through_costs, chose=_walk(*drain))
    make_pass(tree, steps=through_costs, chose=_walk(*drain), open_now=True)
    # Left right at the start.
    make_pass(None, steps=[Step.OBJECT])
    # Long ago: outside a 30-day period, inside 90 days.
    make_pass(
        tree,
        steps=[Step.OBJECT, Step.DEFECT],
        chose=_walk("kitchen", search=True),
        days_ago=60,
    )
    # A removed option still counts.
    make_pass(tree, steps=[Step.OBJECT, Step.DEFECT], chose=_walk("roof-old"))
    return tree


def test_options_are_counted_per_key(admin, seeded):
    rows = {row.key: row for row in node_usage(actor=admin, tree=seeded, days=30)}
    blocked = rows["kitchen-drain-blocked"]
    assert (blocked.chosen, blocked.via_search, blocked.tips_solved, blocked.requests) == (
        5,
        1,
        1,
        2,
    )
    assert blocked.search_share == 20
    assert blocked.path == "Keuken › Aanrecht › Afvoer › Verstopt"
    assert blocked.level == 4
    rotten = rows["garden-fence-post-rotten"]
    assert (rotten.chosen, rotten.stopped) == (1, 1)
    assert rows["kitchen"].chosen == 5  # the pass of 60 days ago is outside the period
    assert rows["roof-old"].exists is False and rows["roof-old"].path == "roof-old"
    assert "kitchen-tap" not in rows  # nobody chose it


def test_the_period_decides_which_events_count(admin, seeded):
    rows = {row.key: row for row in node_usage(actor=admin, tree=seeded, days=90)}
    assert (rows["kitchen"].chosen, rows["kitchen"].via_search) == (6, 2)
    rows = {row.key: row for row in node_usage(actor=admin, tree=seeded, days=7)}
    assert rows["kitchen"].chosen == 5


def test_options_sort_by_any_column(admin, seeded):
    by_stop = node_usage(actor=admin, tree=seeded, sort="stopped")
    assert by_stop[0].key == "garden-fence-post-rotten"
    by_path = node_usage(actor=admin, tree=seeded, sort="path")
    assert [row.path for row in by_path] == sorted((row.path for row in by_path), key=str.casefold)
    by_search = node_usage(actor=admin, tree=seeded, sort="via_search")
    assert by_search[0].via_search == 1


def test_events_of_another_tree_do_not_count(admin, seeded):
    other = repair_tree_import_json(
        actor=admin,
        data={**tree_sample.sample(), "tree": {"code": "other", "name": {"nl": "Ander"}}},
    )
    make_pass(other, steps=[Step.OBJECT], chose=_walk("kitchen", "kitchen", "kitchen"))
    rows = {row.key: row for row in node_usage(actor=admin, tree=seeded)}
    assert rows["kitchen"].chosen == 5
    assert {row.key: row.chosen for row in node_usage(actor=admin, tree=other)} == {"kitchen": 3}


def test_drop_off_per_step(admin, seeded):
    steps = {row.step: row for row in step_usage(actor=admin, days=30)}
    assert [row.step for row in step_usage(actor=admin)] == [str(s) for s in STEP_ORDER]
    start = steps["object"]
    assert (start.reached, start.left, start.went_on) == (8, 1, 7)
    defect = steps["defect"]
    # Solved, stopped, and the removed option's pass left here.
    assert (defect.reached, defect.finished, defect.left, defect.went_on) == (7, 2, 1, 4)
    costs = steps["costs"]
    assert (costs.reached, costs.left, costs.in_progress, costs.went_on) == (4, 1, 1, 2)
    assert costs.left_share == 25
    summary = steps["summary"]
    assert (summary.reached, summary.finished, summary.left) == (2, 2, 0)
    assert steps["appointment"].reached == 0
    with_old = {row.step: row for row in step_usage(actor=admin, days=90)}
    assert with_old["defect"].left == 2


def test_the_figures_cost_the_same_queries_for_many_passes(
    admin, tree, django_assert_max_num_queries
):
    for _round in range(3):
        make_pass(
            tree,
            steps=[Step.OBJECT, Step.DEFECT],
            chose=_walk("kitchen", "kitchen-sink", "kitchen-tap"),
        )
    with django_assert_max_num_queries(3) as few:
        node_usage(actor=admin, tree=tree)
    with django_assert_max_num_queries(2):
        step_usage(actor=admin)
    for _round in range(60):
        make_pass(
            tree,
            steps=[Step.OBJECT, Step.DEFECT, Step.COSTS],
            chose=_walk("kitchen", "garden", "garden-fence", search=True),
            end=(KIND.STOPPED, "garden-fence"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = node_usage(actor=admin, tree=tree)
    with django_assert_max_num_queries(2):
        steps = step_usage(actor=admin)
    assert {row.key: row.chosen for row in rows}["kitchen"] == 63
    assert steps[0].reached == 63


def test_only_administrators_see_the_figures(tree):
    agent = Actor.staff(UserFactory(role=StaffRole.AGENT))
    with pytest.raises(Http404):
        node_usage(actor=agent, tree=tree)
    with pytest.raises(Http404):
        step_usage(actor=agent)
