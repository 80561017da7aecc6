# ruff: noqa: F811  (the shared incident fixtures are imported and used as arguments)
"""The inbox pages: list with bulk actions, one report with its convert form, merge,
files, and the badge in the menu (SPEC INC-13)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.inbox import inbox_report_create
from meldpunt.incidents.models import InboxReport, Incident
from meldpunt.incidents.tests.conftest import (  # noqa: F401 (fixtures)
    categories,
    phases,
    place,
)

pytestmark = pytest.mark.django_db

LIST = "/backoffice/inbox/"
BULK = "/backoffice/inbox/bulk/"
VISITOR = Actor(kind=AuditEvent.ActorKind.TENANT, label="report form")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def agent_client(staff_client) -> Client:  # type: ignore[no-untyped-def]
    return english(staff_client(StaffRole.AGENT))


def receive(place=None, category=None, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": VISITOR,
        "source": InboxReport.Source.PUBLIC_FORM,
        "category": category,
        "unit": place.unit if place else None,
        "household": place.household if place else None,
        "subject": "",
        "description": "De kraan lekt",
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.net",
        "phone": "",
        "language": "nl",
    }
    values.update(overrides)
    return inbox_report_create(**values)


def photo():  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(buffer, format="PNG")
    return upload_clean(data=buffer.getvalue(), original_name="foto.png")


def detail(report: InboxReport) -> str:
    return reverse("backoffice:inbox_detail", kwargs={"public_id": report.public_id})


def convert_url(report: InboxReport) -> str:
    return reverse("backoffice:inbox_convert", kwargs={"public_id": report.public_id})


def convert_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Kraan lekt",
        "description": "De kraan lekt",
        "category": "",
        "contact_name": "Ayşe Yılmaz",
        "contact_email": "ayse@example.net",
        "contact_phone": "",
        "contact_language": "nl",
        "keep_unit": "on",
        "keep_household": "on",
        "responsible": "",
        "notify_supplier": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- permissions


def test_anonymous_visitors_are_sent_to_log_in(client, place):
    report = receive(place)
    for url in (LIST, detail(report)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_users_without_a_staff_role_get_403(staff_client, place):
    report = receive(place)
    client = staff_client("")
    assert client.get(LIST).status_code == 403
    assert client.get(detail(report)).status_code == 403
    assert client.post(BULK, {"action": "delete", "reports": [report.public_id]}).status_code == 403
    assert client.post(convert_url(report), convert_data()).status_code == 403


@pytest.mark.parametrize("role", [StaffRole.ADMIN, StaffRole.AGENT, StaffRole.USER])
def test_every_staff_role_sees_the_inbox(staff_client, place, role):
    report = receive(place, subject="Lekkage keuken")
    client = english(staff_client(role))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Lekkage keuken" in response.content.decode()
    assert client.get(detail(report)).status_code == 200


def test_unknown_or_deleted_ids_are_404(agent_client, place):
    report = receive(place)
    InboxReport.objects.filter(pk=report.pk).update(status=InboxReport.Status.DELETED)
    assert agent_client.get("/backoffice/inbox/nope/").status_code == 404
    assert agent_client.get(detail(report)).status_code == 404
    assert agent_client.post(convert_url(report), convert_data()).status_code == 404
    other = receive(place)
    files = f"{detail(other)}files/unknown/"
    assert agent_client.get(files).status_code == 404


def test_writes_answer_get_with_405(agent_client, place):
    report = receive(place)
    merge = reverse("backoffice:inbox_merge", kwargs={"public_id": report.public_id})
    for url in (BULK, convert_url(report), merge):
        assert agent_client.get(url).status_code == 405


def test_files_are_served_to_staff_only(agent_client, staff_client, place):
    report = receive(place, uploads=[photo()])
    attachment = report.attachments.get()
    url = reverse(
        "backoffice:inbox_attachment",
        kwargs={"public_id": report.public_id, "file_id": attachment.public_id},
    )
    response = agent_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert staff_client("").get(url).status_code == 403


# ---------------------------------------------------------------- the list


def test_the_list_shows_source_sender_and_duplicate_flag(agent_client, place, categories):
    receive(place, categories["Repair"], subject="Eerste")
    receive(place, categories["Repair"], subject="Tweede")
    html = agent_client.get(LIST).content.decode()
    assert "Report form" in html
    assert "Merelstraat 12" in html
    assert html.count('data-testid="duplicate-flag"') == 1


def test_the_duplicates_filter_keeps_only_possible_duplicates(agent_client, place, categories):
    receive(place, categories["Repair"], subject="Eerste")
    receive(place, categories["Repair"], subject="Tweede")
    response = agent_client.get(LIST, {"duplicates": "on"})
    assert [r.subject for r in response.context["page"].items] == ["Tweede"]


def test_the_list_costs_the_same_queries_for_5_and_50_reports(
    agent_client, place, categories, django_assert_max_num_queries
):
    for n in range(5):
        receive(place, categories["Repair"], subject=f"R{n}", uploads=[photo()] if n == 0 else [])
    with django_assert_max_num_queries(12) as few:
        assert agent_client.get(LIST).status_code == 200
    for n in range(45):
        receive(place, categories["Nuisance"], subject=f"S{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = agent_client.get(LIST)
    assert len(response.context["page"].items) == 50


# ---------------------------------------------------------------- bulk actions


def test_bulk_delete_asks_first_then_deletes(agent_client, place):
    one, two = receive(place, subject="Een"), receive(place, subject="Twee")
    ids = [one.public_id, two.public_id]
    response = agent_client.post(BULK, {"action": "delete", "reports": ids})
    assert response.status_code == 200
    assert "Delete 2 reports?" in response.content.decode()
    assert InboxReport.objects.filter(status="waiting").count() == 2
    response = agent_client.post(BULK, {"action": "delete", "reports": ids, "confirm": "1"})
    assert response.status_code == 302
    assert InboxReport.objects.filter(status="deleted").count() == 2


def test_bulk_convert_with_the_default_category(agent_client, place, categories):
    warranty = categories["Warranty"]
    warranty.is_bulk_default = True
    warranty.save(update_fields=["is_bulk_default"])
    ids = [receive(place, subject="Een").public_id, receive(None, subject="Twee").public_id]
    confirm = agent_client.post(BULK, {"action": "convert", "reports": ids})
    assert "Turn 2 reports into incidents?" in confirm.content.decode()
    response = agent_client.post(
        BULK, {"action": "convert", "reports": ids, "confirm": "1"}, follow=True
    )
    assert "2 reports are now incidents." in response.content.decode()
    assert set(Incident.objects.values_list("category", flat=True)) == {warranty.pk}


def test_bulk_convert_without_a_default_category_says_so(agent_client, place, categories):
    report = receive(place)
    confirm = agent_client.post(BULK, {"action": "convert", "reports": [report.public_id]})
    assert "No category is set" in confirm.content.decode()
    response = agent_client.post(
        BULK, {"action": "convert", "reports": [report.public_id], "confirm": "1"}, follow=True
    )
    assert "No category is set" in response.content.decode()
    assert not Incident.objects.exists()


def test_bulk_without_a_selection_or_with_foreign_ids_changes_nothing(agent_client, place):
    receive(place)
    for data in (
        {"action": "delete"},
        {"action": "delete", "reports": ["unknown-id"]},
        {"action": "explode", "reports": ["x"]},
    ):
        response = agent_client.post(BULK, data, follow=True)
        assert response.status_code == 200
    assert InboxReport.objects.filter(status="waiting").count() == 1


# ---------------------------------------------------------------- one report


def test_the_convert_form_is_prefilled_from_the_report(agent_client, place, categories):
    report = receive(place, categories["Repair"], subject="Lekkage", uploads=[photo()])
    response = agent_client.get(detail(report))
    form = response.context["form"]
    assert form["title"].value() == "Lekkage"
    assert form["contact_email"].value() == "ayse@example.net"
    assert str(form["category"].value()) == str(categories["Repair"].pk)
    html = response.content.decode()
    assert (
        reverse(
            "backoffice:inbox_attachment",
            kwargs={"public_id": report.public_id, "file_id": report.attachments.get().public_id},
        )
        in html
    )


def test_convert_creates_the_incident_and_opens_it(agent_client, place, categories):
    report = receive(place, categories["Repair"])
    response = agent_client.post(
        convert_url(report),
        convert_data(
            title="Kraan keuken", category=str(categories["Repair"].pk), notify_tenant="on"
        ),
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "backoffice:incident_detail", kwargs={"public_id": incident.public_id}
    )
    assert incident.title == "Kraan keuken"
    assert incident.kind == Incident.Kind.ON_BEHALF
    assert incident.unit == place.unit


def test_bad_input_keeps_what_was_typed(agent_client, place):
    report = receive(place)
    response = agent_client.post(
        convert_url(report),
        convert_data(title="", description="Mijn eigen tekst", contact_email="geen-adres"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Mijn eigen tekst" in html
    assert 'value="geen-adres"' in html
    assert "Give the incident a short title." in html or "This field is required." in html
    assert not Incident.objects.exists()


def test_a_service_error_shows_at_the_field(agent_client, place):
    report = receive(None, email="", phone="")
    response = agent_client.post(
        convert_url(report),
        convert_data(contact_email="", notify_tenant="on", description="Getypt"),
    )
    assert response.status_code == 422
    assert "To notify the tenant" in response.content.decode()
    assert "Getypt" in response.content.decode()


def test_merge_into_the_earlier_report(agent_client, place, categories):
    first = receive(place, categories["Repair"], description="Eerste melding")
    second = receive(place, categories["Repair"], description="Tweede melding")
    page = agent_client.get(detail(second)).content.decode()
    assert 'data-testid="merge"' in page
    merge = reverse("backoffice:inbox_merge", kwargs={"public_id": second.public_id})
    response = agent_client.post(merge, {"into": first.public_id})
    assert response.status_code == 302
    first.refresh_from_db()
    assert "Tweede melding" in first.description
    assert agent_client.post(merge, {"into": "unknown"}).status_code == 404


# ---------------------------------------------------------------- the badge


def test_the_badge_counts_waiting_reports_in_one_query(agent_client, place):
    receive(place)
    receive(place)
    deleted = receive(place)
    InboxReport.objects.filter(pk=deleted.pk).update(status=InboxReport.Status.DELETED)
    html = agent_client.get("/backoffice/").content.decode()
    assert 'data-testid="inbox-badge">2<' in html


def test_no_badge_when_nothing_waits(agent_client, organization):
    html = agent_client.get("/backoffice/").content.decode()
    assert 'data-testid="nav-inbox"' in html
    assert 'data-testid="inbox-badge"' not in html
