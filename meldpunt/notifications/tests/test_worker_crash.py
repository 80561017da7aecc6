"""A real worker process is killed with SIGKILL in the middle of sending.

The worker runs against its own SQLite file and delivers to a real SMTP server
on loopback that holds the first message's DATA until the worker is dead.
Afterwards a new worker and the sweep deliver every message exactly once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from meldpunt.notifications.tests.conftest import SmtpSink

ROOT = Path(__file__).resolve().parents[3]

QUEUE_SCRIPT = """
from django.db import transaction
from meldpunt.common.actors import Actor
from meldpunt.notifications.services import notification_queue
from meldpunt.organization.services import organization_ensure
organization_ensure(actor=Actor.system(), name="Woonstichting Crash")
with transaction.atomic():
    for index in range(3):
        notification_queue(event="notification.test_requested", template="test_message",
            recipient=f"huurder{index}@example.net", channel="email", context={},
            dedupe_key=f"crash-{index}")
"""

STATUS_SCRIPT = """
from meldpunt.notifications.models import OutboxMessage
for m in OutboxMessage.objects.order_by("pk"):
    print(m.recipient, m.status, m.attempts)
"""


class HoldingSink:
    """An SMTP handler that keeps the first DATA command waiting until released."""

    def __init__(self) -> None:
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.accepted: list[bytes] = []
        self.held_once = False

    async def handle_DATA(self, server, session, envelope):
        if not self.held_once:
            self.held_once = True
            self.first_arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        self.accepted.append(envelope.original_content)
        return "250 Message accepted for delivery"


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(tmp_path):
    sink = SmtpSink()
    holding = HoldingSink()
    sink.handler = holding  # type: ignore[assignment]
    sink.start()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "MELDPUNT_TESTING": "1",
            "MELDPUNT_DATA_DIR": str(tmp_path),
            "MELDPUNT_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "MELDPUNT_EMAIL_TRANSPORT": "email",
            "MELDPUNT_SMTP_HOST": "127.0.0.1",
            "MELDPUNT_SMTP_PORT": str(sink.port),
            "MELDPUNT_SMTP_TIMEOUT": "30",
            "MELDPUNT_OUTBOX_CLAIM_TIMEOUT": "1",
        }
    )
    worker = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "shell", "--no-imports", "-c", QUEUE_SCRIPT)
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert holding.first_arrived.wait(60), "the worker never started sending"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        holding.release.set()

        status = manage(env, "shell", "--no-imports", "-c", STATUS_SCRIPT)
        assert "sending" in status, status  # the dead worker's row is still claimed

        time.sleep(1.5)  # let the claim time out
        manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
        manage(env, "notifications_sweep")
        status = manage(env, "shell", "--no-imports", "-c", STATUS_SCRIPT)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        sink.stop()

    lines = sorted(status.split("\n"))
    assert [line.split()[1] for line in lines if line] == ["sent", "sent", "sent"], status
    recipients = sorted(
        line.decode()
        for mail in holding.accepted
        for line in mail.splitlines()
        if line.startswith(b"To:")
    )
    assert recipients == [f"To: huurder{i}@example.net" for i in range(3)]
