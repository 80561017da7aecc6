"""The supplier's and owner's page for one sub-incident, behind a personal link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse


@login_not_required
def party_link(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
