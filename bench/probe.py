"""Picks the URLs the benchmark measures and counts the SQL queries of each.

Run by ``bench/run.py`` in a Django process against the seeded database:

    python bench/probe.py DEEP_PAGE [EXPLAIN_FILE]

Prints one line ``JSON{…}``: the demo password and, per page, its key, label,
URL, whether it needs the staff session and its number of queries (the page
requested once to warm up, then once counted with the test client). The
public submit is counted the same way, with and without a photo; those two
POSTs store two reports. The deep list page is reached by following the
list's "next" links from page 1, as a person would. With EXPLAIN_FILE, the
slowest query of each page is written there with EXPLAIN (ANALYZE, BUFFERS).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from seed_incidents import COMMON_WORD, RARE_WORD  # noqa: E402

from meldpunt.accounts.models import User  # noqa: E402
from meldpunt.demo.seed import DEMO_PASSWORD  # noqa: E402
from meldpunt.incidents.links import tenant_link_url  # noqa: E402
from meldpunt.incidents.models import Category, Incident, SubIncident  # noqa: E402
from meldpunt.incidents.sub_incidents import party_link_url  # noqa: E402
from meldpunt.people.models import Household  # noqa: E402
from meldpunt.properties.models import Unit  # noqa: E402

STAFF_USERNAME = "medewerker"
LIST = "/backoffice/incidents/"


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def _deep_url(client: Client, deep_page: int) -> tuple[str, int]:
    url, page = LIST, 1
    while page < deep_page:
        found = re.search(
            r'href="([^"]*cursor=[^"]*)"[^>]*rel="next"', _get(client, url).content.decode()
        )
        if not found:
            break
        url = LIST + found.group(1).replace("&amp;", "&")
        page += 1
    return url, page


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.linear_gradient("L").resize((1600, 1200)).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


def _submit_queries(photo: bool) -> int:
    """Queries of one POST of the public form (the form page fetched first, as a
    browser does; CSRF is not enforced by the test client)."""
    browser = Client()
    page = _get(browser, "/incident").content.decode()
    category = re.search(r'name="category" value="(\d+)"', page)
    unit = Unit.objects.filter(code__startswith="BU").order_by("pk").first()
    if category is None or unit is None:
        raise SystemExit("the report form or the seeded homes are missing")
    data: dict[str, Any] = {
        "category": category.group(1),
        "postcode": unit.postcode,
        "house_number": str(unit.house_number),
        "addition": unit.house_number_addition,
        "tenant_number": "",
        "description": "Lekkage onder het aanrecht, het druppelt sinds gisteren.",
        "name": "Sanne de Vries",
        "email": f"probe-{'photo' if photo else 'text'}@example.test",
        "phone": "",
        "website": "",
    }
    if photo:
        data["photos"] = SimpleUploadedFile("lekkage.jpg", _photo(), "image/jpeg")
    with CaptureQueriesContext(connection) as queries:
        response = browser.post("/incident/send", data)
    if response.status_code != 302:
        raise SystemExit(f"the probe's report answered {response.status_code}")
    return len(queries)


def main() -> int:
    deep_page = int(sys.argv[1])
    explain_file = sys.argv[2] if len(sys.argv) > 2 else ""
    staff, anonymous = Client(), Client()
    staff.force_login(User.objects.get(username=STAFF_USERNAME))

    deep_url, reached = _deep_url(staff, deep_page)
    category = Category.objects.order_by("ordering", "pk").first()
    household = (
        Household.objects.filter(tenant_number__startswith="7")
        .annotate(n=Count("incidents"))
        .filter(n__gt=0)
        .order_by("pk")
        .first()
    )
    newest = Incident.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    incident = (
        Incident.objects.filter(pk__lte=newest, pk__gte=newest - 500, household__isnull=False)
        .annotate(n=Count("messages"))
        .filter(n__gte=3)
        .order_by("-pk")
        .first()
    )
    order = SubIncident.objects.filter(kind="external", is_open=True).order_by("-pk").first()
    if category is None or household is None or incident is None or order is None:
        raise SystemExit("the seeded data lacks a category, household, incident or work order")
    pages = [
        ("floor", "floor", "/bench/floor", False),
        ("health", "health (/healthz)", "/healthz", False),
        ("inbox", "inbox list", "/backoffice/inbox/", True),
        ("list", "incident list, no filter", LIST, True),
        ("list_filter", "incident list, phase + category",
         f"{LIST}?phase=in_progress&category={category.pk}", True),
        ("list_deep", f"incident list, page {reached:,} via cursor", deep_url, True),
        ("search_common", f"search, common word ({COMMON_WORD})", f"{LIST}?q={COMMON_WORD}", True),
        ("search_rare", f"search, rare word ({RARE_WORD})", f"{LIST}?q={RARE_WORD}", True),
        ("search_tenant", "search, tenant number", f"{LIST}?q={household.tenant_number}", True),
        ("detail", "incident detail", f"{LIST}{incident.public_id}/", True),
        ("orders", "work-order list", "/backoffice/orders/", True),
        ("orders_sent", "work-order list, waiting for acceptance",
         "/backoffice/orders/?status=sent", True),
        ("supplier_link", "supplier link page", urlsplit(party_link_url(order)).path, False),
        ("tenant_link", "tenant link page", urlsplit(tenant_link_url(incident)).path, False),
    ]  # fmt: skip
    result, plans = [], []
    for key, label, url, needs_staff in pages:
        client = staff if needs_staff else anonymous
        _get(client, url)  # warm up
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        result.append(
            {"key": key, "label": label, "url": url, "staff": needs_staff, "queries": len(queries)}
        )
        if explain_file and queries.captured_queries:
            slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            plans.append(
                f"## {label}\n{url}\nslowest of {len(queries)} queries: "
                f"{float(slowest['time']) * 1000:.1f} ms\n\n{slowest['sql']}\n\n{plan}\n"
            )
    if explain_file:
        Path(explain_file).write_text("\n".join(plans))
    submits = {"submit_text": _submit_queries(photo=False), "submit_photo": _submit_queries(True)}
    print("JSON" + json.dumps({"password": DEMO_PASSWORD, "pages": result, "submits": submits}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
