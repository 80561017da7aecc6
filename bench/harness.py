"""The machinery every benchmark in ``bench/run.py`` shares.

- a private PostgreSQL cluster on a loopback port in a temporary folder
  (``postgres_cluster``), removed afterwards;
- the application on it (``Stack``): ``migrate``, ``collectstatic``, seeding
  through ``bench/seed_incidents.py``, gunicorn in production settings and the
  background worker and outbox sweep as ``./dev up`` starts them, delivering
  email to an SMTP sink on loopback that counts what arrives;
- HTTP on loopback: a staff login through the real login form, sequential
  timings, wrk under load, and a driver for the public report form that
  fetches the form (CSRF cookie and token) like a browser and posts it;
- markdown tables.

Run as root: the cluster runs as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import html
import http.client
import io
import itertools
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from glob import glob
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
STAFF_USERNAME = "medewerker"
# The hourly report limits (per sender, per home) for the bench's server only:
# every POST comes from 127.0.0.1, so the defaults would refuse the load. The
# checks still run on every submit.
BENCH_REPORT_LIMIT = 1_000_000
FORM_PATH = "/incident"
SUBMIT_PATH = "/incident/send"
SENT_PATH = "/incident/sent"
CONFIRMATION_TEMPLATE = "tenant.inbox_report_received"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def machine() -> str:
    cpu, memory = platform.machine(), ""
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f", {int(meminfo.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}"


def load_average() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def software(pg_version: str, workers: int | None = None) -> str:
    """Versions; with ``workers``, the served set-up as well."""
    import django

    text = (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {pg_version} (private cluster, fsync off)"
    )
    if workers is None:
        return text
    return (
        f"{text}, gunicorn {workers} sync workers, 1 db_worker and the outbox sweep, "
        f"production settings (DJANGO_DEBUG=0, MELDPUNT_HTTPS=0)"
    )


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# ---------------------------------------------------------------- PostgreSQL


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RUNUSER, "-u", "postgres", "--", *command], check=True, text=True, capture_output=True
    )


@contextmanager
def postgres_cluster() -> Iterator[tuple[str, str]]:
    """A throw-away cluster on 127.0.0.1, owned by ``postgres``: yields (url, version)."""
    bins = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        raise SystemExit("PostgreSQL server binaries not found (apt-get install postgresql)")
    pg_bin = Path(bins[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="meldpunt-bench-pg-"))
    shutil.chown(folder, "postgres")
    data = folder / "data"
    port = free_port()
    password = secrets.token_urlsafe(18)
    started = False
    try:
        _as_postgres(
            str(pg_bin / "initdb"), f"--pgdata={data}", "--username=postgres",
            "--auth-local=peer", "--auth-host=scram-sha-256", "--encoding=UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        options = " ".join(
            f"-c {setting}"
            for setting in (
                "listen_addresses=127.0.0.1", f"port={port}", f"unix_socket_directories={folder}",
                # A throw-away cluster: durability off for a fast load.
                "fsync=off", "synchronous_commit=off", "full_page_writes=off",
                "shared_buffers=1GB", "effective_cache_size=8GB", "max_wal_size=8GB",
                "maintenance_work_mem=1GB", "max_connections=100",
            )
        )  # fmt: skip
        _as_postgres(
            str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
            "-w", "-t", "60", "start", "-o", options,
        )  # fmt: skip
        started = True
        _as_postgres(
            str(pg_bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(folder),
            "-p", str(port), "-d", "postgres",
            "-c", f"CREATE ROLE meldpunt LOGIN PASSWORD '{password}'",
            "-c", "CREATE DATABASE meldpunt OWNER meldpunt",
        )  # fmt: skip
        reported = _as_postgres(str(pg_bin / "postgres"), "--version").stdout
        version = re.sub(r"^\D*", "", reported).split()[0]
        yield f"postgres://meldpunt:{password}@127.0.0.1:{port}/meldpunt", version
    finally:
        if started:
            subprocess.run(
                [RUNUSER, "-u", "postgres", "--", str(pg_bin / "pg_ctl"), "-D", str(data),
                 "-m", "fast", "-w", "stop"],
                capture_output=True, check=False,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def sql_rows(database_url: str, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return list(conn.execute(query, params).fetchall())


def sql_value(database_url: str, query: str, params: Sequence[Any] = ()) -> Any:
    return sql_rows(database_url, query, params)[0][0]


# ---------------------------------------------------------------- SMTP sink


class SmtpSink:
    """An SMTP server on loopback (aiosmtpd) that counts every message it receives
    by recipient and by Message-ID."""

    def __init__(self) -> None:
        self.by_recipient: Counter[str] = Counter()
        self.by_message_id: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.by_message_id[str(parsed["Message-ID"])] += 1
            for recipient in envelope.rcpt_tos:
                self.by_recipient[recipient.lower()] += 1
        return "250 OK"

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.by_message_id.values())

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


# ---------------------------------------------------------------- processes


def _wait_for(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if request(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.3)


@contextmanager
def _process(command: list[str], env: dict[str, str], *, quiet: bool = True) -> Iterator[Any]:
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Stack:
    """One private PostgreSQL, the application's environment and its processes."""

    database_url: str
    pg_version: str
    data_dir: Path
    env: dict[str, str]
    sink: SmtpSink
    workers: int = 2 * (os.cpu_count() or 1) + 1
    port: int = 0
    seed_seconds: float = 0.0
    seed_log: str = ""

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), *arguments], env=self.env, check=True, cwd=ROOT
        )

    def seed(self, *, incidents: int, units: int) -> None:
        log(f"[{incidents:,}] migrate, collectstatic")
        self.manage("migrate", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        log(f"[{incidents:,}] seeding {incidents:,} incidents, {units:,} units")
        started = time.perf_counter()
        seeded = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "seed_incidents.py"), f"--incidents={incidents}",
             f"--units={units}"],
            env=self.env, check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.seed_seconds = time.perf_counter() - started
        self.seed_log = seeded.stdout.rstrip()
        log(self.seed_log)

    def python(self, *arguments: str) -> str:
        """Run Python (a script file, or ``-c`` and code) in a process against this
        database; its stdout."""
        return subprocess.run(
            [PYTHON, *arguments],
            env={**self.env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"},
            check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        ).stdout  # fmt: skip

    @contextmanager
    def db_workers(self, count: int) -> Iterator[None]:
        """``count`` background workers (``db_worker``) and nothing else."""
        with ExitStack() as stack:
            for number in range(count):
                stack.enter_context(
                    _process(
                        [
                            PYTHON,
                            str(ROOT / "manage.py"),
                            "db_worker",
                            "--queue-name",
                            "*",
                            "--verbosity",
                            "0",
                            "--no-startup-delay",
                            "--interval",
                            "0.2",
                            "--worker-id",
                            f"bench-{number}",
                        ],
                        self.env,
                    )
                )
            yield

    @contextmanager
    def serving(self, *, background: bool = True) -> Iterator[int]:
        """gunicorn on 127.0.0.1 and, with ``background``, the worker and the outbox
        sweep as ``./dev up`` runs them; yields the server's port."""
        port = free_port()
        with ExitStack() as stack:
            server = stack.enter_context(
                _process(
                    [
                        PYTHON,
                        "-m",
                        "gunicorn",
                        "config.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(self.workers),
                        "--log-level",
                        "warning",
                    ],
                    self.env,
                    quiet=False,
                )
            )
            if background:
                manage = [PYTHON, str(ROOT / "manage.py")]
                stack.enter_context(
                    _process(
                        [
                            *manage,
                            "db_worker",
                            "--queue-name",
                            "*",
                            "--verbosity",
                            "0",
                            "--no-startup-delay",
                            "--no-reload",
                        ],
                        self.env,
                    )
                )
                stack.enter_context(
                    _process([*manage, "notifications_sweep", "--loop", "30"], self.env)
                )
            _wait_for(port, server, "gunicorn")
            self.port = port
            yield port


@contextmanager
def stack(*, floor: bool = True) -> Iterator[Stack]:
    """A private cluster, a temporary data folder and an SMTP sink, all removed
    afterwards. Notification email goes to the sink."""
    with ExitStack() as cleanup:
        data_dir = Path(tempfile.mkdtemp(prefix="meldpunt-bench-"))
        cleanup.callback(shutil.rmtree, data_dir, True)
        database_url, pg_version = cleanup.enter_context(postgres_cluster())
        sink = cleanup.enter_context(SmtpSink())
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "MELDPUNT_HTTPS": "0",
            "MELDPUNT_BENCH_FLOOR": "1" if floor else "0",
            "MELDPUNT_DATA_DIR": str(data_dir),
            "MELDPUNT_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "MELDPUNT_EMAIL_TRANSPORT": "email",
            "MELDPUNT_SMTP_HOST": "127.0.0.1",
            "MELDPUNT_SMTP_PORT": str(sink.port),
            "MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR": str(BENCH_REPORT_LIMIT),
            "MELDPUNT_REPORTS_PER_UNIT_PER_HOUR": str(BENCH_REPORT_LIMIT),
            "PYTHONPATH": str(ROOT),
        }
        yield Stack(
            database_url=database_url, pg_version=pg_version, data_dir=data_dir, env=env,
            sink=sink,
        )  # fmt: skip


