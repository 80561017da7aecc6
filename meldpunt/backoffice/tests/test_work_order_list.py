# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""The work-order overview (Maintenance → Orders): filters in the URL, keyset
pages, the overdue rule and a query count that does not grow with the orders."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meldpunt.backoffice.tests.test_sub_incident_support import (  # noqa: F401
    _media,
    client_,
    incident,
    phases,
    place,
    staff,
    supplier,
)
from meldpunt.incidents.models import Incident, Phase, SubIncident
from meldpunt.incidents.sub_incident_selectors import overdue_cutoff
from meldpunt.incidents.tests.conftest import incident_make
from meldpunt.people.models import Contact
from tests.factories import ComplexFactory, ContactFactory, UnitFactory

pytestmark = pytest.mark.django_db

URL = "/backoffice/orders/"
# The session, the user, the supplier and complex choices, the organization,
# one page of orders (with incident, unit, supplier and phase) and the inbox badge.
LIST_QUERIES = 7
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def order(
    incident: Incident,
    supplier: Contact,
    *,
    sequence: int = 1,
    status: str = SubIncident.Status.SENT,
    kind: str = SubIncident.Kind.EXTERNAL,
    title: str = "Lekkage verhelpen",
    sent_days_ago: float = 0,
    **values: object,
) -> SubIncident:
    sent_at = timezone.now() - timedelta(days=sent_days_ago)
    row = SubIncident.objects.create(
        incident=incident,
        sequence=sequence,
        kind=kind,
        status=status,
        phase=Phase.objects.get(is_initial=True),
        title=title,
        contact=supplier if kind != SubIncident.Kind.INTERNAL else None,
        sent_at=sent_at,
        **values,
    )
    SubIncident.objects.filter(pk=row.pk).update(created_at=sent_at)
    row.refresh_from_db()
    return row


def many(incident: Incident, count: int) -> list[SubIncident]:
    suppliers = [ContactFactory(kind=Contact.Kind.SUPPLIER) for _ in range(3)]
    return [
        order(incident, suppliers[n % 3], sequence=n + 1, title=f"Order {n}", sent_days_ago=n / 10)
        for n in range(count)
    ]


def rows(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.title for row in response.context["page"].items]


# ---------------------------------------------------------------- the list


def test_the_overview_lists_work_orders_newest_first(client_, incident, supplier, staff):
    older = order(incident, supplier, sequence=1, title="Oudere order", sent_days_ago=3)
    newer = order(incident, supplier, sequence=2, title="Nieuwe order", sent_days_ago=1)
    order(incident, supplier, sequence=3, title="Eigen klus", kind=SubIncident.Kind.INTERNAL)
    response = client_.get(URL)
    assert response.status_code == 200
    assert rows(response) == ["Nieuwe order", "Oudere order"]
    text = response.text
    assert newer.number in text
    assert "Piet Loodgieter" in text
    assert "Waiting for acceptance" in text
    assert "Merelstraat 12-A" in text
    assert reverse("backoffice:sub_incident_detail", args=[older.public_id]) in text
    assert reverse("backoffice:incident_detail", args=[incident.public_id]) in text
    assert 'data-testid="nav-orders"' in text
    assert 'aria-current="page"' in text.split('data-testid="nav-orders"')[0].rsplit("<a", 1)[1]


def test_an_empty_overview_says_so(client_, organization):
    assert "No work orders match these filters." in client_.get(URL).text


def test_filter_by_status_and_supplier(client_, incident, supplier):
    other = ContactFactory(kind=Contact.Kind.SUPPLIER, name="Els Elektra")
    order(incident, supplier, sequence=1, title="Wacht")
    order(incident, supplier, sequence=2, title="Aangenomen", status=SubIncident.Status.ACCEPTED)
    order(incident, other, sequence=3, title="Van Els")
    assert rows(client_.get(URL, {"status": "accepted"})) == ["Aangenomen"]
    assert rows(client_.get(URL, {"supplier": other.public_id})) == ["Van Els"]
    both = client_.get(URL, {"supplier": supplier.public_id, "status": "sent"})
    assert rows(both) == ["Wacht"]


