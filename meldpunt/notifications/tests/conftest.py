"""A real SMTP server on loopback that keeps what it receives."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Start, stop and restart a loopback SMTP server on one fixed port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Sink()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
        }
    }
    settings.MELDPUNT_TRANSPORTS = {**settings.MELDPUNT_TRANSPORTS, "email": "email"}
    yield sink
    sink.stop()
