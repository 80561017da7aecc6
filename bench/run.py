"""Meldpunt at scale: the one command for its benchmarks (SPEC X-5).

    .venv/bin/python bench/run.py --incidents 10000
    .venv/bin/python bench/run.py --compare 10000,1000000
    .venv/bin/python bench/run.py --incidents 100000 --storm
    .venv/bin/python bench/run.py --outbox 10000

Pages (the default). For each scale: a private PostgreSQL cluster on a loopback
port (removed afterwards), ``migrate``, ``collectstatic``, 100,000 units and the
chosen number of incidents with about three messages each
(``bench/seed_incidents.py``, ``COPY``), then gunicorn in production settings
(2 x cores + 1 sync workers) with the background worker and the outbox sweep
as ``./dev up`` runs them; notification email goes to an SMTP sink on
loopback. One table per scale, every figure from the running server:

- queries: the page requested once in a separate Django process against the
  same database (``bench/probe.py``);
- single user: 30 requests one after the other (after two untimed ones), p50
  and p95; 20 submits for the form without a photo, 10 with one;
- under load: wrk with ``--connections`` (≤ 16) for ``--duration`` seconds
  (≤ 30) per page: requests/second and p50/p95/p99; the public form is posted
  by a Python driver instead (see ``submit_load``), so every stored report
  can be checked: after the load, every successful submit must be one inbox
  report and one confirmation email, delivered to the sink exactly once.

The floor (``/bench/floor``, the base layout with one query) is measured first
and again last; "% of floor" compares with the first. ``--compare a,b`` runs
two scales and adds the growth ratios. ``--explain DIR`` writes EXPLAIN ANALYZE
of each page's slowest query.

Storm (``--storm``, after the pages of the last scale, or ``--storm-only``):
``--storm-reports`` reports (2,000) spread evenly over ``--storm-minutes``
(5) through the real public form, each by a fresh "browser" that fetches the
form (CSRF cookie, token, photo batch) and posts it, while
``--storm-readers`` (2) staff sessions read staff pages back to back. Then:
exactly one inbox report per submit, one confirmation queued per report and
delivered to the SMTP sink exactly once (counted per recipient and
Message-ID), and the staff p95 during the storm. Prints PASS or FAIL.

Outbox (``--outbox N``): N email notifications queued at once, delivered by
``--outbox-workers`` ``db_worker`` processes to the SMTP sink: messages per
second and duplicates (must be 0). Migrated database, no seeding.

Run as root with PostgreSQL server binaries and wrk installed
(``apt-get install postgresql wrk``); the cluster runs as ``postgres``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    CONFIRMATION_TEMPLATE,
    ROOT,
    SENT_PATH,
    ReportBodies,
    Stack,
    Submits,
    fetch_form,
    load_average,
    log,
    machine,
    make_photo,
    ms,
    multipart,
    outbox_counts,
    percentile,
    post_report,
    report_fields,
    request,
    seeded_homes,
    sequential,
    software,
    sql_rows,
    sql_value,
    stack,
    staff_login,
    submit_load,
    submit_sequential,
    table,
    wait_for_outbox,
    wrk,
)

UNITS = 100_000
SINGLE = 30
SUBMITS_SINGLE = {"submit_text": 20, "submit_photo": 10}
DELIVERY_TIMEOUT = 600
# Staff pages read during the storm, in turn.
STORM_PAGES = ("list", "search_common", "detail", "inbox", "list_filter", "orders")


# ---------------------------------------------------------------- one row of the table


@dataclass
class Row:
    key: str
    label: str
    staff: bool
    queries: int
    single: list[float] = field(default_factory=list)
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0

    @property
    def single_p50(self) -> float:
        return percentile(self.single, 0.50)

    @property
    def single_p95(self) -> float:
        return percentile(self.single, 0.95)

    @property
    def is_search(self) -> bool:
        return self.key.startswith("search")


@dataclass
class Scale:
    incidents: int
    rows: list[Row]
    stack: Stack
    started: datetime
    checks: list[str]
    load_before: str
    load_after: str
    probed: dict[str, Any] = field(default_factory=dict)
    floor_again: Row | None = None
    ok: bool = True


def _row_order(key: str) -> int:
    order = [
        "floor", "health", "submit_text", "submit_photo", "inbox", "list", "list_filter",
        "list_deep", "search_common", "search_rare", "search_tenant", "detail", "orders",
        "orders_sent", "supplier_link", "tenant_link",
    ]  # fmt: skip
    return order.index(key) if key in order else len(order)


# ---------------------------------------------------------------- pages


def probe(st: Stack, args: argparse.Namespace, incidents: int) -> dict[str, Any]:
    log(f"[{incidents:,}] picking pages, counting queries")
    explain = ""
    if args.explain:
        Path(args.explain).mkdir(parents=True, exist_ok=True)
        explain = str(Path(args.explain) / f"explain-{incidents}.txt")
    out = st.python(str(ROOT / "bench" / "probe.py"), str(args.deep_page), explain)
    return json.loads(next(ln for ln in out.splitlines() if ln.startswith("JSON"))[4:])


def measure_page(port: int, page: dict[str, Any], cookies: str, args: argparse.Namespace) -> Row:
    sent = cookies if page["staff"] else ""
    row = Row(key=page["key"], label=page["label"], staff=page["staff"], queries=page["queries"])
    row.single = sequential(port, page["url"], sent, count=SINGLE)
    load = wrk(port, page["url"], sent, connections=args.connections, seconds=args.duration)
    row.rps, row.p50, row.p95, row.p99 = load.rps, load.p50, load.p95, load.p99
    row.errors = load.errors
    return row


def _tagged(database_url: str, tag: str) -> dict[str, int]:
    """What the submits of one run (recipients ``tag-N@example.test``) left behind."""
    like = f"{tag}-%@example.test"
    return {
        "reports": sql_value(
            database_url, "SELECT count(*) FROM incidents_inboxreport WHERE email LIKE %s", [like]
        ),
        "photos": sql_value(
            database_url,
            "SELECT count(*) FROM incidents_inboxattachment a JOIN incidents_inboxreport r "
            "ON r.id = a.report_id WHERE r.email LIKE %s",
            [like],
        ),
        "confirmations": sql_value(
            database_url,
            "SELECT count(*) FROM notifications_outboxmessage WHERE template = %s "
            "AND channel = 'email' AND recipient LIKE %s",
            [CONFIRMATION_TEMPLATE, like],
        ),
    }


def measure_submits(
    st: Stack, port: int, key: str, label: str, queries: int, args: argparse.Namespace
) -> tuple[Row, Submits, str]:
    photo = make_photo() if key == "submit_photo" else None
    tag = f"bench-{key.removeprefix('submit_')}"
    bodies = ReportBodies(fetch_form(port), seeded_homes(st.database_url), photo, tag=tag)
    row = Row(key=key, label=label, staff=False, queries=queries)
    row.single = submit_sequential(port, bodies, count=SUBMITS_SINGLE[key])
    result = submit_load(port, bodies, connections=args.connections, seconds=args.duration)
    row.rps = result.rate
    row.p50, row.p95, row.p99 = (percentile(result.latencies, s) for s in (0.5, 0.95, 0.99))
    row.errors = len(result.errors)
    return row, result, tag


def delivery_check(st: Stack, tag: str, expected: int) -> tuple[bool, str]:
    """Every recipient ``tag-N`` got its confirmation exactly once at the sink."""
    like = f"{tag}-%@example.test"
    waited = wait_for_outbox(
        st.database_url, condition="recipient LIKE %s", params=[like], timeout=DELIVERY_TIMEOUT
    )
    time.sleep(2)  # a duplicate would arrive late: give it a moment
    statuses = outbox_counts(st.database_url, condition="recipient LIKE %s", params=[like])
    prefix = f"{tag}-"
    with st.sink.lock:
        received = {r: n for r, n in st.sink.by_recipient.items() if r.startswith(prefix)}
        ids = dict(st.sink.by_message_id)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    duplicates += sum(n - 1 for n in ids.values() if n > 1)
    missing = expected - len(received)
    ok = missing == 0 and duplicates == 0 and statuses.get("sent", 0) == expected
    text = (
        f"delivered to {len(received):,} of {expected:,} recipients in {waited:.0f} s, "
        f"missing {missing}, duplicates {duplicates}, outbox {statuses}"
    )
    return ok, text


def run_scale(args: argparse.Namespace, incidents: int, st: Stack) -> Scale:
    started = datetime.now(UTC)
    st.seed(incidents=incidents, units=UNITS)
    probed = probe(st, args, incidents)
    pages = {page["key"]: page for page in probed["pages"]}
    checks: list[str] = []
    ok = True
    with st.serving() as port:
        load_before = load_average()
        cookies = staff_login(port, probed["password"])
        rows = []
        for page in probed["pages"]:
            log(f"[{incidents:,}] {page['label']}")
            rows.append(measure_page(port, page, cookies, args))
        for key, label in (
            ("submit_text", "public submit, no photo"),
            ("submit_photo", "public submit, one photo (1.5 MB)"),
        ):
            log(f"[{incidents:,}] {label}")
            row, result, tag = measure_submits(st, port, key, label, probed["submits"][key], args)
            rows.append(row)
            stored = _tagged(st.database_url, tag)
            expected_reports = result.successes + SUBMITS_SINGLE[key] + 1  # + the first one
            expected = {
                "reports": expected_reports,
                "photos": expected_reports if key == "submit_photo" else 0,
                "confirmations": expected_reports,
            }
            delivered_ok, delivered = delivery_check(st, tag, expected_reports)
            same = stored == expected and not result.errors and delivered_ok
            ok = ok and same
            detail = ", ".join(f"{k} {stored[k]:,}/{expected[k]:,}" for k in expected)
            checks.append(
                f"{label}: stored/expected {detail}; {delivered} — {'OK' if same else 'MISMATCH'}"
            )
            for status, text in result.errors[:5]:
                checks.append(f"  error {status}: {text}")
        log(f"[{incidents:,}] floor, again")
        floor_again = measure_page(port, pages["floor"], cookies, args)
        load_after = load_average()
    rows.sort(key=lambda r: _row_order(r.key))
    return Scale(
        incidents=incidents, rows=rows, stack=st, started=started, checks=checks,
        load_before=load_before, load_after=load_after, probed=probed,
        floor_again=floor_again, ok=ok,
    )  # fmt: skip


def print_scale(scale: Scale, args: argparse.Namespace) -> None:
    st = scale.stack
    floor = next(r for r in scale.rows if r.key == "floor").rps or 1.0
    print()
    print(f"#### {scale.incidents:,} incidents — {scale.started:%Y-%m-%d %H:%M} UTC")
    print()
    print(f"- machine: {machine()}; load average (1/5/15 min) {scale.load_before} before the")
    print(f"  measurements, {scale.load_after} after")
    print(f"- software: {software(st.pg_version, st.workers)}")
    print(
        f"- load: wrk {args.connections} connections × {args.duration} s per page; the public "
        f"form by a Python driver, {args.connections} connections × {args.duration} s"
    )
    print(f"- seeding: {st.seed_seconds:.0f} s (migrate and collectstatic not included):")
    print()
    print("```")
    print(st.seed_log)
    print("```")
    print()
    rows = []
    for r in scale.rows:
        rows.append(
            [
                r.label, str(r.queries), ms(r.single_p50), ms(r.single_p95), f"{r.rps:,.1f}"
                if r.rps < 10 else f"{r.rps:,.0f}", f"{100 * r.rps / floor:.0f} %", ms(r.p50),
                ms(r.p95), ms(r.p99), str(r.errors),
            ]
        )  # fmt: skip
    print(
        table(
            ["page", "queries", "single p50", "single p95", "req/s", "% of floor", "p50",
             "p95", "p99", "errors"],
            rows,
        )
    )  # fmt: skip
    again = scale.floor_again
    if again is not None:
        print()
        print(
            f"Floor measured again at the end: {again.rps:,.0f} req/s, single p50 "
            f"{ms(again.single_p50)} (at the start: {floor:,.0f} req/s)."
        )
    print()
    for line in scale.checks:
        print(f"- {line}" if not line.startswith("  ") else line)
    print()


def targets(scale: Scale) -> list[tuple[str, bool, str]]:
    """The benchmark targets for one scale: (target, met, what misses it)."""
    floor = next(r for r in scale.rows if r.key == "floor").rps or 1.0
    staff = [r for r in scale.rows if r.staff]

    def missed(rows: list[Row], text: Any) -> str:
        return "; ".join(f"{r.label} {text(r)}" for r in rows) or "—"

    slow = [r for r in staff if r.single_p95 > (300 if r.is_search else 150)]
    weak = [r for r in staff if r.rps < 0.5 * floor]
    # A submit is a write (report, link, outbox, audit); the rule is for pages.
    many = [r for r in scale.rows if r.queries > 15 and not r.key.startswith("submit")]
    submit = next((r for r in scale.rows if r.key == "submit_text"), None)
    result = [
        (
            "staff pages single-user p95 ≤ 150 ms (search ≤ 300 ms)",
            not slow,
            missed(slow, lambda r: ms(r.single_p95)),
        ),
        (
            "staff pages ≥ 50 % of the floor's throughput under load",
            not weak,
            missed(weak, lambda r: f"{100 * r.rps / floor:.0f} %"),
        ),
        (
            "queries per page ≤ 15 (pages, not the submits)",
            not many,
            missed(many, lambda r: str(r.queries)),
        ),
    ]
    if scale.incidents >= 1_000_000:
        minutes = scale.stack.seed_seconds / 60
        result.append(
            (
                f"seeding {scale.incidents:,} incidents ≤ 10 minutes",
                minutes <= 10,
                f"{minutes:.1f} minutes",
            )
        )
    if submit is not None:
        result.append(
            (
                "public submit without a photo ≥ 100 reports/s",
                submit.rps >= 100,
                f"{submit.rps:,.1f}/s" if submit.rps < 100 else "—",
            )
        )
    return result


def print_targets(scales: list[Scale]) -> None:
    print(f"Targets at {scales[-1].incidents:,} incidents:")
    print()
    for text, met, what in targets(scales[-1]):
        print(f"- {'met' if met else 'MISSED'}: {text}" + ("" if met else f" — {what}"))
    if len(scales) > 1:
        growth = _growth_misses(scales[0], scales[-1])
        print(
            f"- {'met' if not growth else 'MISSED'}: growth "
            f"{scales[0].incidents:,} → {scales[-1].incidents:,} ≤ 1.5× (single-user p50, "
            f"against the floor)" + (f" — {growth}" if growth else "")
        )
        changed = [
            f"{a.label} {a.queries} → {b.queries}"
            for a, b in zip(scales[0].rows, scales[-1].rows, strict=True)
            if a.queries != b.queries
        ]
        print(
            f"- {'met' if not changed else 'MISSED'}: queries per page constant"
            + (f" — {'; '.join(changed)}" if changed else "")
        )
    print()


def _floor(scale: Scale) -> Row:
    return next(r for r in scale.rows if r.key == "floor")


def _relative_growth(a: Row, b: Row, small: Scale, large: Scale) -> float:
    """Growth of the single-user p50 measured against the floor of the same run:
    (b / floor at the large scale) / (a / floor at the small scale). The two scales
    run minutes apart on a machine others share, and whatever slows the floor
    slows every page about as much; this ratio leaves that out."""
    floor_a, floor_b = _floor(small).single_p50, _floor(large).single_p50
    if not (a.single_p50 and floor_a and floor_b):
        return 0.0
    return (b.single_p50 / floor_b) / (a.single_p50 / floor_a)


def _growth_misses(small: Scale, large: Scale) -> str:
    return "; ".join(
        f"{b.label} {_relative_growth(a, b, small, large):.2f}×"
        for a, b in zip(small.rows, large.rows, strict=True)
        if a.key != "floor" and _relative_growth(a, b, small, large) > 1.5
    )


def print_growth(small: Scale, large: Scale) -> None:
    print(f"#### Growth {small.incidents:,} → {large.incidents:,} incidents")
    print()
    floor_a, floor_b = _floor(small), _floor(large)
    rows = []
    for a, b in zip(small.rows, large.rows, strict=True):
        label = re.sub(r"page [\d,]+ via", "deep page via", b.label)

        def ratio(x: float, y: float) -> str:
            return f"{y / x:.2f}×" if x else "—"

        share_a = a.rps / floor_a.rps if floor_a.rps else 0.0
        share_b = b.rps / floor_b.rps if floor_b.rps else 0.0
        rows.append(
            [
                label, ratio(a.single_p50, b.single_p50), ratio(a.single_p95, b.single_p95),
                ratio(a.p95, b.p95), ratio(a.rps, b.rps),
                f"{_relative_growth(a, b, small, large):.2f}×", ratio(share_b, share_a),
                f"{a.queries} → {b.queries}",
            ]
        )  # fmt: skip
    print(
        table(
            ["page", "single p50", "single p95", "p95 under load", "req/s",
             "single p50 / floor's", "req/s share of floor, inverse", "queries"],
            rows,
        )
    )  # fmt: skip
    print()
    print("Ratios are the large scale's figure over the small scale's: above 1× is slower,")
    print("except for req/s, where above 1× is faster. The two columns after req/s measure")
    print("each page against the floor of its own run (so a busier machine during one run")
    print("cancels out): above 1× means the page slowed down more than the floor did.")
    print()


# ---------------------------------------------------------------- storm


@dataclass
class StormResult:
    forms: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    reads: dict[str, list[float]] = field(default_factory=dict)
    read_errors: int = 0
    seconds: float = 0.0
    late: float = 0.0  # how far behind schedule the last report started (s)


def storm(st: Stack, args: argparse.Namespace, *, port: int, probed: dict[str, Any]) -> bool:
    count, period = args.storm_reports, args.storm_minutes * 60
    pages = {page["key"]: page for page in probed["pages"]}
    cookies = staff_login(port, probed["password"])
    homes = seeded_homes(st.database_url)
    tag = "storm"
    reports_before = sql_value(st.database_url, "SELECT count(*) FROM incidents_inboxreport")
    result = StormResult(reads={key: [] for key in STORM_PAGES})
    lock = threading.Lock()
    stop = threading.Event()
    numbers = iter(range(1, count + 1))
    started = time.monotonic()

    def reader(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        turn = offset
        try:
            while not stop.is_set():
                key = STORM_PAGES[turn % len(STORM_PAGES)]
                turn += 1
                begun = time.perf_counter()
                try:
                    status, _body, _headers = request(
                        port, pages[key]["url"], cookies=cookies, connection=conn
                    )
                except (OSError, http.client.HTTPException):
                    conn.close()
                    status = 0
                elapsed = (time.perf_counter() - begun) * 1000
                with lock:
                    if status == 200:
                        result.reads[key].append(elapsed)
                    else:
                        result.read_errors += 1
        finally:
            conn.close()

    def sender() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            due = started + (number - 1) * period / count
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            else:
                with lock:
                    result.late = max(result.late, -wait)
            # A fresh browser: its own connection, cookie, token and photo batch.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                begun = time.perf_counter()
                try:
                    form = fetch_form(port, connection=conn)
                except (OSError, http.client.HTTPException, SystemExit) as error:
                    with lock:
                        result.errors.append((0, f"form: {error}"))
                    continue
                fetched = time.perf_counter()
                fields = report_fields(
                    form, homes[number % len(homes)], number=number,
                    email=f"{tag}-{number}@example.test", batch=True,
                )  # fmt: skip
                status, location, text, _headers = post_report(
                    conn, form.cookie, multipart(fields, None)
                )
                done = time.perf_counter()
                with lock:
                    result.forms.append((fetched - begun) * 1000)
                    if status == 302 and location == SENT_PATH:
                        result.submits.append((done - fetched) * 1000)
                    else:
                        result.errors.append((status, text))
            finally:
                conn.close()

    log(f"storm: {count:,} reports over {period:.0f} s, {args.storm_readers} staff readers")
    readers = [threading.Thread(target=reader, args=(i,)) for i in range(args.storm_readers)]
    senders = [threading.Thread(target=sender) for _ in range(min(16, args.storm_senders))]
    load_before = load_average()
    for thread in readers + senders:
        thread.start()
    for thread in senders:
        thread.join()
    result.seconds = time.monotonic() - started
    stop.set()
    for thread in readers:
        thread.join()
    load_after = load_average()

    log("storm: waiting for the confirmations")
    like = f"{tag}-%@example.test"
    delivered_ok, delivered = delivery_check(st, tag, count)
    reports = sql_rows(
        st.database_url,
        "SELECT email, count(*) FROM incidents_inboxreport WHERE email LIKE %s GROUP BY email",
        [like],
    )
    confirmations = sql_rows(
        st.database_url,
        "SELECT recipient, count(*) FROM notifications_outboxmessage WHERE template = %s "
        "AND channel = 'email' AND recipient LIKE %s GROUP BY recipient",
        [CONFIRMATION_TEMPLATE, like],
    )
    reports_after = sql_value(st.database_url, "SELECT count(*) FROM incidents_inboxreport")
    expected = {f"{tag}-{n}@example.test" for n in range(1, count + 1)}
    report_once = {email for email, n in reports if n == 1} & expected
    confirmation_once = {recipient for recipient, n in confirmations if n == 1} & expected
    reads = [value for values in result.reads.values() for value in values]
    staff_p95 = percentile(reads, 0.95)

    checks = [
        (f"all {count:,} submits answered with the confirmation page", not result.errors,
         f"{len(result.errors)} errors"),
        (f"exactly {count:,} new inbox reports, one per submit",
         reports_after - reports_before == count and len(report_once) == count,
         f"{reports_after - reports_before:,} new, {len(report_once):,} with exactly one"),
        ("each confirmation queued exactly once", len(confirmation_once) == count
         and sum(n for _r, n in confirmations) == count,
         f"{len(confirmation_once):,} recipients with one, "
         f"{sum(n for _r, n in confirmations):,} in all"),
        ("each confirmation delivered exactly once (SMTP sink)", delivered_ok, delivered),
        ("staff pages p95 ≤ 500 ms during the storm", staff_p95 <= 500 and not result.read_errors,
         f"{ms(staff_p95)}, {result.read_errors} errors"),
    ]  # fmt: skip
    ok = all(met for _text, met, _what in checks)

    print()
    print(f"#### Storm — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print()
    print(f"- machine: {machine()}; load average {load_before} before, {load_after} after")
    print(f"- software: {software(st.pg_version, st.workers)}")
    print(
        f"- {count:,} reports through the public form over {result.seconds:.0f} s "
        f"(planned {period:.0f} s, {count / period:.1f}/s; at most {args.storm_senders} at "
        f"once; the last started {result.late:.1f} s behind schedule), each a fresh "
        f"browser (GET the form, POST it with its CSRF cookie and token); "
        f"{args.storm_readers} staff sessions reading {', '.join(STORM_PAGES)} in turn, "
        f"back to back"
    )
    print()
    rows = [
        ["public form, GET /incident", f"{len(result.forms):,}", ms(percentile(result.forms, .5)),
         ms(percentile(result.forms, .95)), ms(percentile(result.forms, .99)),
         ms(max(result.forms, default=0))],
        ["public submit, POST /incident/send", f"{len(result.submits):,}",
         ms(percentile(result.submits, .5)), ms(percentile(result.submits, .95)),
         ms(percentile(result.submits, .99)), ms(max(result.submits, default=0))],
        ["staff pages, all", f"{len(reads):,}", ms(percentile(reads, .5)), ms(staff_p95),
         ms(percentile(reads, .99)), ms(max(reads, default=0))],
    ]  # fmt: skip
    for key, values in result.reads.items():
        rows.append(
            [f"  {pages[key]['label']}", f"{len(values):,}", ms(percentile(values, 0.5)),
             ms(percentile(values, 0.95)), ms(percentile(values, 0.99)),
             ms(max(values, default=0))]
        )  # fmt: skip
    print(table(["requests", "count", "p50", "p95", "p99", "max"], rows))
    print()
    for text, met, what in checks:
        print(f"- {'pass' if met else 'FAIL'}: {text} ({what})")
    for status, text in result.errors[:5]:
        print(f"  - error {status}: {text}")
    print()
    print(f"Storm: {'PASS' if ok else 'FAIL'}")
    print()
    return ok


# ---------------------------------------------------------------- outbox

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
            event="notification.test_requested", template="test_message", channel="email",
            recipient=f"outbox-{number}@example.test", recipient_name=f"Tenant {number}",
            context={}, dedupe_key=f"bench:{number}", language=("nl", "en", "nb")[number % 3],
        )
print(f"{time.perf_counter() - started:.3f}")
"""


