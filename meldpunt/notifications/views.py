"""Provider callbacks. No login; each request proves its origin by signature."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from meldpunt.notifications.services import delivery_status_record
from meldpunt.notifications.transports import status_callback_url


@csrf_exempt
@login_not_required
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Twilio's delivery report for an SMS or WhatsApp message.

    The signature is checked over the configured public URL, never over the
    Host header a caller chooses.
    """
    validator = RequestValidator(settings.TWILIO["AUTH_TOKEN"])
    signature = request.headers.get("X-Twilio-Signature", "")
    params = {key: request.POST.get(key, "") for key in request.POST}
    if not settings.TWILIO["AUTH_TOKEN"] or not validator.validate(
        status_callback_url(), params, signature
    ):
        return HttpResponseForbidden()
    delivery_status_record(
        provider_message_id=params.get("MessageSid", ""),
        status=params.get("MessageStatus", ""),
    )
    return HttpResponse(status=204)
