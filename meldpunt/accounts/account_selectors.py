"""Reads for account management, account requests and view-as sessions
(SPEC ADM-ACC, ADM-REQ, ADM-KCC, A-8, A-10).

Scope: administrators see every account; agents see tenant accounts only (a
user without a staff role that names a household). Anything outside the scope
is simply not found (404), so an agent cannot tell a staff account exists.
Everyone else gets 404 here too; the views already answer 403 to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.utils import timezone

from meldpunt.accounts.account_admin_events import TENANT_VIEWED_BY_AGENT
from meldpunt.accounts.models import AccountRequest, StaffRole, User, ViewAsSession
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.common.pagination import Page, keyset_page, newest_first_page
from meldpunt.people.models import Household

# Roles that work in account management.
ACCOUNT_ROLES = frozenset({StaffRole.ADMIN, StaffRole.AGENT})


def _require_account_role(actor: Actor) -> None:
    if not (actor.is_staff and actor.role in ACCOUNT_ROLES):
        raise Http404


def tenant_accounts() -> QuerySet[User]:
    """Tenants' portal accounts: no staff role, a household."""
    return User.objects.filter(role="", household__isnull=False)


def accounts_visible(*, actor: Actor) -> QuerySet[User]:
    """Every account for administrators, tenant accounts for agents, nothing for others."""
    if actor.is_admin:
        return User.objects.all()
    if actor.is_staff and actor.role == StaffRole.AGENT:
        return tenant_accounts()
    return User.objects.none()


