from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.urls import path

from meldpunt.notifications import views

app_name = "notifications"
urlpatterns = [
    path("twilio/status", views.twilio_status, name="twilio_status"),
    # Inbound mail from Postmark (raw MIME, basic auth with the webhook secret).
    # Only the provider we document is routed: every other provider's endpoint
    # would answer without a signing key configured.
    path(
        "anymail/postmark/inbound/",
        PostmarkInboundWebhookView.as_view(),
        name="postmark_inbound",
    ),
]