def outbox(args: argparse.Namespace) -> int:
    count, workers = args.outbox, max(1, args.outbox_workers)
    with stack(floor=False) as st:
        st.manage("migrate", "-v0")
        # Queued with the workers stopped; the tasks wait in the database queue.
        queued = float(st.python("-c", QUEUE_SCRIPT, str(count)).strip().splitlines()[-1])
        started = time.perf_counter()
        with st.db_workers(workers):
            deadline = started + args.outbox_timeout
            while st.sink.received < count and time.perf_counter() < deadline:
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            time.sleep(2)  # a duplicate would arrive late: give it a moment
        received = st.sink.received
        duplicates = sum(n - 1 for n in st.sink.by_message_id.values() if n > 1)
        print()
        print(f"#### Outbox throughput — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        print()
        print(f"- machine: {machine()}")
        print(
            f"- software: {software(st.pg_version)}, {workers} db_worker process(es), "
            f"SMTP sink on loopback"
        )
        print()
        print(
            table(
                ["messages", "queued in", "delivered", "duplicates", "delivery time",
                 "messages/s"],
                [[f"{count:,}", f"{queued:.1f} s", f"{received:,}", str(duplicates),
                  f"{elapsed:.1f} s", f"{received / elapsed:.0f}" if elapsed else "—"]],
            )
        )  # fmt: skip
        print()
    return 0 if received == count and not duplicates else 1


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--incidents", type=int, default=10_000, help="scale (default 10,000)")
    parser.add_argument("--compare", default="", help="two scales, e.g. 10000,1000000")
    parser.add_argument("--connections", type=int, default=8, help="under load (≤ 16)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (≤ 30)")
    parser.add_argument("--deep-page", type=int, default=1000, help="list page via cursor")
    parser.add_argument("--explain", default="", help="folder for EXPLAIN ANALYZE output")
    parser.add_argument("--storm", action="store_true", help="the storm after the pages")
    parser.add_argument("--storm-only", action="store_true", help="the storm, no pages table")
    parser.add_argument("--storm-reports", type=int, default=2000)
    parser.add_argument("--storm-minutes", type=float, default=5)
    parser.add_argument("--storm-readers", type=int, default=2, help="staff sessions")
    parser.add_argument("--storm-senders", type=int, default=16, help="reports at once (≤ 16)")
    parser.add_argument("--outbox", type=int, default=0, help="outbox throughput: N messages")
    parser.add_argument("--outbox-workers", type=int, default=2)
    parser.add_argument("--outbox-timeout", type=float, default=900)
    args = parser.parse_args()
    args.connections = max(1, min(args.connections, 16))
    args.duration = max(1, min(args.duration, 30))
    args.storm_senders = max(1, min(args.storm_senders, 16))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.outbox:
        return outbox(args)
    if shutil.which("wrk") is None and not args.storm_only:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    sizes = [int(s) for s in args.compare.split(",")] if args.compare else [args.incidents]
    scales: list[Scale] = []
    ok = True
    for number, incidents in enumerate(sizes):
        last = number == len(sizes) - 1
        with stack() as st:
            if args.storm_only:
                st.seed(incidents=incidents, units=UNITS)
                probed = probe(st, argparse.Namespace(**{**vars(args), "deep_page": 1}), incidents)
                with st.serving() as port:
                    ok = storm(st, args, port=port, probed=probed) and ok
                continue
            scale = run_scale(args, incidents, st)
            scales.append(scale)
            ok = ok and scale.ok
            print_scale(scale, args)
            sys.stdout.flush()
            if args.storm and last:
                with st.serving() as port:
                    ok = storm(st, args, port=port, probed=scale.probed) and ok
    if len(scales) > 1:
        print_growth(scales[0], scales[-1])
    if scales:
        print_targets(scales)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
