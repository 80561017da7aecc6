"""One incident: thread, notes, tasks, files, phase and handler."""

from django.http import Http404, HttpRequest, HttpResponse

from meldpunt.accounts.permissions import staff_required


@staff_required()
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    raise Http404