def test_filter_by_complex_of_the_incident_s_unit(client_, incident, supplier, place):
    elsewhere = ComplexFactory(name="Bomenbuurt")
    other_incident = incident_make(title="Elders", unit=UnitFactory(complex=elsewhere))
    order(incident, supplier, title="In Vogelwijk")
    order(other_incident, supplier, title="In Bomenbuurt")
    assert rows(client_.get(URL, {"complex": elsewhere.public_id})) == ["In Bomenbuurt"]
    assert rows(client_.get(URL, {"complex": place.complex.public_id})) == ["In Vogelwijk"]


def test_unknown_filter_values_are_ignored(client_, incident, supplier):
    order(incident, supplier)
    response = client_.get(URL, {"status": "nonsense", "supplier": "x", "cursor": "%%%"})
    assert response.status_code == 200
    assert rows(response) == ["Lekkage verhelpen"]


def test_overdue_shows_waiting_and_late_orders_only(client_, incident, supplier):
    today = timezone.localdate()
    order(incident, supplier, sequence=1, title="Wacht al lang", sent_days_ago=8)
    order(incident, supplier, sequence=2, title="Net verstuurd", sent_days_ago=0)
    order(
        incident,
        supplier,
        sequence=3,
        title="Datum verstreken",
        status=SubIncident.Status.ACCEPTED,
        planned_on=today - timedelta(days=1),
    )
    order(
        incident,
        supplier,
        sequence=4,
        title="Klaar",
        status=SubIncident.Status.COMPLETED,
        planned_on=today - timedelta(days=1),
        sent_days_ago=8,
    )
    order(
        incident,
        supplier,
        sequence=5,
        title="Gepland",
        status=SubIncident.Status.ACCEPTED,
        planned_on=today + timedelta(days=2),
        sent_days_ago=8,
    )
    assert sorted(rows(client_.get(URL, {"overdue": "on"}))) == [
        "Datum verstreken",
        "Wacht al lang",
    ]


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        # Wednesday → Monday, same time of day.
        (datetime(2026, 11, 25, 10, 0), datetime(2026, 11, 23, 10, 0)),
        # Monday → Thursday: the weekend does not count.
        (datetime(2026, 11, 23, 11, 0), datetime(2026, 11, 19, 11, 0)),
        # The Tuesday after Easter: Good Friday and Easter Monday are holidays in the
        # calendar, so two working days back is the Wednesday before.
        (datetime(2026, 4, 7, 9, 0), datetime(2026, 4, 1, 9, 0)),
    ],
)
def test_overdue_counts_working_days_only(organization, now, cutoff):
    result = overdue_cutoff(organization, now.replace(tzinfo=AMSTERDAM))
    assert timezone.localtime(result).replace(tzinfo=None) == cutoff


def test_pages_follow_each_other_without_gaps(client_, incident):
    made = many(incident, 60)
    first = client_.get(URL)
    page = first.context["page"]
    assert len(page.items) == 50
    assert page.next_cursor
    assert "Next page" in first.text
    second = client_.get(URL, {"cursor": page.next_cursor})
    titles = rows(first) + rows(second)
    assert titles == [row.title for row in made]  # made newest first
    assert second.context["page"].has_previous is True
    assert second.context["page"].next_cursor is None


def test_htmx_gets_only_the_results(client_, incident, supplier):
    order(incident, supplier)
    response = client_.get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="order-results"')
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("count", [5, 60])
@pytest.mark.parametrize("query", [{}, {"overdue": "on", "status": "sent"}])
def test_the_query_count_does_not_grow_with_the_orders(
    client_, incident, django_assert_max_num_queries, count, query
):
    many(incident, count)
    client_.get(URL)  # warm the session and the organization's caches
    expected = LIST_QUERIES + (1 if query.get("overdue") else 0)  # the closed days
    with django_assert_max_num_queries(expected) as captured:
        response = client_.get(URL, query)
    assert response.status_code == 200
    assert len(captured.captured_queries) == expected


# ---------------------------------------------------------------- who may


def test_anonymous_visitors_go_to_the_login_page(client, organization):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_without_a_staff_role_gets_403(staff_client, organization):
    assert staff_client("").get(URL).status_code == 403


def test_the_overview_answers_405_to_post(client_, organization):
    assert client_.post(URL).status_code == 405
