"""Reads for the security pages: staff address ranges and locked accounts.

Both are for administrators only; anyone else gets 404 here (the views already
answer 403 to other staff roles).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Min, Sum
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from meldpunt.accounts.models import StaffIpRange, StaffRole, User
from meldpunt.common.actors import Actor


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Http404


# ---------------------------------------------------------------- address ranges


@dataclass(frozen=True, slots=True)
class RoleRanges:
    role: str
    label: str
    ranges: list[StaffIpRange]


def staff_ip_ranges_by_role(*, actor: Actor) -> list[RoleRanges]:
    """Every staff role with its ranges (possibly none), in role order; one query."""
    _require_admin(actor)
    rows = list(StaffIpRange.objects.order_by("role", "cidr"))
    return [
        RoleRanges(
            role=role.value,
            label=str(role.label),
            ranges=[row for row in rows if row.role == role.value],
        )
        for role in StaffRole
    ]


def staff_ip_range_get(*, actor: Actor, pk: int) -> StaffIpRange:
    _require_admin(actor)
    found = StaffIpRange.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------- locked accounts


@dataclass(frozen=True, slots=True)
class LockedAccount:
    key: str
    # One of the key's attempt rows: the id the unlock button posts to.
    lock_id: int
    failures: int
    last_failure: datetime
    unlocks_at: datetime
    # The account the key names; None when nobody has that username or email.
    user: User | None


def locked_accounts(*, actor: Actor) -> list[LockedAccount]:
    """Accounts locked right now, newest lock first; two queries."""
    _require_admin(actor)
    cooloff = settings.AXES_COOLOFF_TIME
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
        .values("username")
        .annotate(
            failures=Sum("failures_since_start"),
            last_failure=Max("attempt_time"),
            lock_id=Min("id"),
        )
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_failure", "username")
    )
    keys = [row["username"] for row in rows if row["username"]]
    users: dict[str, User] = {}
    if keys:
        users = {
            user.username.lower(): user
            for user in User.objects.annotate(lower_username=Lower("username")).filter(
                lower_username__in=keys
            )
        }
    return [
        LockedAccount(
            key=row["username"] or "",
            lock_id=row["lock_id"],
            failures=row["failures"],
            last_failure=row["last_failure"],
            unlocks_at=row["last_failure"] + cooloff,
            user=users.get(row["username"] or ""),
        )
        for row in rows
    ]


def locked_account_get(*, actor: Actor, lock_id: int) -> LockedAccount:
    """The account that lock id belongs to; 404 when there is no such lock (any more)."""
    for account in locked_accounts(actor=actor):
        if account.lock_id == lock_id:
            return account
    raise Http404