# ---------------------------------------------------------------- HTTP


def request(
    port: int,
    path: str,
    *,
    cookies: str = "",
    method: str = "GET",
    body: bytes | str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes, http.client.HTTPMessage]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookies} if cookies else {}
    if body is not None:
        headers["Content-Type"] = content_type
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        if connection is None:
            conn.close()
    return response.status, data, response.headers


def set_cookies(jar: dict[str, str], headers: http.client.HTTPMessage) -> None:
    for header in headers.get_all("Set-Cookie") or []:
        name, _sep, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def staff_login(port: int, password: str, username: str = STAFF_USERNAME) -> str:
    """Sign in through the real login form; returns the Cookie header to send."""
    jar: dict[str, str] = {}
    status, page, headers = request(port, "/accounts/login/")
    set_cookies(jar, headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise SystemExit(f"login page answered {status}")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "login": username, "password": password}
    )
    status, _page, headers = request(
        port, "/accounts/login/", cookies=cookie_header(jar), method="POST", body=form
    )
    set_cookies(jar, headers)
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"staff login failed ({status})")
    return cookie_header(jar)


def sequential(port: int, path: str, cookies: str, *, count: int, warm: int = 2) -> list[float]:
    """Latencies (ms) of ``count`` requests one after the other on one kept-alive
    connection, after ``warm`` untimed ones."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings = []
    try:
        for attempt in range(count + warm):
            started = time.perf_counter()
            status, _body, _headers = request(port, path, cookies=cookies, connection=conn)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            if attempt >= warm:
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return timings


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "JSON{\\"requests\\":%d,\\"seconds\\":%f,\\"p50\\":%d,\\"p95\\":%d,\\"p99\\":%d,"
    .. "\\"status_errors\\":%d,\\"socket_errors\\":%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(port: int, path: str, cookies: str, *, connections: int, seconds: int) -> Load:
    """wrk against one path: ≤ 16 connections, ≤ 30 seconds."""
    connections, seconds = max(1, min(connections, 16)), max(1, min(seconds, 30))
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = [
            shutil.which("wrk") or "wrk", f"--threads={min(2, connections)}",
            f"--connections={connections}", f"--duration={seconds}s", "--timeout=10s",
            f"--script={script.name}",
        ]  # fmt: skip
        if cookies:
            command += ["--header", f"Cookie: {cookies}"]
        output = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{path}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    found = json.loads(next(ln for ln in output.splitlines() if ln.startswith("JSON"))[4:])
    return Load(
        requests=found["requests"],
        seconds=found["seconds"],
        p50=found["p50"] / 1000,
        p95=found["p95"] / 1000,
        p99=found["p99"] / 1000,
        errors=found["status_errors"] + found["socket_errors"],
    )


# ---------------------------------------------------------------- the public report form


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


BOUNDARY = "----meldpuntbench" + secrets.token_hex(8)


def multipart(fields: Sequence[tuple[str, str]], photo: bytes | None) -> bytes:
    """The body a browser sends for the form: the text fields, then the file input
    (empty when no photo is chosen, as browsers send it)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
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
class FormPage:
    """What a browser takes from ``GET /incident``: the CSRF cookie, the form's token,
    its photo batch and the first category."""

    cookie: str
    token: str
    batch: str
    category: str


