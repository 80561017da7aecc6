"""Public pages. For now the landing page; the tenant portal grows here (the
tenant's incident link page is in ``incident_link_views``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")
