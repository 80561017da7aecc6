"""Reading the view-as-tenant session a staff browser carries (SPEC ADM-KCC).

Starting and ending one are services (they check the agent's password, audit
and expire); this module only answers "is this request an agent viewing the
portal as a household, and which one" in one query.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from meldpunt.accounts.models import StaffRole, User, ViewAsSession

VIEW_AS_SESSION_KEY = "meldpunt.view_as"
# Staff roles that may view the portal as a tenant.
VIEW_AS_ROLES = frozenset({StaffRole.AGENT, StaffRole.ADMIN})


def view_as_current(request: HttpRequest) -> ViewAsSession | None:
    """The live view-as session of this staff request, or None.

    A session that expired or was ended elsewhere counts as none; the key is
    then dropped so the next request costs no query.
    """
    session = getattr(request, "session", None)
    if session is None:
        return None
    session_id = session.get(VIEW_AS_SESSION_KEY)
    if session_id is None:
        return None
    user = request.user
    if not (isinstance(user, User) and user.is_active and user.role in VIEW_AS_ROLES):
        session.pop(VIEW_AS_SESSION_KEY, None)
        return None
    view_as = (
        ViewAsSession.objects.select_related("household")
        .filter(pk=session_id, agent=user, ended_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if view_as is None:
        session.pop(VIEW_AS_SESSION_KEY, None)
    return view_as