def fetch_form(port: int, connection: http.client.HTTPConnection | None = None) -> FormPage:
    status, page, headers = request(port, FORM_PATH, connection=connection)
    jar: dict[str, str] = {}
    set_cookies(jar, headers)
    text = page.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    category = re.search(r'name="category" value="(\d+)"', text)
    batch = re.search(r'name="batch" value="([^"]*)"', text)
    if status != 200 or "csrftoken" not in jar or token is None or category is None:
        raise SystemExit(f"GET {FORM_PATH} answered {status} without a usable form")
    return FormPage(
        cookie=f"csrftoken={jar['csrftoken']}",
        token=token.group(1),
        batch=batch.group(1) if batch else "",
        category=category.group(1),
    )


def seeded_homes(database_url: str, limit: int = 2_000) -> list[tuple[str, str, str]]:
    """(postcode, house number, addition) of seeded dwellings, in id order."""
    rows = sql_rows(
        database_url,
        "SELECT postcode, house_number, house_number_addition FROM properties_unit "
        "WHERE code LIKE 'BU%%' ORDER BY id LIMIT %s",
        [limit],
    )
    if not rows:
        raise SystemExit("no seeded homes found")
    return [(postcode, str(number), addition) for postcode, number, addition in rows]


def report_fields(
    form: FormPage, home: tuple[str, str, str], *, number: int, email: str, batch: bool
) -> list[tuple[str, str]]:
    """The fields a person fills in on the form (the honeypot left empty)."""
    postcode, house_number, addition = home
    fields = [
        ("csrfmiddlewaretoken", form.token),
        ("category", form.category),
        ("postcode", postcode),
        ("house_number", house_number),
        ("addition", addition),
        ("tenant_number", ""),
        ("description", f"Lekkage onder het aanrecht ({number}), het druppelt sinds gisteren."),
        ("name", "Sanne de Vries"),
        ("email", email),
        ("phone", ""),
        ("website", ""),  # the honeypot, empty as a person leaves it
    ]
    if batch and form.batch:
        fields.append(("batch", form.batch))
    return fields


