"""Public pages. For now only the landing page; the tenant portal grows here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")
