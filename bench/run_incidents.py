"""Incident pages at scale: seed N incidents into a private PostgreSQL, serve them
with gunicorn in production settings and measure them with wrk.

    .venv/bin/python bench/run_incidents.py --incidents 10000
    .venv/bin/python bench/run_incidents.py --compare 10000,1000000

For each scale: a throw-away PostgreSQL cluster on a loopback port in a
temporary folder (removed afterwards), ``migrate``, ``collectstatic``,
``bench/seed_incidents.py``, gunicorn (``DJANGO_DEBUG=0``, a random secret
key, ``MELDPUNT_HTTPS=0``, 2 x cores + 1 workers) on 127.0.0.1, one staff login
through the real login form for a session cookie. Then, per page:

- queries per request: the page requested once in a separate Django process
  (test client, ``force_login``) against the same database, counted with
  ``CaptureQueriesContext``;
- single-request latency: the median of 20 sequential requests;
- load: wrk with ``--connections`` (≤ 16) for ``--duration`` seconds (≤ 30),
  requests/second and latency p50/p95/p99 (from wrk's own histogram).

The floor is ``/bench/floor``: the base layout with one query, switched on by
``MELDPUNT_BENCH_FLOOR=1`` for this server only. Run as root (the cluster
runs as the ``postgres`` user) with PostgreSQL server binaries and wrk
installed (``apt-get install postgresql wrk``).
"""

from __future__ import annotations

import argparse
import http.client
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
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import glob
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STAFF_USERNAME = "medewerker"
SINGLE_REQUESTS = 20
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"

# Runs in a Django process against the seeded database: picks the URLs (a deep
# cursor by following the list's "next" links), counts the queries of each.
PROBE_SCRIPT = r"""
import json, re, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from meldpunt.accounts.models import User
from urllib.parse import urlsplit
from meldpunt.incidents.links import tenant_link_url
from meldpunt.incidents.models import Category, Incident, Message, SubIncident
from meldpunt.incidents.sub_incidents import party_link_url
from meldpunt.people.models import Household
from django.db.models import Count

sys.path.insert(0, "bench")
from seed_incidents import COMMON_WORD as common, RARE_WORD as rare
from meldpunt.demo.seed import DEMO_PASSWORD

username, deep_page = sys.argv[1], int(sys.argv[2])
client, anonymous = Client(), Client()
client.force_login(User.objects.get(username=username))

def get(url, staff=True):
    response = (client if staff else anonymous).get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response

# Deep page: follow "next" from page 1.
url, page = "/backoffice/incidents/", 1
while page < deep_page:
    found = re.search(r'href="([^"]*cursor=[^"]*)"[^>]*rel="next"', get(url).content.decode())
    if not found:
        break
    url = "/backoffice/incidents/" + found.group(1).replace("&amp;", "&")
    page += 1
deep_url = url

category = Category.objects.order_by("ordering", "pk").first()
household = (
    Household.objects.filter(tenant_number__startswith="7")
    .annotate(n=Count("incidents")).filter(n__gt=0).order_by("pk").first()
)
newest = Incident.objects.order_by("-pk").values_list("pk", flat=True).first()
order = SubIncident.objects.filter(kind="external", is_open=True).order_by("-pk").first()
incident = (
    Incident.objects.filter(pk__lte=newest, pk__gte=newest - 500, household__isnull=False)
    .annotate(n=Count("messages")).filter(n__gte=3).order_by("-pk").first()
)
pages = [
    ("floor", "/bench/floor", False),
    ("health (/healthz)", "/healthz", False),
    ("incident list, no filter", "/backoffice/incidents/", True),
    ("incident list, phase + category",
     f"/backoffice/incidents/?phase=in_progress&category={category.pk}", True),
    (f"incident list, page {page} via cursor", deep_url, True),
    (f"search, common word ({common})", f"/backoffice/incidents/?q={common}", True),
    (f"search, rare word ({rare})", f"/backoffice/incidents/?q={rare}", True),
    ("search, tenant number", f"/backoffice/incidents/?q={household.tenant_number}", True),
    ("incident detail", f"/backoffice/incidents/{incident.public_id}/", True),
    ("inbox list", "/backoffice/inbox/", True),
    ("work-order list", "/backoffice/orders/", True),
    ("work-order list, waiting for acceptance", "/backoffice/orders/?status=sent", True),
    ("supplier link page", urlsplit(party_link_url(order)).path, False),
    ("tenant link page", urlsplit(tenant_link_url(incident)).path, False),
]
result, plans = [], []
for label, url, staff in pages:
    get(url, staff)  # warm
    with CaptureQueriesContext(connection) as queries:
        get(url, staff)
    result.append({"label": label, "url": url, "staff": staff, "queries": len(queries)})
    # The page's slowest query, explained, for finding out why a page is slow.
    slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    plans.append(f"## {label}\n{url}\nslowest of {len(queries)} queries: "
                 f"{float(slowest['time']) * 1000:.1f} ms\n\n{slowest['sql']}\n\n{plan}\n")
if len(sys.argv) > 3 and sys.argv[3]:
    with open(sys.argv[3], "w") as out:
        out.write("\n".join(plans))
print("JSON" + json.dumps({"password": DEMO_PASSWORD, "pages": result}))
"""

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
class Result:
    label: str
    queries: int
    single_ms: float
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


