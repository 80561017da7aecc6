from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from meldpunt.organization.selectors import organization_for_request
from meldpunt.organization.theme import theme_stylesheet


@login_not_required
@require_GET
def theme_css(request: HttpRequest) -> HttpResponse:
    """The organization's colours as CSS custom properties.

    Pages link it with ``?v=<theme version>``, so it can be cached for long:
    a saved theme changes the version and with it the URL.
    """
    organization = organization_for_request(request)
    response = HttpResponse(theme_stylesheet(organization.colours or {}), content_type="text/css")
    if request.GET.get("v") == organization.theme_version:
        patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response
