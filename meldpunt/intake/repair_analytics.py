"""How tenants use the question tree: which options, searches, tips and stops, and
where passes are left (for administrators; read from ``WizardEvent``).

Everything is counted by the database with GROUP BY, so a page costs the
same handful of queries whether there were ten passes or a million. Options
are known by their key, which survives a new import of the tree; events of
options that no longer exist are still listed, marked as removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise

from meldpunt.common.actors import Actor
from meldpunt.intake.models import (
    QuestionTree,
    RepairRequest,
    RepairWizard,
    TreeNode,
    WizardEvent,
)
from meldpunt.intake.wizard import STEP_LABELS, STEP_ORDER

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
SORTS = ("path", "chosen", "via_search", "tips_solved", "stopped", "requests")


def _require_admin(actor: Actor) -> None:
    if not (actor.is_admin or actor.kind == "system"):
        raise Http404


def period_since(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


@dataclass
class NodeUsage:
    """One option's figures over the period."""

    key: str
    path: str
    level: int
    exists: bool
    chosen: int = 0
    via_search: int = 0
    tips_solved: int = 0
    stopped: int = 0
    requests: int = 0

    @property
    def search_share(self) -> int:
        """How many of the choices came from a search, in percent."""
        return round(100 * self.via_search / self.chosen) if self.chosen else 0


def _paths(tree: QuestionTree) -> dict[str, tuple[str, int]]:
    rows = TreeNode.objects.filter(tree=tree).values_list("pk", "parent_id", "key", "name_nl")
    by_pk = {pk: (parent, key, name) for pk, parent, key, name in rows}
    paths: dict[str, tuple[str, int]] = {}
    for _pk, (parent, key, name) in by_pk.items():
        names, level, up = [name], 1, parent
        while up is not None and up in by_pk and level <= 5:
            up, _key, up_name = by_pk[up]
            names.insert(0, up_name)
            level += 1
        paths[key] = (" › ".join(names), level)
    return paths


def node_usage(
    *,
    actor: Actor,
    tree: QuestionTree,
    days: int = DEFAULT_PERIOD,
    sort: str = "chosen",
    now: datetime | None = None,
) -> list[NodeUsage]:
    """Per option of ``tree``: chosen, found by searching, solved by a tip, stopped by a
    message, and requests made; only options with any of these in the period.

    Three queries: the options, the events grouped by key, the requests grouped by key.
    """
    _require_admin(actor)
    since = period_since(days, now)
    kind = WizardEvent.Kind
    counted = (
        WizardEvent.objects.filter(tree=tree, created_at__gte=since)
        .exclude(node_key="")
        .values("node_key")
        .annotate(
            chosen=Count("pk", filter=Q(kind=kind.CHOSE)),
            via_search=Count("pk", filter=Q(kind=kind.CHOSE, via_search=True)),
            tips_solved=Count("pk", filter=Q(kind=kind.TIP_SOLVED)),
            stopped=Count("pk", filter=Q(kind=kind.STOPPED)),
        )
        .order_by()
    )
    requests = (
        RepairRequest.objects.filter(tree=tree, created_at__gte=since)
        .exclude(outcome=RepairRequest.Outcome.RESOLVED)
        .values("node_key")
        .annotate(n=Count("pk"))
        .values_list("node_key", "n")
        .order_by()
    )
    paths = _paths(tree)
    usage: dict[str, NodeUsage] = {}

    def row(key: str) -> NodeUsage:
        if key not in usage:
            path, level = paths.get(key, (key, 0))
            usage[key] = NodeUsage(key=key, path=path, level=level, exists=key in paths)
        return usage[key]

    for values in counted:
        item = row(values["node_key"])
        item.chosen = values["chosen"]
        item.via_search = values["via_search"]
        item.tips_solved = values["tips_solved"]
        item.stopped = values["stopped"]
    for key, count in requests:
        row(key).requests = count
    result = list(usage.values())
    if sort == "path":
        result.sort(key=lambda item: (item.path.casefold(), item.key))
    else:
        field = sort if sort in SORTS else "chosen"
        result.sort(key=lambda item: (-getattr(item, field), item.path.casefold(), item.key))
    return result


@dataclass
class StepUsage:
    """One wizard step: how many passes got there and what became of them."""

    step: str
    label: Promise
    reached: int = 0
    went_on: int = 0  # reached this step and got further
    finished: int = 0  # submitted, solved by a tip or stopped by a message at this step
    in_progress: int = 0  # still open at this step
    left: int = 0  # left at this step without finishing (the drop-off)

    @property
    def left_share(self) -> int:
        return round(100 * self.left / self.reached) if self.reached else 0


def step_usage(
    *, actor: Actor, days: int = DEFAULT_PERIOD, now: datetime | None = None
) -> list[StepUsage]:
    """Drop-off per step over the passes started in the period, all trees together.

    A pass counts at the furthest step it reached; there it either finished
    (sent, solved, stopped), is still open, or was left. Two queries.
    """
    _require_admin(actor)
    now = now or timezone.now()
    since = period_since(days, now)
    steps = [str(step) for step in STEP_ORDER]
    passes = RepairWizard.objects.filter(created_at__gte=since)
    reached = passes.aggregate(
        **{
            f"s{index}": Count(
                "events__wizard_id",
                distinct=True,
                filter=Q(events__kind=WizardEvent.Kind.STEP, events__step=step),
            )
            for index, step in enumerate(steps)
        }
    )
    position = Case(
        *[When(step=step, then=Value(index)) for index, step in enumerate(steps)],
        default=Value(-1),
        output_field=IntegerField(),
    )
    furthest = (
        WizardEvent.objects.filter(wizard=OuterRef("pk"), kind=WizardEvent.Kind.STEP)
        .order_by()
        .values("wizard")
        .annotate(top=Max(position))
        .values("top")
    )
    open_now = Case(
        When(expires_at__gt=now, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    grouped = (
        passes.annotate(furthest=Subquery(furthest, output_field=IntegerField()), open_now=open_now)
        .values("furthest", "status", "open_now")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = [
        StepUsage(step=step, label=STEP_LABELS[STEP_ORDER[index]], reached=reached[f"s{index}"])
        for index, step in enumerate(steps)
    ]
    active = RepairWizard.Status.ACTIVE
    for values in grouped:
        top: Any = values["furthest"]
        if top is None or top < 0:
            continue
        n = values["n"]
        here = result[top]
        if values["status"] != active:
            here.finished += n
        elif values["open_now"]:
            here.in_progress += n
        else:
            here.left += n
    for item in result:
        # A skipped step (no costs to show) is not reached, so "went on" is counted
        # from the step itself rather than from the steps after it.
        item.went_on = max(item.reached - item.finished - item.in_progress - item.left, 0)
    return result
