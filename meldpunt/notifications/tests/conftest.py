"""A real SMTP server on loopback that keeps what it receives, and a fake IMAP mailbox."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from meldpunt.notifications.tests.fake_imap import FakeImapServer


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


class FakeTwilio:
    """An HTTP server on loopback that answers like Twilio's Messages API.

    ``mode`` decides the answer: "ok", "error" (500), "invalid" (400, no such
    number) or "slow" (answers after the client's timeout).
    """

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs

        fake = self
        self.mode = "ok"
        self.requests: list[dict[str, str]] = []
        self.counter = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                form["_path"] = self.path
                fake.requests.append(form)
                if fake.mode == "slow":
                    import time

                    time.sleep(3)
                if fake.mode in ("error", "slow"):
                    self._answer(500, {"code": 20500, "message": "Internal error", "status": 500})
                    return
                if fake.mode == "invalid":
                    self._answer(
                        400,
                        {"code": 21211, "message": "The 'To' number is not valid", "status": 400},
                    )
                    return
                fake.counter += 1
                self._answer(
                    201,
                    {
                        "sid": f"SM{fake.counter:032d}",
                        "status": "queued",
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "body": form.get("Body"),
                    },
                )

            def _answer(self, status: int, payload: dict) -> None:
                import json

                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_twilio(settings) -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    settings.TWILIO = {
        "ACCOUNT_SID": "AC" + "0" * 32,
        "AUTH_TOKEN": "test-auth-token",
        "SMS_FROM": "+3197010000000",
        "WHATSAPP_FROM": "+3197010000001",
        "API_BASE_URL": fake.url,
    }
    settings.TWILIO_TIMEOUT = 5
    settings.MELDPUNT_TRANSPORTS = {"email": "local", "sms": "twilio", "whatsapp": "twilio"}
    yield fake
    fake.close()


@pytest.fixture
def fake_imap(settings) -> Iterator[FakeImapServer]:
    """A loopback IMAP mailbox, with the MELDPUNT_IMAP_* settings pointing at it."""
    server = FakeImapServer()
    settings.MELDPUNT_IMAP_HOST = "127.0.0.1"
    settings.MELDPUNT_IMAP_PORT = server.port
    settings.MELDPUNT_IMAP_SSL = False
    settings.MELDPUNT_IMAP_USER = server.user
    settings.MELDPUNT_IMAP_PASSWORD = server.password
    settings.MELDPUNT_IMAP_FOLDER = "INBOX"
    yield server
    server.close()
