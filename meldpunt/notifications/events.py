from meldpunt.common.events import declare

MESSAGE_QUEUED = declare("notification.queued", "A message was put in the outbox")
MESSAGE_GAVE_UP = declare("notification.abandoned", "A message could not be delivered in time")
TEST_MESSAGE = declare("notification.test_requested", "Staff asked for a test message")