def post_report(
    conn: http.client.HTTPConnection, cookie: str, body: bytes
) -> tuple[int, str, str, http.client.HTTPMessage | None]:
    """POST one report; returns (status, Location, error text of the page, headers)."""
    try:
        conn.request(
            "POST",
            SUBMIT_PATH,
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                     "Cookie": cookie},
        )  # fmt: skip
        response = conn.getresponse()
        page = response.read()
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return 0, "", f"{type(error).__name__}: {error}", None
    location = response.headers.get("Location", "")
    if response.status == 302 and location == SENT_PATH:
        return response.status, location, "", response.headers
    text = page.decode(errors="replace")
    found = re.search(r'data-testid="error-summary"[^>]*>(.*?)</(?:div|section)>', text, re.S)
    snippet = re.sub(r"<[^>]+>|\s+", " ", found.group(1) if found else text[:300])
    return response.status, location, html.unescape(snippet).strip()[:300], response.headers


@dataclass
class Submits:
    """Outcome of a series of report POSTs."""

    latencies: list[float] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    driver_cpu: float = 0.0

    @property
    def successes(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.successes / self.seconds if self.seconds else 0.0


class ReportBodies:
    """Report bodies for one shared form page, a seeded home after the other, each
    from its own email address ``tag-N@example.test`` (thread-safe)."""

    def __init__(
        self,
        form: FormPage,
        homes: list[tuple[str, str, str]],
        photo: bytes | None,
        *,
        tag: str,
    ) -> None:
        self.form, self.homes, self.photo, self.tag = form, homes, photo, tag
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> bytes:
        with self._lock:
            number = next(self._numbers)
        # No batch field: the server gives each POST its own photo batch, as for a
        # fresh form page; a shared batch would let concurrent POSTs take each
        # other's photos.
        fields = report_fields(
            self.form, self.homes[number % len(self.homes)], number=number,
            email=f"{self.tag}-{number}@example.test", batch=False,
        )  # fmt: skip
        return multipart(fields, self.photo)


def submit_sequential(port: int, bodies: ReportBodies, *, count: int) -> list[float]:
    """``count`` submits one after the other (ms each) after one that is followed to
    the confirmation page, which must show the report's reference."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        status, _location, text, headers = post_report(conn, bodies.form.cookie, bodies.next())
        if status != 302 or headers is None:
            raise SystemExit(f"the first submit answered {status}: {text}")
        jar: dict[str, str] = {}
        set_cookies(jar, headers)
        status, page, _headers = request(port, SENT_PATH, cookies=cookie_header(jar))
        if status != 200 or not re.search(rb'data-testid="report-reference"[^>]*>R-\d{6}<', page):
            raise SystemExit("the confirmation page does not show a reference")
        timings = []
        for _ in range(count):
            body = bodies.next()
            started = time.perf_counter()
            status, _location, text, _answer = post_report(conn, bodies.form.cookie, body)
            timings.append((time.perf_counter() - started) * 1000)
            if status != 302:
                raise SystemExit(f"a sequential submit answered {status}: {text}")
    finally:
        conn.close()
    return timings


def submit_load(port: int, bodies: ReportBodies, *, connections: int, seconds: int) -> Submits:
    """Closed loop: ``connections`` senders (≤ 16) post for ``seconds`` (≤ 30). Every
    started request is let finish and checked (unlike wrk, which drops the requests
    in flight at the end), so the database can be compared with the successes."""
    connections, seconds = max(1, min(connections, 16)), max(1, min(seconds, 30))
    result = Submits()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < deadline:
                body = bodies.next()
                started = time.perf_counter()
                status, location, text, _headers = post_report(conn, bodies.form.cookie, body)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if status == 302 and location == SENT_PATH:
                        result.latencies.append(elapsed)
                    else:
                        result.errors.append((status, text))
        finally:
            conn.close()

    cpu, started = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.driver_cpu = time.process_time() - cpu
    return result


# ---------------------------------------------------------------- the outbox


def wait_for_outbox(
    database_url: str, *, condition: str, params: Sequence[Any], timeout: float
) -> float:
    """Wait until no outbox message matching ``condition`` is queued or being sent;
    returns the seconds waited (``timeout`` if it gave up)."""
    started = time.perf_counter()
    query = (
        "SELECT count(*) FROM notifications_outboxmessage "  # noqa: S608
        f"WHERE status IN ('queued', 'sending') AND ({condition})"
    )
    while time.perf_counter() - started < timeout:
        if sql_value(database_url, query, params) == 0:
            break
        time.sleep(0.5)
    return time.perf_counter() - started


def outbox_counts(database_url: str, *, condition: str, params: Sequence[Any]) -> dict[str, int]:
    rows = sql_rows(
        database_url,
        f"SELECT status, count(*) FROM notifications_outboxmessage WHERE {condition} "  # noqa: S608
        "GROUP BY status",
        params,
    )
    return dict(rows)


# ---------------------------------------------------------------- output


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: int = 1) -> str:
    """A markdown table; the columns from ``right`` on are right-aligned."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if i < right else "---:" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0