# ---------------------------------------------------------------- machinery


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


def as_postgres(*command: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RUNUSER, "-u", "postgres", "--", *command],
        check=True,
        text=True,
        capture_output=True,
        **kwargs,
    )


@contextmanager
def postgres_cluster() -> Iterator[tuple[str, str]]:
    """A private cluster on 127.0.0.1, owned by ``postgres``: yields (url, version)."""
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
        as_postgres(
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
        as_postgres(
            str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
            "-w", "-t", "60", "start", "-o", options,
        )  # fmt: skip
        started = True
        as_postgres(
            str(pg_bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(folder),
            "-p", str(port), "-d", "postgres",
            "-c", f"CREATE ROLE meldpunt LOGIN PASSWORD '{password}'",
            "-c", "CREATE DATABASE meldpunt OWNER meldpunt",
        )  # fmt: skip
        reported = as_postgres(str(pg_bin / "postgres"), "--version").stdout
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


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[int]:
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--log-level", "warning",
        ],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body, _headers = request(port, "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def request(
    port: int,
    path: str,
    *,
    cookies: str = "",
    method: str = "GET",
    body: str | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, bytes, http.client.HTTPMessage]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookies} if cookies else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, data, response.headers


def staff_login(port: int, password: str) -> str:
    """Sign in through the real login form; returns the Cookie header to send."""
    jar: dict[str, str] = {}

    def keep(headers: http.client.HTTPMessage) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]

    status, page, headers = request(port, "/accounts/login/")
    keep(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise SystemExit(f"login page answered {status}")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "login": STAFF_USERNAME,
         "password": password}
    )  # fmt: skip
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, _page, headers = request(
        port, "/accounts/login/", cookies=cookie, method="POST", body=form
    )
    keep(headers)
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"staff login failed ({status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def single_latency(port: int, path: str, cookies: str) -> float:
    """Median of sequential requests on one kept-alive connection, in milliseconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings = []
    try:
        for attempt in range(SINGLE_REQUESTS + 2):
            started = time.perf_counter()
            status, _body, _headers = request(port, path, cookies=cookies, connection=conn)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            if attempt >= 2:  # two warm-up requests
                timings.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return statistics.median(timings)


def wrk(
    port: int, path: str, cookies: str, *, connections: int, seconds: int, script: Path
) -> dict:
    command = [
        shutil.which("wrk") or "wrk", f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s", "--timeout=10s", f"--script={script}",
    ]  # fmt: skip
    if cookies:
        command += ["--header", f"Cookie: {cookies}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    line = next(ln for ln in output.splitlines() if ln.startswith("JSON"))
    return json.loads(line[4:])


# ---------------------------------------------------------------- one scale


def run_scale(args: argparse.Namespace, incidents: int) -> tuple[list[Result], dict[str, str]]:
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
            "MELDPUNT_BENCH_FLOOR": "1",
            "MELDPUNT_DATA_DIR": str(data_dir),
            "MELDPUNT_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "PYTHONPATH": str(ROOT),
        }
        manage = [PYTHON, str(ROOT / "manage.py")]
        print(f"[{incidents:,}] migrate, collectstatic", file=sys.stderr, flush=True)
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
        )
        print(f"[{incidents:,}] seeding", file=sys.stderr, flush=True)
        started = time.perf_counter()
        seeded = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "seed_incidents.py"), f"--incidents={incidents}"],
            env=env, check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        seed_seconds = time.perf_counter() - started
        print(seeded.stdout, file=sys.stderr, flush=True)

        print(f"[{incidents:,}] counting queries", file=sys.stderr, flush=True)
        probe = subprocess.run(
            [PYTHON, "-c", PROBE_SCRIPT, STAFF_USERNAME, str(args.deep_page),
             f"{args.explain}-{incidents}.txt" if args.explain else ""],
            env={**env, "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"},
            check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True,
        ).stdout  # fmt: skip
        probed = json.loads(next(ln for ln in probe.splitlines() if ln.startswith("JSON"))[4:])
        pages = probed["pages"]

        script = data_dir / "report.lua"
        script.write_text(WRK_SCRIPT)
        workers = 2 * (os.cpu_count() or 1) + 1
        results = []
        with gunicorn(env, workers) as port:
            cookies = staff_login(port, probed["password"])
            for page in pages:
                sent = cookies if page["staff"] else ""
                print(f"[{incidents:,}] {page['label']}", file=sys.stderr, flush=True)
                single = single_latency(port, page["url"], sent)
                load = wrk(
                    port, page["url"], sent, connections=args.connections,
                    seconds=args.duration, script=script,
                )  # fmt: skip
                results.append(
                    Result(
                        label=page["label"],
                        queries=page["queries"],
                        single_ms=single,
                        rps=load["requests"] / load["seconds"],
                        p50=load["p50"] / 1000,
                        p95=load["p95"] / 1000,
                        p99=load["p99"] / 1000,
                        errors=load["status_errors"] + load["socket_errors"],
                    )
                )
        info = {
            "pg": pg_version,
            "seed": f"{seed_seconds:.0f} s",
            "seed_log": seeded.stdout.strip(),
            "workers": str(workers),
        }
        return results, info


# ---------------------------------------------------------------- output


def print_table(incidents: int, results: list[Result], info: dict[str, str], args: Any) -> None:
    import django

    floor = results[0].rps or 1.0
    print()
    print(f"### {incidents:,} incidents — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print()
    print(f"- machine: {machine()}")
    print(
        f"- software: Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {info['pg']}, gunicorn {info['workers']} sync workers, "
        f"wrk {args.connections} connections × {args.duration} s per page"
    )
    print(f"- seeding: {info['seed']} in all (migrate and collectstatic not included)")
    print()
    print(
        "| page | queries | single (median of 20) | req/s | % of floor | p50 | p95 | p99 | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.label} | {r.queries} | {r.single_ms:.1f} ms | {r.rps:,.0f} "
            f"| {100 * r.rps / floor:.0f} % | {r.p50:.1f} ms | {r.p95:.1f} ms "
            f"| {r.p99:.1f} ms | {r.errors} |"
        )
    print()


def print_growth(scales: list[int], runs: list[list[Result]]) -> None:
    small, large = runs[0], runs[-1]
    print(f"### Growth {scales[0]:,} → {scales[-1]:,} incidents")
    print()
    print("| page | single, ratio | p95 under load, ratio | req/s, ratio | queries |")
    print("|---|---:|---:|---:|---:|")
    for a, b in zip(small, large, strict=True):
        label = re.sub(r"page \d+", "deep page", a.label)
        print(
            f"| {label} | {b.single_ms / a.single_ms:.2f}× | {b.p95 / max(a.p95, 0.001):.2f}× "
            f"| {b.rps / max(a.rps, 0.001):.2f}× | {a.queries} → {b.queries} |"
        )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--compare", default="", help="two scales, e.g. 10000,1000000")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (≤ 16)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (≤ 30)")
    parser.add_argument("--deep-page", type=int, default=1000)
    parser.add_argument(
        "--explain",
        default="",
        help="write EXPLAIN ANALYZE of each page's slowest query to <this>-<scale>.txt",
    )
    args = parser.parse_args()
    args.connections = max(1, min(args.connections, 16))
    args.duration = max(1, min(args.duration, 30))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    scales = [int(s) for s in args.compare.split(",")] if args.compare else [args.incidents]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    runs = []
    for incidents in scales:
        results, info = run_scale(args, incidents)
        runs.append(results)
        print_table(incidents, results, info, args)
        sys.stdout.flush()
    if len(runs) > 1:
        print_growth(scales, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
