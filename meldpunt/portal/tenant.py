"""Who the tenant portal is serving on this request.

A portal page serves one household: the signed-in tenant's, or the one an
agent is viewing as (SPEC ADM-KCC). ``tenant_required`` resolves it once and
hangs it on ``request.tenant``; views read the household from there and never
from the URL, so no URL can reach another household's data. Services get
``request.tenant.actor``: the tenant, or the agent acting as the tenant, so the
audit trail and the timeline name who really did it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from meldpunt.accounts.models import User, ViewAsSession
from meldpunt.accounts.view_as import view_as_current
from meldpunt.accounts.view_as_services import view_as_access_record
from meldpunt.common.actors import Actor
from meldpunt.organization.selectors import features_effective, organization_for_request
from meldpunt.people.models import Household


@dataclass(frozen=True, slots=True)
class TenantContext:
    household: Household
    actor: Actor
    # The tenant's own account when they are signed in; None while an agent views.
    account: User | None = None
    view_as: ViewAsSession | None = None

    @property
    def agent(self) -> User | None:
        return self.view_as.agent if self.view_as is not None else None

    @property
    def is_view_as(self) -> bool:
        return self.view_as is not None


class TenantRequest(HttpRequest):
    """For type checkers: a request that passed ``tenant_required``."""

    tenant: TenantContext


def tenant_context(request: HttpRequest) -> TenantContext | None:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if user.is_tenant and not user.is_blocked:
        assert user.household is not None
        return TenantContext(household=user.household, actor=Actor.tenant(user), account=user)
    view_as = view_as_current(request)
    if view_as is not None:
        actor = Actor.agent_as_tenant(user, tenant_number=view_as.household.tenant_number)
        return TenantContext(household=view_as.household, actor=actor, view_as=view_as)
    return None


def _to_login(request: HttpRequest) -> HttpResponse:
    url = f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def tenant_required(
    view: Callable[..., HttpResponse] | None = None, *, feature: str | None = None
) -> Any:
    """Serve the view to a tenant (or an agent viewing as one); others go to the login.

    ``feature`` names the portal feature toggle the page belongs to (SPEC A-11):
    switched off, the page does not exist (404).
    """

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_not_required
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            context = tenant_context(request)
            if context is None:
                return _to_login(request)
            if feature is not None:
                features = features_effective(organization=organization_for_request(request))
                if not features.get(feature, False):
                    raise Http404
            request.tenant = context  # type: ignore[attr-defined]
            if context.view_as is not None:
                # INC-16: every page an agent opens as the tenant is audited.
                view_as_access_record(
                    view_as=context.view_as, path=request.get_full_path(), actor=context.actor
                )
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
