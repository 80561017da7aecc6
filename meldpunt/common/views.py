from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_not_required
@never_cache
@require_safe
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The cheapest real page: the base layout with its one query (the organization).

    Benchmarks compare every page against it. Answers 404 unless the setting
    ``MELDPUNT_BENCH_FLOOR`` is on, which only the benchmark scripts switch on.
    """
    if not settings.MELDPUNT_BENCH_FLOOR:
        raise Http404
    return render(request, "bench/floor.html")
