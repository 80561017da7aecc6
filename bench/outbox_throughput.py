"""How fast the outbox delivers: queue N email notifications, let real workers send
them to an SMTP server on loopback, and print messages per second.

    .venv/bin/python bench/outbox_throughput.py [--messages 10000] [--workers 2]

Runs against a fresh SQLite database in a temporary folder, or against
PostgreSQL when ``--database-url`` names an empty database the script may
migrate. The SMTP server runs inside this process (aiosmtpd) and counts every
Message-ID it receives, so the run also proves that no message arrives twice.
Bounded: the script gives up after ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

QUEUE_SCRIPT = """
import sys, time
import django
django.setup()
from django.db import transaction
from meldpunt.notifications.services import notification_queue

count = int(sys.argv[1])
started = time.perf_counter()
with transaction.atomic():
    for number in range(count):
        notification_queue(
            event="notification.test_requested",
            template="test_message",
            channel="email",
            recipient=f"tenant{number}@example.test",
            recipient_name=f"Tenant {number}",
            context={},
            dedupe_key=f"bench:{number}",
            language=("nl", "en", "nb")[number % 3],
        )
print(f"{time.perf_counter() - started:.3f}")
"""


class CountingSink:
    """Counts what arrives, by Message-ID."""

    def __init__(self) -> None:
        self.ids: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.first_at: float | None = None
        self.last_at: float | None = None

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        now = time.perf_counter()
        with self.lock:
            self.ids[str(parsed["Message-ID"])] += 1
            self.first_at = self.first_at or now
            self.last_at = now
        return "250 OK"

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.ids.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="meldpunt-bench-"))
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "MELDPUNT_HTTPS": "0",
        "MELDPUNT_DATA_DIR": str(data_dir),
        "MELDPUNT_EMAIL_TRANSPORT": "email",
        "MELDPUNT_SMTP_HOST": "127.0.0.1",
        "MELDPUNT_SMTP_PORT": str(port),
        "MELDPUNT_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        queued = subprocess.run(
            [PYTHON, "-c", QUEUE_SCRIPT, str(args.messages)],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        queue_seconds = float(queued.stdout.strip().splitlines()[-1])

        started = time.perf_counter()
        for number in range(args.workers):
            workers.append(
                subprocess.Popen(
                    [
                        *manage,
                        "db_worker",
                        "--no-startup-delay",
                        "--no-reload",
                        "--interval",
                        "0.2",
                        "--worker-id",
                        f"bench-{number}",
                    ],
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = started + args.timeout
        while sink.received < args.messages and time.perf_counter() < deadline:
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        time.sleep(1)  # anything arriving late would be a duplicate: give it a moment
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        controller.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    received = sink.received
    duplicates = sum(count - 1 for count in sink.ids.values() if count > 1)
    database = "PostgreSQL" if args.database_url else "SQLite"
    import django

    print()
    print(f"Outbox throughput, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine   {machine()}")
    print(
        f"software  Python {platform.python_version()}, Django {django.get_version()}, "
        f"{database}, {args.workers} db_worker process(es), SMTP sink on loopback"
    )
    print()
    print("| messages | queued in | delivered | duplicates | delivery time | messages/s |")
    print("|---:|---:|---:|---:|---:|---:|")
    rate = received / elapsed if elapsed else 0.0
    print(
        f"| {args.messages:,} | {queue_seconds:.1f} s | {received:,} | {duplicates} "
        f"| {elapsed:.1f} s | {rate:.0f} |"
    )
    if received < args.messages:
        print(f"\nOnly {received} of {args.messages} arrived within {args.timeout:.0f} s.")
        return 1
    return 1 if duplicates else 0


if __name__ == "__main__":
    sys.exit(main())
