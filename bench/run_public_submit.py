"""The public report form under load: POSTs of ``/incident`` (the form posts to
``/incident/send``) on PostgreSQL, served by gunicorn in production settings.

    .venv/bin/python bench/run_public_submit.py
    .venv/bin/python bench/run_public_submit.py --connections 8 --duration 30
    .venv/bin/python bench/run_public_submit.py --keep-limits --duration 5

Two runs against the same server: (a) a report without a photo, (b) a report
with one photo, a ~1.5 MB 3000 x 2250 JPEG made with Pillow at start (the
server checks it, scales it down to its largest side and stores it).

Set-up, shared with ``bench/run_incidents.py`` (imported from there): a
throw-away PostgreSQL cluster on a loopback port, ``migrate``,
``collectstatic``, ``bench/seed_incidents.py`` with a modest housing stock
(``--units``, default 2,000, and ``--incidents``, default 100), gunicorn
(``DJANGO_DEBUG=0``, a random secret key, ``MELDPUNT_HTTPS=0``, 2 x cores + 1
sync workers) on 127.0.0.1. Run as root with PostgreSQL server binaries
installed.

Every request goes through the real form: the CSRF cookie and token are
fetched once from ``GET /incident``, the category is the first radio on that
page, and each report names a seeded home by postcode, house number and
addition (taken from the database, one after the other, so reports spread over
the homes), with a name, a description and an email address. The hidden
``batch`` field is left out, so the server gives every POST its own photo batch
(as it does for a visitor whose form page is fresh); a shared batch would let
concurrent POSTs take each other's photos.

Abuse protection and how this bench deals with it:

- reports per sender per hour (``MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR``,
  default 10) and per home per hour (``MELDPUNT_REPORTS_PER_UNIT_PER_HOUR``,
  default 5) are Django settings read from the environment. All POSTs come
  from 127.0.0.1, so both are set to ``BENCH_LIMIT`` in the environment of
  this gunicorn only; the defaults in ``config/settings.py`` are untouched.
  The checks still run (two counting queries per submit), over more rows per
  sender than production would see;
- the honeypot field ``website`` is sent empty, as a person's browser does;
- the request size limit (``MELDPUNT_REPORT_MAX_REQUEST_BYTES``, 40 MB) is
  far above one photo, so it is not changed.

The load comes from a Python driver (threads, ``http.client``), not wrk. wrk
stops at the end of its duration with requests still in flight: the server
finishes and stores them, but wrk never counts them, so the check "reports
stored = successful submits" could only be "roughly". The driver lets every
started request finish and checks every answer: a success is a 302 to
``/incident/sent``; anything else is an error, counted and printed (status
and the page's error text). Each thread keeps one connection (gunicorn's sync
workers close it after each answer, so ``http.client`` reconnects, as wrk
does). The driver shares the machine's cores with the server; its own CPU
time is printed beside the results.

Before each run, 21 submits one after the other warm the workers; the first
is followed to the confirmation page (which must show the reference), the
other 20 are timed: "single" is their median, a submit on an idle server.

After each run the database must hold exactly one new inbox report and one
new queued confirmation email (``tenant.inbox_report_received``) per
success, and in run (b) one new photo per success; the script exits 1 on any
error or difference.

``--keep-limits`` serves with the default limits and runs (a) only: the
submits beyond the sender's hourly limit must then show up as errors (429),
which checks that refused submits are caught and printed.
"""

from __future__ import annotations

import argparse
import html
import http.client
import io
import itertools
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_incidents import ROOT, gunicorn, machine, postgres_cluster

PYTHON = sys.executable
FORM_PATH = "/incident"
SUBMIT_PATH = "/incident/send"
SENT_PATH = "/incident/sent"
# The hourly report limits for this bench server only (see the docstring).
BENCH_LIMIT = 1_000_000
BOUNDARY = "----meldpuntbench" + secrets.token_hex(8)
WARM_UP = 21
ERRORS_SHOWN = 5


