"""The contact list: search, type filter, paging and search-as-you-type."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.people.models import Contact
from tests.factories import ContactFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

URL = "/backoffice/contacts/"


@pytest.fixture
def client_en(staff_client):  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.AGENT)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def contacts(organization) -> dict[str, Contact]:  # type: ignore[no-untyped-def]
    household = HouseholdFactory(tenant_number="H900123", name="Fam. Yilmaz")
    return {
        "tenant": Contact.objects.create(
            kind=Contact.Kind.TENANT,
            name="Ayşe Yilmaz",
            email="ayse@example.net",
            phone="+31612345678",
            household=household,
        ),
        "plumber": ContactFactory(
            name="Piet Waterman",
            company="Loodgietersbedrijf Waterman B.V.",
            email="planning@waterman.example",
            phone="+31301234567",
        ),
        "owner": ContactFactory(
            kind=Contact.Kind.OWNER,
            name="Vastgoedfonds Noord",
            company="",
            email="beheer@vgf.example",
            phone="",
            trade="",
        ),
    }


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [contact.name for contact in response.context["page"].items]


def test_the_url_name_is_stable():
    assert reverse("backoffice:contact_list") == URL


def test_without_a_search_every_contact_is_listed_by_name(client_en, contacts):
    response = client_en.get(URL)
    assert names(response) == ["Ayşe Yilmaz", "Piet Waterman", "Vastgoedfonds Noord"]


def test_phone_numbers_are_shown_in_national_form_with_a_tel_link(client_en, contacts):
    content = client_en.get(URL).content.decode()
    assert "06 12345678" in content
    assert 'href="tel:+31612345678"' in content
    assert "030 123 4567" in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("yilmaz", ["Ayşe Yilmaz"]),
        ("waterman", ["Piet Waterman"]),
        ("Loodgieters", ["Piet Waterman"]),
        ("vgf.example", ["Vastgoedfonds Noord"]),
        ("H900123", ["Ayşe Yilmaz"]),
        ("h900", ["Ayşe Yilmaz"]),
        ("0612345678", ["Ayşe Yilmaz"]),
        ("06 1234 5678", ["Ayşe Yilmaz"]),
        ("06-12345678", ["Ayşe Yilmaz"]),
        ("+31 6 12345678", ["Ayşe Yilmaz"]),
        ("0031612345678", ["Ayşe Yilmaz"]),
        ("061234", ["Ayşe Yilmaz"]),
        ("030 1234567", ["Piet Waterman"]),
        ("piet waterman", ["Piet Waterman"]),
        ("piet noord", []),
        ("nobody-here", []),
    ],
)
def test_search_matches_name_company_email_tenant_number_and_phone(
    client_en, contacts, query, expected
):
    assert names(client_en.get(URL, {"q": query})) == expected


def test_type_filter(client_en, contacts):
    assert names(client_en.get(URL, {"kind": "owner"})) == ["Vastgoedfonds Noord"]
    assert names(client_en.get(URL, {"kind": "supplier", "q": "a"})) == ["Piet Waterman"]


def test_an_unknown_type_is_ignored(client_en, contacts):
    response = client_en.get(URL, {"kind": "alien"})
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_the_form_keeps_what_was_typed(client_en, contacts):
    content = client_en.get(URL, {"q": "0612", "kind": "tenant"}).content.decode()
    assert 'value="0612"' in content
    assert '<option value="tenant" selected>' in content


def test_an_empty_result_says_so(client_en, contacts):
    content = client_en.get(URL, {"q": "zzzz"}).content.decode()
    assert "No contacts match your search." in content


def test_an_overlong_search_is_ignored_rather_than_failing(client_en, contacts):
    response = client_en.get(URL, {"q": "x" * 500})
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_contacts_are_paged_with_a_cursor_that_keeps_the_filters(client_en, organization):
    for index in range(55):
        ContactFactory(name=f"Aannemer {index:02d}")
    ContactFactory(kind=Contact.Kind.OTHER, name="Gemeente", company="")
    first = client_en.get(URL, {"kind": "supplier"})
    page = first.context["page"]
    assert len(page.items) == 50
    content = first.content.decode()
    assert f"cursor={page.next_cursor}" in content
    assert "kind=supplier" in content
    second = client_en.get(URL, {"kind": "supplier", "cursor": page.next_cursor})
    assert names(second) == [f"Aannemer {index:02d}" for index in range(50, 55)]


def test_the_search_form_works_without_javascript_and_enhances_with_htmx(client_en, contacts):
    content = client_en.get(URL).content.decode()
    assert 'method="get"' in content
    assert f'action="{URL}"' in content
    assert 'name="q"' in content
    assert f'hx-get="{URL}"' in content
    assert 'hx-target="#contact-results"' in content


def test_an_htmx_request_gets_only_the_results_partial(client_en, contacts):
    response = client_en.get(URL, {"q": "yilmaz"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="contact-results"')
    assert "<html" not in content
    assert "<form" not in content
    assert "Ayşe Yilmaz" in content
    assert "Piet Waterman" not in content
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client_en, contacts):
    response = client_en.get(
        URL,
        {"q": "yilmaz"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_a_normal_request_gets_the_whole_page_including_the_partial(client_en, contacts):
    content = client_en.get(URL).content.decode()
    assert "<html" in content
    assert 'id="contact-results"' in content
