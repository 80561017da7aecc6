"""Starting and ending "view as tenant", and auditing what is seen (SPEC ADM-KCC, INC-16).

An agent (role agent or administrator) re-enters their own password on the
household's record; a ``ViewAsSession`` then lets their browser open the portal
as that household for ``VIEW_AS_MINUTES``. The portal (``portal.tenant``) reads
the session with ``accounts.view_as.view_as_current``; every change made there
is recorded with actor kind "agent as tenant" and the agent as actor user, and
every portal page opened is recorded by ``view_as_access_record``.

Refusals are audited too: a wrong password (rate-limited per agent), and an
address outside the agent's role's ranges (ADM-IP applies to agent logins).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.accounts import account_admin_events as events
from meldpunt.accounts.ip_ranges import staff_request_allowed
from meldpunt.accounts.models import User, ViewAsSession
from meldpunt.accounts.view_as import VIEW_AS_ROLES, VIEW_AS_SESSION_KEY
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.network import client_address
from meldpunt.people.models import Household

VIEW_AS_MINUTES = 30
# Wrong passwords per agent within the window before starting is refused for a while.
VIEW_AS_FAILURE_LIMIT = 5
VIEW_AS_FAILURE_WINDOW = timedelta(minutes=15)


def _failure_key(user: User) -> str:
    return f"meldpunt.view_as.failures.{user.pk}"


def _agent(actor: Actor) -> User:
    user = actor.user
    if not (actor.is_staff and isinstance(user, User) and user.role in VIEW_AS_ROLES):
        raise PermissionDenied
    return user


def _refuse(*, actor: Actor, household: Household, reason: str, request: HttpRequest) -> None:
    address = client_address(request)
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=events.VIEW_AS_REFUSED,
            obj=household,
            changes={
                "reason": {"old": None, "new": reason},
                "address": {"old": None, "new": str(address) if address else None},
            },
        )


def view_as_start(
    *, actor: Actor, household: Household, password: str, request: HttpRequest
) -> ViewAsSession:
    """Open the portal as ``household`` for ``VIEW_AS_MINUTES`` in this browser.

    Guarantees: only agents and administrators (PermissionDenied otherwise);
    refused with a ValidationError, and audited, when the address is outside
    the role's ranges, when too many wrong passwords were typed lately, or when
    the password is wrong. On success any other live session of the agent ends,
    the new one is stored in the browser's session and the start is audited.
    """
    agent = _agent(actor)
    if not staff_request_allowed(request, role=agent.role):
        _refuse(actor=actor, household=household, reason="address", request=request)
        raise ValidationError(
            _("Staff with your role may not view the portal as a tenant from this address.")
        )
    key = _failure_key(agent)
    failures = int(cache.get(key, 0))
    if failures >= VIEW_AS_FAILURE_LIMIT:
        _refuse(actor=actor, household=household, reason="rate limited", request=request)
        raise ValidationError(
            _("Too many wrong passwords. Wait %(minutes)d minutes and try again.")
            % {"minutes": int(VIEW_AS_FAILURE_WINDOW.total_seconds() // 60)}
        )
    if not password or not agent.check_password(password):
        cache.set(key, failures + 1, int(VIEW_AS_FAILURE_WINDOW.total_seconds()))
        _refuse(actor=actor, household=household, reason="wrong password", request=request)
        raise ValidationError({"password": _("That is not your password. Try again.")})
    cache.delete(key)
    now = timezone.now()
    with transaction.atomic():
        ViewAsSession.objects.filter(agent=agent, ended_at__isnull=True, expires_at__gt=now).update(
            ended_at=now, updated_at=now
        )
        session = ViewAsSession.objects.create(
            agent=agent, household=household, expires_at=now + timedelta(minutes=VIEW_AS_MINUTES)
        )
        audit_record(
            actor=actor,
            verb=events.VIEW_AS_STARTED,
            obj=household,
            changes={
                "view_as_session": {"old": None, "new": session.pk},
                "expires_at": {"old": None, "new": session.expires_at.isoformat()},
            },
        )
    request.session[VIEW_AS_SESSION_KEY] = session.pk
    return session


def view_as_end(*, actor: Actor, request: HttpRequest) -> ViewAsSession | None:
    """End this browser's view-as session (if any) and forget it; audited.

    Returns the session that ended (also an expired one), or None when the
    browser had none of this agent's.
    """
    agent = _agent(actor)
    session_id = request.session.pop(VIEW_AS_SESSION_KEY, None)
    if session_id is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        session = (
            ViewAsSession.objects.select_for_update(of=("self",))
            .select_related("household")
            .filter(pk=session_id, agent=agent)
            .first()
        )
        if session is None:
            return None
        if session.ended_at is None:
            session.ended_at = min(now, session.expires_at)
            session.save(update_fields=["ended_at", "updated_at"])
            audit_record(
                actor=actor,
                verb=events.VIEW_AS_ENDED,
                obj=session.household,
                changes={"view_as_session": {"old": session.pk, "new": None}},
            )
    return session


def view_as_access_record(*, view_as: ViewAsSession, path: str, actor: Actor | None = None) -> None:
    """Record that an agent viewing as a tenant opened ``path`` (INC-16).

    Call it once per portal request served during a view-as session; ``actor``
    is the request's "agent as tenant" actor (saves loading the agent again).
    """
    if actor is None:
        actor = Actor.agent_as_tenant(view_as.agent, tenant_number=view_as.household.tenant_number)
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=events.TENANT_VIEWED_BY_AGENT,
            obj=view_as.household,
            changes={
                "path": {"old": None, "new": path[:500]},
                "view_as_session": {"old": None, "new": view_as.pk},
            },
        )