@dataclass
class Run:
    label: str
    latencies: list[float] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    single_ms: float = 0.0
    driver_cpu: float = 0.0
    stored: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)

    @property
    def successes(self) -> int:
        return len(self.latencies)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# ---------------------------------------------------------------- what is sent


def make_photo() -> bytes:
    """A 3000 x 2250 JPEG of 1 to 2 MB: a gradient with noise, so it compresses like a photo."""
    from PIL import Image

    width, height = 3000, 2250
    red = Image.linear_gradient("L").resize((width, height))
    blue = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((width, height))
    for sigma in (12, 9, 15, 7, 18):
        green = Image.effect_noise((width, height), sigma)
        out = io.BytesIO()
        Image.merge("RGB", (red, green, blue)).save(out, format="JPEG", quality=85)
        if 1_000_000 <= out.tell() <= 2_000_000:
            return out.getvalue()
    raise SystemExit("could not make a 1–2 MB test photo")


def multipart(fields: list[tuple[str, str]], photo: bytes | None) -> bytes:
    """The body a browser sends for the form: text fields, then the file input (empty
    when no photo is chosen, as browsers send it)."""
    parts = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    filename, content_type = (
        ("lekkage.jpg", "image/jpeg") if photo else ("", "application/octet-stream")
    )
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; '
        f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
    )
    parts.append(photo or b"")
    parts.append(f"\r\n--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


@dataclass(frozen=True)
class FormSession:
    cookie: str
    token: str
    category: str


def fetch_form(port: int) -> FormSession:
    """``GET /incident`` once: the CSRF cookie, the token and the first category."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", FORM_PATH)
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    cookie = ""
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("csrftoken="):
            cookie = header.split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    category = re.search(r'name="category" value="(\d+)"', page)
    if response.status != 200 or not cookie or token is None or category is None:
        raise SystemExit(f"GET {FORM_PATH} answered {response.status} without a usable form")
    return FormSession(cookie=cookie, token=token.group(1), category=category.group(1))


class Reports:
    """Report bodies, one home after the other, numbered (thread-safe)."""

    def __init__(self, form: FormSession, homes: list[tuple[str, str, str]], photo: bytes | None):
        self.form, self.homes, self.photo = form, homes, photo
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def next_body(self) -> bytes:
        with self._lock:
            number = next(self._numbers)
        postcode, house_number, addition = self.homes[number % len(self.homes)]
        fields = [
            ("csrfmiddlewaretoken", self.form.token),
            ("category", self.form.category),
            ("postcode", postcode),
            ("house_number", house_number),
            ("addition", addition),
            ("tenant_number", ""),
            ("description", f"Lekkage onder het aanrecht ({number}), het druppelt sinds gisteren."),
            ("name", "Sanne de Vries"),
            ("email", f"huurder{number}@example.test"),
            ("phone", ""),
            ("website", ""),  # the honeypot, empty as a person leaves it
        ]
        return multipart(fields, self.photo)


def submit(
    conn: http.client.HTTPConnection, form: FormSession, body: bytes
) -> tuple[int, str, str]:
    """POST one report; returns (status, Location, error text of the page)."""
    conn.request(
        "POST",
        SUBMIT_PATH,
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Cookie": form.cookie,
        },
    )
    response = conn.getresponse()
    page = response.read()
    location = response.headers.get("Location", "")
    if response.status == 302 and location == SENT_PATH:
        return response.status, location, ""
    text = page.decode(errors="replace")
    found = re.search(r'data-testid="error-summary"[^>]*>(.*?)</(?:div|section)>', text, re.S)
    snippet = re.sub(r"<[^>]+>|\s+", " ", found.group(1) if found else text[:300])
    return response.status, location, html.unescape(snippet).strip()[:300]


def load(port: int, reports: Reports, *, label: str, connections: int, seconds: int) -> Run:
    run = Run(label=label)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < deadline:
                body = reports.next_body()
                started = time.perf_counter()
                try:
                    status, location, text = submit(conn, reports.form, body)
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    status, location, text = 0, "", f"{type(error).__name__}: {error}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 302 and location == SENT_PATH:
                        run.latencies.append(elapsed)
                    else:
                        run.errors.append((status, text))
        finally:
            conn.close()

    cpu, started = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    run.driver_cpu = time.process_time() - cpu
    return run


# ---------------------------------------------------------------- the database


COUNTS = {
    "inbox reports": "SELECT count(*) FROM incidents_inboxreport",
    "queued confirmations": (
        "SELECT count(*) FROM notifications_outboxmessage "
        "WHERE template = 'tenant.inbox_report_received' AND channel = 'email' "
        "AND status = 'queued'"
    ),
    "report photos": "SELECT count(*) FROM incidents_inboxattachment",
}


def db_counts(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return {label: conn.execute(sql).fetchone()[0] for label, sql in COUNTS.items()}  # type: ignore[index]


def seeded_homes(database_url: str, limit: int) -> list[tuple[str, str, str]]:
    """(postcode, house number, addition) of seeded dwellings, in id order."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT postcode, house_number, house_number_addition FROM properties_unit "
            "WHERE code LIKE 'BU%%' ORDER BY id LIMIT %s",
            [limit],
        ).fetchall()
    if not rows:
        raise SystemExit("no seeded homes found")
    return [(postcode, str(number), addition) for postcode, number, addition in rows]


