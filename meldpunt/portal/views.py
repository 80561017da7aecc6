"""Public pages. For now only the landing page; the tenant portal grows here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from meldpunt.common.links import link_page, link_resolve
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE


@login_not_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")


@login_not_required
@link_page
def incident_link(request: HttpRequest, token: str) -> HttpResponse:
    """The tenant's personal page for one incident (SPEC INT-3)."""
    link_resolve(token=token, purpose=INCIDENT_LINK_PURPOSE)
    raise Http404