def _lock_window_start() -> datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def _annotated(users: QuerySet[User]) -> QuerySet[User]:
    """Add what the list and the detail show, in the same one query.

    - ``email_verified``: the account has a confirmed email address (allauth);
    - ``recent_failures``: wrong passwords in a row still counting towards the
      lock (django-axes keeps them per lowercase username, ACC-8);
    - ``confirmed_at``: when the account's request was confirmed;
    - ``auto_blocked``: locked by django-axes right now.
    """
    failures = (
        AccessAttempt.objects.filter(
            username=Lower(OuterRef("username")), attempt_time__gte=_lock_window_start()
        )
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    confirmed = (
        AccountRequest.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
        .order_by()
        .values("user")
        .annotate(at=Max("confirmed_at"))
        .values("at")
    )
    return (
        users.select_related("household")
        .annotate(
            email_verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            recent_failures=Coalesce(
                Subquery(failures, output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            ),
            confirmed_at=Subquery(confirmed),
        )
        .annotate(
            auto_blocked=ExpressionWrapper(
                Q(recent_failures__gte=settings.AXES_FAILURE_LIMIT), output_field=BooleanField()
            )
        )
    )


# ---------------------------------------------------------------- the account list


@dataclass(frozen=True, slots=True)
class AccountFilters:
    q: str = ""
    # "" | "unconfirmed" | "auto_blocked" | "blocked"
    state: str = ""
    # "" | "staff" | "tenant"
    kind: str = ""


def account_search(
    *, actor: Actor, filters: AccountFilters, cursor: str | None = None, size: int = 50
) -> Page:
    """One page of accounts in username order, narrowed by ``filters``. One query.

    ``q`` matches a tenant number exactly, or a part of a username or email.
    Rows carry ``email_verified``, ``recent_failures`` and ``confirmed_at``.
    """
    _require_account_role(actor)
    # Any: the type checker does not follow the annotations filtered on below.
    users: Any = _annotated(accounts_visible(actor=actor))
    q = filters.q.strip()
    if q:
        users = users.filter(
            Q(household__tenant_number__iexact=q) | Q(username__icontains=q) | Q(email__icontains=q)
        )
    if filters.kind == "staff":
        users = users.exclude(role="")
    elif filters.kind == "tenant":
        users = users.filter(role="", household__isnull=False)
    if filters.state == "unconfirmed":
        users = users.filter(email_verified=False)
    elif filters.state == "auto_blocked":
        users = users.filter(auto_blocked=True)
    elif filters.state == "blocked":
        users = users.filter(blocked_at__isnull=False)
    return keyset_page(users, order_field="username", cursor=cursor, size=size)


def account_get(*, actor: Actor, pk: int) -> User:
    """One account with the list's annotations; 404 outside the actor's scope."""
    _require_account_role(actor)
    found = _annotated(accounts_visible(actor=actor)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True, slots=True)
class AccountDetail:
    user: User
    email_verified: bool
    confirmed_at: datetime | None
    auto_blocked: bool
    failures: int
    unlocks_at: datetime | None
    latest_request: AccountRequest | None


def account_detail(*, actor: Actor, pk: int) -> AccountDetail:
    """Everything the account page shows; three queries."""
    user = account_get(actor=actor, pk=pk)
    failures = int(getattr(user, "recent_failures", 0) or 0)
    auto_blocked = bool(getattr(user, "auto_blocked", False))
    unlocks_at = None
    if auto_blocked:
        last = (
            AccessAttempt.objects.filter(username=user.username.lower())
            .aggregate(last=Max("attempt_time"))
            .get("last")
        )
        unlocks_at = last + settings.AXES_COOLOFF_TIME if last else None
    latest = AccountRequest.objects.filter(user=user).order_by("-tenant_number_at", "-id").first()
    return AccountDetail(
        user=user,
        email_verified=bool(getattr(user, "email_verified", False)),
        confirmed_at=getattr(user, "confirmed_at", None),
        auto_blocked=auto_blocked,
        failures=failures,
        unlocks_at=unlocks_at,
        latest_request=latest,
    )


# ---------------------------------------------------------------- account requests

REQUEST_STEPS = ("identified", "details", "email_sent", "confirmed")


@dataclass(frozen=True, slots=True)
class AccountRequestFilters:
    q: str = ""
    # the first missing step: "" or one of REQUEST_STEPS
    missing: str = ""


def _first_missing(step: str) -> Q:
    return {
        "identified": Q(identified_at__isnull=True),
        "details": Q(identified_at__isnull=False, details_at__isnull=True),
        "email_sent": Q(details_at__isnull=False, email_sent_at__isnull=True),
        "confirmed": Q(email_sent_at__isnull=False, confirmed_at__isnull=True),
    }[step]


def account_requests_visible(*, actor: Actor) -> QuerySet[AccountRequest]:
    _require_account_role(actor)
    return AccountRequest.objects.all()


def account_request_search(
    *, actor: Actor, filters: AccountRequestFilters, cursor: str | None = None, size: int = 50
) -> Page:
    """One page of account requests, newest first; one query (household and account joined)."""
    requests = account_requests_visible(actor=actor).select_related("household", "user")
    q = filters.q.strip()
    if q:
        requests = requests.filter(
            Q(tenant_number__iexact=q)
            | Q(household__tenant_number__iexact=q)
            | Q(email__icontains=q)
            | Q(username__icontains=q)
            | Q(user__username__icontains=q)
            | Q(user__email__icontains=q)
        )
    if filters.missing in REQUEST_STEPS:
        requests = requests.filter(_first_missing(filters.missing))
    return newest_first_page(requests, cursor=cursor, size=size)


def account_request_get(*, actor: Actor, public_id: str) -> AccountRequest:
    found = (
        account_requests_visible(actor=actor)
        .select_related("household", "user")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def account_request_first_missing(account_request: AccountRequest) -> str:
    """The first step this request has not reached ("" when confirmed)."""
    for step, at in (
        ("identified", account_request.identified_at),
        ("details", account_request.details_at),
        ("email_sent", account_request.email_sent_at),
        ("confirmed", account_request.confirmed_at),
    ):
        if at is None:
            return step
    return ""


# ---------------------------------------------------------------- the household's panel


@dataclass(frozen=True, slots=True)
class HouseholdAccountPanel:
    household: Household
    accounts: list[User]
    latest_request: AccountRequest | None
    first_missing: str

    @property
    def has_account(self) -> bool:
        return bool(self.accounts)

    @property
    def confirmed(self) -> bool:
        return any(getattr(user, "email_verified", False) for user in self.accounts)


def household_account_panel(*, household: Household) -> HouseholdAccountPanel:
    """The household's portal accounts and its latest account request; two queries."""
    accounts = list(_annotated(tenant_accounts().filter(household=household)).order_by("pk"))
    latest = (
        AccountRequest.objects.filter(household=household)
        .order_by("-tenant_number_at", "-id")
        .first()
    )
    return HouseholdAccountPanel(
        household=household,
        accounts=accounts,
        latest_request=latest,
        first_missing=account_request_first_missing(latest) if latest else "",
    )


# ---------------------------------------------------------------- view-as sessions


@dataclass(slots=True)
class ViewAsSessionRow:
    session: ViewAsSession
    changes: list[AuditEvent] = field(default_factory=list)
    pages_opened: int = 0

    @property
    def until(self) -> datetime:
        return self.session.ended_at or self.session.expires_at


def view_as_session_rows(
    *, actor: Actor, cursor: str | None = None, size: int = 25, household: Household | None = None
) -> tuple[Page, list[ViewAsSessionRow]]:
    """Sessions newest first, each with what the agent did in it; two queries.

    "What" is the audit trail: events by the agent acting as a tenant between
    the session's start and its end (or expiry). Page views (INC-16) are
    counted, not listed.
    """
    if not actor.is_admin:
        raise Http404
    sessions = ViewAsSession.objects.select_related("agent", "household")
    if household is not None:
        sessions = sessions.filter(household=household)
    page = newest_first_page(sessions, cursor=cursor, size=size)
    rows = [ViewAsSessionRow(session=session) for session in page.items]
    if rows:
        start = min(row.session.created_at for row in rows)
        end = max(row.until for row in rows)
        events = AuditEvent.objects.filter(
            actor_kind=AuditEvent.ActorKind.AGENT_AS_TENANT,
            actor_user__in={row.session.agent_id for row in rows},
            created_at__gte=start,
            created_at__lte=end,
        ).order_by("created_at", "id")
        for event in events:
            for row in rows:
                session = row.session
                if (
                    event.actor_user_id == session.agent_id
                    and session.created_at <= event.created_at <= row.until
                    and _belongs_to(event, session)
                ):
                    if event.verb == TENANT_VIEWED_BY_AGENT:
                        row.pages_opened += 1
                    else:
                        row.changes.append(event)
                    break
    return page, rows


def _belongs_to(event: AuditEvent, session: ViewAsSession) -> bool:
    # The actor label names the tenant number ("agent → H123"); an agent has one
    # live session at a time, so the time window decides, the label confirms.
    label: Any = event.actor_label or ""
    number = session.household.tenant_number
    return not label or "→" not in label or label.rstrip().endswith(number)


def view_as_household_get(*, actor: Actor, public_id: str) -> Household:
    """The household an agent or administrator may view as; 404 for others or unknown ids."""
    _require_account_role(actor)
    found = Household.objects.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found
