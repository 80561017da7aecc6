"""My details (SPEC POR-3, POR-4, POR-5, C-2, A-8, A-11, A-12): request tests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meldpunt.interactions.models import Interaction
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import Household, Person
from meldpunt.portal.tests.mine_helpers import agent_client, feature_off, make_tenant, tenant_client
from tests.factories import (
    TEST_PASSWORD,
    HouseholdFactory,
    HouseholdRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

DETAILS = "/portal/details"
PHONE = "/portal/details/phone"
ADDRESS = "/portal/details/address"
LOOKUP = "/portal/details/address/lookup"
ADD = "/portal/details/persons/add"


@pytest.fixture
def organization():
    return OrganizationFactory()


@pytest.fixture
def household(organization) -> Household:
    return HouseholdFactory(
        tenant_number="H424242", phone="+31612345678", email="fam@example.net", name="Fam. Smit"
    )


@pytest.fixture
def tenant(household):
    return make_tenant(household)


@pytest.fixture
def client(tenant):
    return tenant_client(tenant)


@pytest.fixture
def roles():
    return {
        "main": HouseholdRoleFactory(code="main-tenant", name="Main tenant", ordering=10),
        "co": HouseholdRoleFactory(code="co-tenant", name="Co-tenant", ordering=20),
        "child": HouseholdRoleFactory(
            code="child", name="Child", usable_in_portal=True, ordering=40
        ),
        "hidden": HouseholdRoleFactory(code="administrator", name="Guardian", show_in_portal=False),
    }


def _person_urls(person: Person) -> list[str]:
    return [
        reverse("portal:details_person_edit", args=[person.pk]),
        reverse("portal:details_person_remove", args=[person.pk]),
    ]


# The page ---------------------------------------------------------------------------


def test_my_details_shows_tenant_number_phone_email_and_address(client):
    response = client.get(DETAILS)
    assert response.status_code == 200
    assert reverse("portal:details") == DETAILS
    assert 'data-testid="tenant-number">H424242<' in response.text
    assert "06 12345678" in response.text
    assert "fam@example.net" in response.text
    assert "Lindelaan" in response.text
    assert "1234 AB Utrecht" in response.text


def test_the_email_change_link_appears_when_that_page_exists(client):
    response = client.get(DETAILS)
    try:
        url = reverse("portal:email_change")
    except Exception:
        assert 'data-testid="change-email"' not in response.text
    else:
        assert f'href="{url}"' in response.text


def test_household_persons_contract_holders_first_then_alphabetical(client, household, roles):
    PersonFactory(household=household, role=roles["child"], surname="Aalders", initials="P.")
    PersonFactory(household=household, role=roles["co"], surname="Zomer", initials="C.")
    PersonFactory(household=household, role=roles["child"], surname="Berg", initials="Q.")
    PersonFactory(household=household, role=roles["main"], surname="Smit", initials="M.")
    PersonFactory(household=household, role=roles["hidden"], surname="Geheim")
    PersonFactory(household=HouseholdFactory(), role=roles["child"], surname="Vreemd")
    text = client.get(DETAILS).text
    positions = [text.index(name) for name in ("M. Smit", "C. Zomer", "P. Aalders", "Q. Berg")]
    assert positions == sorted(positions)
    assert "Geheim" not in text
    assert "Vreemd" not in text
    assert "contract holder" in text


def test_only_persons_with_usable_roles_can_be_changed_or_removed(client, household, roles):
    holder = PersonFactory(household=household, role=roles["main"])
    child = PersonFactory(household=household, role=roles["child"])
    text = client.get(DETAILS).text
    assert f'data-testid="edit-person-{child.pk}"' in text
    assert f'data-testid="remove-person-{child.pk}"' in text
    assert f'data-testid="edit-person-{holder.pk}"' not in text
    for url in _person_urls(holder):
        assert client.get(url).status_code == 404


def test_another_households_person_is_not_found(client, roles):
    stranger = PersonFactory(household=HouseholdFactory(), role=roles["child"])
    for url in _person_urls(stranger):
        assert client.get(url).status_code == 404
    delete = reverse("portal:details_person_delete", args=[stranger.pk])
    assert client.post(delete).status_code == 404
    assert client.post(_person_urls(stranger)[0], {"surname": "X"}).status_code == 404
    assert Person.objects.filter(pk=stranger.pk).exists()


def test_a_person_with_a_hidden_role_is_not_found(client, household, roles):
    hidden = PersonFactory(household=household, role=roles["hidden"])
    for url in _person_urls(hidden):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", [DETAILS, PHONE, ADDRESS, LOOKUP, ADD, "/portal/details/persons/1/edit"]
)
def test_household_data_switched_off_removes_every_details_page(organization, client, url):
    feature_off(organization, "household_data")
    assert client.get(url).status_code == 404
    assert 'data-testid="portal-nav-details"' not in client.get("/portal/").text


# Phone (POR-4, C-2) ----------------------------------------------------------------


def test_the_phone_form_asks_for_the_password(client):
    response = client.get(PHONE)
    assert response.status_code == 200
    assert 'name="password"' in response.text
    assert 'value="06 12345678"' in response.text


def test_a_tenant_changes_the_phone_and_gets_a_confirmation_mail(client, household, tenant):
    response = client.post(PHONE, {"phone": "06-87654321", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == DETAILS
    household.refresh_from_db()
    assert household.phone == "+31687654321"
    message = OutboxMessage.objects.get(template="tenant.phone_changed")
    assert message.recipient == "fam@example.net"
    assert message.context["new_phone"] == "06 87654321"
    interaction = Interaction.objects.get(household=household, kind__code="contact_changed")
    assert interaction.created_by == tenant
    assert interaction.agent is None
    page = tenant_client(tenant).get(DETAILS)
    assert "06 87654321" in page.text


def test_a_wrong_password_keeps_the_typed_number_and_says_why(client, household):
    response = client.post(PHONE, {"phone": "06 87654321", "password": "nope"})
    assert response.status_code == 422
    assert 'value="06 87654321"' in response.text
    assert "This password is not correct" in response.text
    assert 'data-testid="error-summary"' in response.text
    household.refresh_from_db()
    assert household.phone == "+31612345678"
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Enter your phone number."),
        ("12345", "10, 11 or 12 digits"),
        ("06--12345678", "at most one hyphen"),
        ("06 1234 567x", "Use only digits"),
        ("(06123) 45678", "parentheses"),
    ],
)
def test_a_phone_breaking_the_rule_is_explained(client, phone, message):
    response = client.post(PHONE, {"phone": phone, "password": TEST_PASSWORD})
    assert response.status_code == 422
    assert message in response.text
    if phone:
        assert f'value="{phone}"' in response.text


def test_an_agent_viewing_as_the_tenant_changes_the_phone_without_password(household):
    client, agent = agent_client(household)
    page = client.get(PHONE)
    assert 'name="password"' not in page.text
    assert 'data-testid="agent-no-password"' in page.text
    response = client.post(PHONE, {"phone": "0687654321"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.phone == "+31687654321"
    interaction = Interaction.objects.get(household=household, kind__code="contact_changed")
    assert interaction.agent == agent
    assert OutboxMessage.objects.filter(template="tenant.phone_changed").exists()
    timeline = client.get("/portal/timeline")
    assert 'data-testid="agent-stamp"' in timeline.text


def test_writes_need_csrf(tenant):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(tenant)
    assert strict.post(PHONE, {"phone": "0687654321", "password": TEST_PASSWORD}).status_code == 403


# Address (POR-5, A-12) -----------------------------------------------------------------


def test_the_address_form_defaults_to_the_organizations_country(client, household):
    Household.objects.filter(pk=household.pk).update(street="", postcode="", house_number=None)
    response = client.get(ADDRESS)
    assert response.status_code == 200
    assert '<option value="NL" selected>' in response.text


def test_the_lookup_button_fills_street_and_city_without_javascript(client, household):
    UnitFactory(street="Merelstraat", house_number=12, postcode="3512AB", city="Amersfoort")
    response = client.post(
        ADDRESS, {"country": "NL", "postcode": "3512 ab", "house_number": "12", "lookup": "1"}
    )
    assert response.status_code == 200
    assert 'value="Merelstraat"' in response.text
    assert 'value="Amersfoort"' in response.text
    assert "Found: Merelstraat, Amersfoort" in response.text
    household.refresh_from_db()
    assert household.street == "Lindelaan"  # looking up saves nothing


def test_the_lookup_says_when_it_does_not_know_the_address(client):
    response = client.post(
        ADDRESS, {"country": "NL", "postcode": "9999ZZ", "house_number": "1", "lookup": "1"}
    )
    assert response.status_code == 422
    assert "We could not find this address" in response.text
    assert 'value="9999ZZ"' in response.text


def test_the_htmx_lookup_returns_the_filled_fields_only(client):
    UnitFactory(street="Merelstraat", house_number=12, postcode="3512AB", city="Amersfoort")
    response = client.get(
        LOOKUP,
        {"country": "NL", "postcode": "3512AB", "house_number": "12"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<div id="address-found"')
    assert 'value="Merelstraat"' in response.text
    assert "<html" not in response.text
    assert client.post(LOOKUP).status_code == 405


def test_a_dutch_address_is_saved_and_confirmed_by_mail(client, household):
    UnitFactory(street="Merelstraat", house_number=12, postcode="3512AB", city="Amersfoort")
    response = client.post(
        ADDRESS,
        {"country": "NL", "postcode": "3512AB", "house_number": "12", "house_number_addition": "a"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.street, household.house_number_addition, household.city) == (
        "Merelstraat",
        "A",
        "Amersfoort",
    )
    message = OutboxMessage.objects.get(template="tenant.address_changed")
    assert message.context["new_address"] == "Merelstraat 12-A, 3512 AB Amersfoort"
    assert Interaction.objects.filter(household=household, kind__code="address_changed").exists()


def test_a_foreign_address_is_typed_in_full(client, household):
    response = client.post(
        ADDRESS,
        {"country": "DE", "postcode": "10115", "street": "Invalidenstraße 1", "city": "Berlin"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.country, household.street, household.city) == (
        "DE",
        "Invalidenstraße 1",
        "Berlin",
    )
    assert "Germany" in OutboxMessage.objects.get().context["new_address"]


def test_look_up_on_a_foreign_address_saves_it(client, household):
    response = client.post(
        ADDRESS, {"country": "BE", "street": "Rue Neuve 5", "city": "Bruxelles", "lookup": "1"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.country == "BE"


def test_address_errors_keep_what_was_typed(client):
    response = client.post(ADDRESS, {"country": "BE", "postcode": "1000", "street": "Rue 1"})
    assert response.status_code == 422
    assert "Enter the city." in response.text
    assert 'value="Rue 1"' in response.text
    assert '<option value="BE" selected>' in response.text


def test_an_agent_changing_the_address_is_recorded(household):
    client, agent = agent_client(household)
    client.post(
        ADDRESS,
        {
            "country": "NL",
            "postcode": "9999ZZ",
            "house_number": "3",
            "street": "Dorpsweg",
            "city": "Ergens",
        },
    )
    interaction = Interaction.objects.get(household=household, kind__code="address_changed")
    assert interaction.agent == agent


# Persons (POR-3) --------------------------------------------------------------------


def _person_post(role, **overrides):
    data = {
        "role": role.pk,
        "gender": "m",
        "initials": "T.",
        "infix": "de",
        "surname": "Boer",
        "birth_date": "2012-04-05",
    }
    return data | overrides


def test_a_person_is_added(client, household, roles):
    page = client.get(ADD)
    assert page.status_code == 200
    assert f'value="{roles["child"].pk}"' in page.text
    assert f'value="{roles["main"].pk}"' not in page.text  # not usable in the portal
    response = client.post(ADD, _person_post(roles["child"]))
    assert response.status_code == 302
    person = Person.objects.get(household=household)
    assert person.full_name == "T. de Boer"
    assert Interaction.objects.filter(household=household, kind__code="household_changed").exists()


def test_adding_a_person_with_a_role_not_usable_in_the_portal_is_refused(client, roles):
    response = client.post(ADD, _person_post(roles["main"]))
    assert response.status_code == 422
    assert "Choose one of the relations in the list." in response.text
    assert not Person.objects.exists()


def test_missing_fields_are_named_and_typed_values_kept(client, roles):
    response = client.post(ADD, _person_post(roles["child"], gender="", surname="", birth_date=""))
    assert response.status_code == 422
    for message in ("Choose a gender.", "Enter the surname.", "Enter the birth date."):
        assert message in response.text
    assert 'value="T."' in response.text
    assert 'value="de"' in response.text
    assert 'href="#id_surname"' in response.text  # the summary links to the field


def test_a_birth_date_in_the_future_is_refused(client, roles):
    response = client.post(ADD, _person_post(roles["child"], birth_date="2999-01-01"))
    assert response.status_code == 422
    assert "A birth date cannot lie in the future." in response.text
    assert 'value="2999-01-01"' in response.text


def test_a_person_is_changed(client, household, roles):
    person = PersonFactory(household=household, role=roles["child"])
    url = reverse("portal:details_person_edit", args=[person.pk])
    page = client.get(url)
    assert 'value="Jansen"' in page.text
    response = client.post(url, _person_post(roles["child"], surname="Visser"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.surname == "Visser"


def test_a_person_is_removed_after_confirming(client, household, roles):
    person = PersonFactory(household=household, role=roles["child"])
    confirm = client.get(reverse("portal:details_person_remove", args=[person.pk]))
    assert confirm.status_code == 200
    delete = reverse("portal:details_person_delete", args=[person.pk])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    interaction = Interaction.objects.get(household=household, kind__code="household_changed")
    assert "Jan Jansen" in interaction.subject


def test_an_agent_adding_a_person_is_recorded(household, roles):
    client, agent = agent_client(household)
    assert client.post(ADD, _person_post(roles["child"])).status_code == 302
    interaction = Interaction.objects.get(household=household, kind__code="household_changed")
    assert interaction.agent == agent
