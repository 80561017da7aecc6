from meldpunt.common.events import declare

MESSAGE_QUEUED = declare("notification.queued", "A message was put in the outbox")
MESSAGE_GAVE_UP = declare("notification.abandoned", "A message could not be delivered in time")
TEST_MESSAGE = declare("notification.test_requested", "Staff asked for a test message")
MESSAGE_TEMPLATE_CHANGED = declare(
    "message_template.changed", "An administrator changed the wording of a message"
)
MESSAGE_TEMPLATE_RESET = declare(
    "message_template.reset", "An administrator restored the default wording of a message"
)
