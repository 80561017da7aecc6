"""Sub-incidents and work orders in the back office."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from meldpunt.accounts.permissions import staff_required


@staff_required()
def sub_incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404