def warm_up(port: int, reports: Reports, *, timed: int = WARM_UP - 1) -> list[float]:
    """Sequential submits before the load: the first one followed to the confirmation
    page, which must show the report's reference; the others timed one by one
    (milliseconds), for the latency of a submit on an idle server."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            SUBMIT_PATH,
            body=reports.next_body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Cookie": reports.form.cookie,
            },
        )
        response = conn.getresponse()
        response.read()
        session = next(
            (
                header.split(";", 1)[0]
                for header in response.headers.get_all("Set-Cookie") or []
                if header.startswith("sessionid=")
            ),
            "",
        )
        if response.status != 302 or response.headers.get("Location") != SENT_PATH:
            raise SystemExit(f"the first submit answered {response.status}, not a redirect")
        conn.close()
        conn.request("GET", SENT_PATH, headers={"Cookie": session})
        sent = conn.getresponse()
        page = sent.read().decode()
        if sent.status != 200 or not re.search(
            r'data-testid="report-reference"[^>]*>R-\d{6}<', page
        ):
            raise SystemExit("the confirmation page does not show a reference")
        timings = []
        for _ in range(timed):
            body = reports.next_body()
            started = time.perf_counter()
            status, _location, text = submit(conn, reports.form, body)
            timings.append((time.perf_counter() - started) * 1000)
            if status != 302:
                raise SystemExit(f"warm-up submit answered {status}: {text}")
    finally:
        conn.close()
    return timings


# ---------------------------------------------------------------- the whole run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=8, help="concurrent senders (≤ 16)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per run (≤ 30)")
    parser.add_argument("--units", type=int, default=2_000, help="homes to seed")
    parser.add_argument("--incidents", type=int, default=100, help="incidents to seed")
    parser.add_argument(
        "--keep-limits",
        action="store_true",
        help="serve with the default hourly limits and run (a) only: the submits beyond "
        "them must show up as errors (429), a check that errors are caught",
    )
    args = parser.parse_args()
    args.connections = max(1, min(args.connections, 16))
    args.duration = max(1, min(args.duration, 30))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    photo = make_photo()

    with ExitStack() as stack:
        data_dir = Path(tempfile.mkdtemp(prefix="meldpunt-bench-"))
        stack.callback(shutil.rmtree, data_dir, True)
        database_url, pg_version = stack.enter_context(postgres_cluster())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "MELDPUNT_HTTPS": "0",
            "MELDPUNT_DATA_DIR": str(data_dir),
            "MELDPUNT_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "PYTHONPATH": str(ROOT),
        }
        manage = [PYTHON, str(ROOT / "manage.py")]
        print("migrate, collectstatic", file=sys.stderr, flush=True)
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
        )
        print("seeding", file=sys.stderr, flush=True)
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "seed_incidents.py"), f"--incidents={args.incidents}",
             f"--units={args.units}"],
            env=env, check=True, cwd=ROOT, stdout=sys.stderr,
        )  # fmt: skip
        homes = seeded_homes(database_url, args.units)
        server_env = dict(env)
        if not args.keep_limits:
            # Raised for this bench server only: every POST comes from 127.0.0.1.
            server_env["MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR"] = str(BENCH_LIMIT)
            server_env["MELDPUNT_REPORTS_PER_UNIT_PER_HOUR"] = str(BENCH_LIMIT)
        workers = 2 * (os.cpu_count() or 1) + 1
        runs: list[Run] = []
        with gunicorn(server_env, workers) as port:
            form = fetch_form(port)
            plan = [("(a) without photo", False), ("(b) with one photo", True)]
            # With the default limits, run (a) uses up the sender's hour.
            for label, with_photo in plan[:1] if args.keep_limits else plan:
                reports = Reports(form, homes, photo if with_photo else None)
                print(f"{label}: warm-up, then {args.duration} s", file=sys.stderr, flush=True)
                single = warm_up(port, reports, timed=0 if args.keep_limits else WARM_UP - 1)
                before = db_counts(database_url)
                run = load(
                    port, reports, label=label, connections=args.connections,
                    seconds=args.duration,
                )  # fmt: skip
                after = db_counts(database_url)
                run.single_ms = statistics.median(single) if single else 0.0
                run.stored = {key: after[key] - before[key] for key in COUNTS}
                run.expected = {
                    "inbox reports": run.successes,
                    "queued confirmations": run.successes,
                    "report photos": run.successes if with_photo else 0,
                }
                runs.append(run)
    return report(runs, args, pg_version, workers, len(homes), len(photo))


def report(
    runs: list[Run], args: argparse.Namespace, pg_version: str, workers: int, homes: int,
    photo_bytes: int,
) -> int:  # fmt: skip
    import django

    print()
    print(f"### Public report form, POST {SUBMIT_PATH} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print()
    print(f"- machine: {machine()}")
    print(
        f"- software: Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {pg_version}, gunicorn {workers} sync workers"
    )
    print(
        f"- load: Python driver, {args.connections} connections × {args.duration} s per run, "
        f"{WARM_UP} sequential submits before each (the first not timed: "
        f"single = their median); {homes:,} seeded homes in turn; "
        f"photo {photo_bytes / 1_000_000:.2f} MB JPEG (3000 × 2250)"
    )
    if args.keep_limits:
        print("- limits: the defaults (--keep-limits): errors are expected")
    else:
        print(
            f"- limits for this server only: MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR and "
            f"MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = {BENCH_LIMIT:,}"
        )
    print()
    print("| run | single | submits | req/s | p50 | p95 | p99 | errors | driver CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(
            f"| {run.label} | {f'{run.single_ms:.0f} ms' if run.single_ms else '—'} "
            f"| {run.successes:,} "
            f"| {run.successes / run.seconds:,.1f} "
            f"| {run.percentile(0.50):.0f} ms | {run.percentile(0.95):.0f} ms "
            f"| {run.percentile(0.99):.0f} ms | {len(run.errors)} "
            f"| {run.driver_cpu:.2f} s of {run.seconds:.1f} s |"
        )
    print()
    ok = True
    for run in runs:
        checks = ", ".join(f"{key} {run.stored[key]:,}/{run.expected[key]:,}" for key in COUNTS)
        same = run.stored == run.expected
        ok = ok and same and not run.errors
        verdict = "OK" if same else "MISMATCH"
        if run.errors:
            verdict += f", {len(run.errors)} errors"
        print(f"- {run.label}: stored/expected {checks} — {verdict}")
        for status, text in run.errors[:ERRORS_SHOWN]:
            print(f"  - error {status}: {text}")
        if len(run.errors) > ERRORS_SHOWN:
            print(f"  - … {len(run.errors) - ERRORS_SHOWN} more errors")
    print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
