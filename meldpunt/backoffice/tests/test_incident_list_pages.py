# ruff: noqa: F811  (the shared incident fixtures are imported and used as arguments)
"""The incident pages of the back office: list, filters, saved views, new incident
with its lookup, and the category and phase settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.models import StaffRole, User
from meldpunt.incidents.models import Category, Incident, Phase, SavedView
from meldpunt.incidents.tests.conftest import (  # noqa: F401 (fixtures)
    categories,
    incident_make,
    make_incident,
    phases,
    place,
)
from meldpunt.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

LIST = "/backoffice/incidents/"
CREATE = "/backoffice/incidents/new/"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def agent(make_staff) -> User:  # type: ignore[no-untyped-def]
    return make_staff(role=StaffRole.AGENT, first_name="Anouk", last_name="Visser")


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return english(client)


@pytest.fixture
def admin_client(make_staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_staff(role=StaffRole.ADMIN))
    return english(client)


def page_titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [incident.title for incident in response.context["page"].items]


def create_data(**overrides: str) -> dict[str, str]:
    data = {
        "action": "create",
        "kind": "on_behalf",
        "title": "Lekkende kraan",
        "description": "Druppelt al een week",
        "category": "",
        "household": "",
        "unit": "",
        "find": "",
        "contact_name": "Ayşe Yılmaz",
        "contact_email": "ayse@example.net",
        "contact_phone": "",
        "contact_language": "nl",
        "responsible": "",
        "relevant_on": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- URLs and access


def test_url_names_are_stable():
    assert reverse("backoffice:incident_list") == LIST
    assert reverse("backoffice:incident_create") == CREATE
    assert reverse("backoffice:incident_categories") == "/backoffice/incidents/categories/"
    assert reverse("backoffice:incident_phases") == "/backoffice/incidents/phases/"


STAFF_PAGES = [LIST, CREATE, f"{CREATE}lookup/?find=ja", f"{CREATE}category-help/"]
ADMIN_PAGES = [
    "/backoffice/incidents/categories/",
    "/backoffice/incidents/categories/new/",
    "/backoffice/incidents/phases/",
    "/backoffice/incidents/phases/new/",
]


@pytest.mark.parametrize("url", STAFF_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, organization, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", STAFF_PAGES + ADMIN_PAGES)
def test_users_without_a_staff_role_get_403(staff_client, organization, url):
    assert staff_client("").get(url).status_code == 403


@pytest.mark.parametrize("role", [StaffRole.ADMIN, StaffRole.AGENT, StaffRole.USER])
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_every_staff_role_lists_and_creates(staff_client, organization, role, url):
    assert staff_client(role).get(url).status_code == 200


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_only_admins_manage_categories_and_phases(staff_client, organization, role, url):
    assert staff_client(role).get(url).status_code == 403


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
def test_admin_writes_are_403_for_other_roles(staff_client, phases, categories, role):
    client = staff_client(role)
    category = categories["Other"]
    for url in (
        f"/backoffice/incidents/categories/{category.pk}/delete/",
        f"/backoffice/incidents/categories/{category.pk}/move/",
        f"/backoffice/incidents/phases/{phases['closed'].pk}/delete/",
        "/backoffice/incidents/phases/new/",
    ):
        assert client.post(url, {"direction": "up"}).status_code == 403
    assert Category.objects.filter(pk=category.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/incidents/views/",
        "/backoffice/incidents/views/1/delete/",
        "/backoffice/incidents/categories/1/delete/",
        "/backoffice/incidents/categories/1/move/",
        "/backoffice/incidents/phases/1/delete/",
        "/backoffice/incidents/phases/1/move/",
    ],
)
def test_writes_are_post_only(admin_client, url):
    assert admin_client.get(url).status_code == 405


def test_unknown_ids_are_404(admin_client, organization):
    for url in (
        "/backoffice/incidents/categories/999999/",
        "/backoffice/incidents/phases/999999/",
        "/backoffice/incidents/views/999999/delete/",
    ):
        method = admin_client.post if url.endswith("delete/") else admin_client.get
        assert method(url).status_code == 404


# ---------------------------------------------------------------- the list


def test_the_list_shows_open_incidents_with_their_details(
    agent_client, make_incident, place, categories, agent
):
    incident = make_incident(
        title="Lekkage badkamer",
        unit=place.unit,
        household=place.household,
        category=categories["Repair"],
        handler=agent,
    )
    response = agent_client.get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    detail = reverse("backoffice:incident_detail", kwargs={"public_id": incident.public_id})
    assert f'href="{detail}"' in content  # the row link, written without reverse() per row
    assert 'data-label="Handler"' in content
    for text in (
        "Lekkage badkamer",
        "Merelstraat 12-A",
        "H700123",
        "Repair",
        "Anouk Visser",
        "New",
    ):
        assert text in content
    assert 'role="search"' in content


def test_filters_come_from_the_url(agent_client, make_incident, phases, place):
    make_incident(title="waiting", phase=phases["waiting_tenant"])
    make_incident(title="new one", unit=place.unit)
    assert page_titles(agent_client.get(LIST, {"phase": "waiting_tenant"})) == ["waiting"]
    assert page_titles(agent_client.get(LIST, {"unit": place.unit.public_id})) == ["new one"]
    assert page_titles(agent_client.get(LIST, {"q": "waiting"})) == ["waiting"]


def test_the_supplier_filter_takes_the_suppliers_public_id(agent_client, agent, make_incident):
    from meldpunt.common.actors import Actor
    from meldpunt.incidents.sub_incidents import SubIncidentDraft, sub_incident_create
    from tests.factories import ContactFactory

    plumber = ContactFactory(name="Waterman", email="plan@waterman.example")
    ordered = make_incident(title="with order")
    make_incident(title="without")
    sub_incident_create(
        actor=Actor.staff(agent),
        incident=ordered,
        draft=SubIncidentDraft(kind="external", title="Kraan", contact=plumber),
    )
    response = agent_client.get(LIST, {"supplier": plumber.public_id})
    assert page_titles(response) == ["with order"]
    assert f'<option value="{plumber.public_id}" selected>Waterman' in response.content.decode()
    assert page_titles(agent_client.get(LIST, {"supplier": "nobody"})) == ["without", "with order"]


def test_mine_and_unassigned_filters(agent_client, make_incident, agent):
    make_incident(title="mine", handler=agent)
    make_incident(title="nobody's")
    assert page_titles(agent_client.get(LIST, {"mine": "1"})) == ["mine"]
    assert page_titles(agent_client.get(LIST, {"unassigned": "on"})) == ["nobody's"]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "weird"},
        {"phase": "nope"},
        {"category": "abc"},
        {"handler": "-1"},
        {"created_from": "31-31-2020"},
        {"unit": "x" * 400},
        {"sort": "sideways"},
        {"cursor": "%%%"},
        {"q": "x" * 5000},
    ],
)
def test_bad_filter_values_are_ignored(agent_client, make_incident, params):
    make_incident(title="still here")
    response = agent_client.get(LIST, params)
    assert response.status_code == 200


def test_an_htmx_filter_change_gets_only_the_results(agent_client, make_incident):
    make_incident(title="Lekkage")
    response = agent_client.get(LIST, {"q": "lekk"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'id="incident-results"' in content
    assert "<html" not in content
    assert "HX-Request" in response["Vary"]


def test_the_filter_form_works_without_javascript_and_enhances_with_htmx(
    agent_client, organization
):
    content = agent_client.get(LIST).content.decode()
    assert 'method="get"' in content and 'hx-get="/backoffice/incidents/"' in content
    assert 'hx-push-url="true"' in content


def test_next_page_follows_the_cursor(agent_client, make_incident):
    now = timezone.now()
    for number in range(53):
        make_incident(title=f"t{number:02d}", created_at=now - timedelta(minutes=number))
    first = agent_client.get(LIST)
    assert len(page_titles(first)) == 50
    cursor = first.context["page"].next_cursor
    assert f"cursor={cursor}" in first.content.decode()
    second = agent_client.get(LIST, {"cursor": cursor})
    assert page_titles(second) == ["t50", "t51", "t52"]


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, {"status": "all"}).status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_incidents(
    agent_client, place, categories, agent, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            incident_make(
                unit=place.unit,
                household=place.household,
                category=categories["Repair"],
                handler=agent,
                responsible=agent,
            )

    agent_client.get(LIST)  # warm up: first-request work is not counted
    add(5)
    five = _list_queries(agent_client)
    add(45)
    fifty = _list_queries(agent_client)
    assert five == fifty
    # session, user, organization; phases, categories, staff, complexes, suppliers,
    # saved views, page
    with django_assert_max_num_queries(11):
        agent_client.get(LIST, {"status": "all"})


# ---------------------------------------------------------------- saved views


def test_saving_a_view_keeps_the_filters_and_lists_it(agent_client, agent, organization):
    response = agent_client.post(
        "/backoffice/incidents/views/", {"name": "Mijn werk", "query": "mine=1&status=all"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?mine=1&status=all"
    view = SavedView.objects.get(user=agent)
    assert view.name == "Mijn werk"
    content = agent_client.get(LIST).content.decode()
    assert "Mijn werk" in content and "?mine=1&amp;status=all" in content


def test_a_view_without_a_name_is_refused_and_the_page_explains(agent_client, organization):
    response = agent_client.post("/backoffice/incidents/views/", {"name": "", "query": "mine=1"})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    assert not SavedView.objects.exists()


def test_deleting_a_view_only_works_for_its_owner(agent_client, agent, make_staff):
    mine = SavedView.objects.create(user=agent, name="a", query="")
    theirs = SavedView.objects.create(user=make_staff(), name="b", query="")
    assert agent_client.post(f"/backoffice/incidents/views/{theirs.pk}/delete/").status_code == 404
    assert agent_client.post(f"/backoffice/incidents/views/{mine.pk}/delete/").status_code == 302
    assert list(SavedView.objects.all()) == [theirs]


def test_the_save_form_carries_the_current_filters(agent_client, organization):
    content = agent_client.get(LIST, {"mine": "on", "status": "closed"}).content.decode()
    assert 'form="save-view-form" name="query" value="status=closed&amp;mine=1"' in content


# ---------------------------------------------------------------- new incident


def test_the_create_page_offers_the_four_kinds_and_explains_them(agent_client, categories):
    content = agent_client.get(CREATE).content.decode()
    for value in ("contact_tenant", "on_behalf", "internal", "archive"):
        assert f'value="{value}"' in content
    assert "Thank you for your report" in content
    assert "Nothing is sent" in content
    assert categories["Repair"].help_en in content  # the category guide


def test_creating_redirects_to_the_incident_and_queues_the_tenant_message(
    agent_client, phases, agent
):
    response = agent_client.post(CREATE, create_data(responsible=str(agent.pk)))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/incidents/{incident.public_id}/"
    assert incident.responsible == agent and incident.created_by == agent
    assert [row.template for row in OutboxMessage.objects.all()] == ["tenant.report_received"]


def test_bad_input_keeps_what_was_typed_and_explains(agent_client, phases):
    response = agent_client.post(
        CREATE,
        create_data(
            kind="contact_tenant",
            title="Schimmel in de slaapkamer <b>",
            contact_email="",
            contact_phone="",
        ),
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert 'value="Schimmel in de slaapkamer &lt;b&gt;"' in content
    assert "enter an email address or a mobile number" in content
    assert 'value="contact_tenant" id="id_kind_0" checked' in content
    assert not Incident.objects.exists()


def test_archive_without_a_date_is_refused_at_the_date_field(agent_client, phases):
    response = agent_client.post(CREATE, create_data(kind="archive"))
    assert response.status_code == 422
    assert "Enter the date the event happened" in response.content.decode()


def test_an_archive_is_created_with_its_date(agent_client, phases):
    day = (timezone.localdate() - timedelta(days=90)).isoformat()
    agent_client.post(CREATE, create_data(kind="archive", relevant_on=day))
    incident = Incident.objects.get()
    assert incident.relevant_on.isoformat() == day and not incident.is_open
    assert not OutboxMessage.objects.exists()


def test_an_invalid_phone_is_shown_at_the_phone_field(agent_client, phases):
    response = agent_client.post(CREATE, create_data(contact_phone="12"))
    assert response.status_code == 422
    assert 'id="id_contact_phone_error"' in response.content.decode()


def test_searching_without_javascript_shows_results_and_keeps_the_form(agent_client, place):
    response = agent_client.post(
        CREATE, create_data(action="find", find="H700123", title="Bezig met typen")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fam. Yılmaz" in content
    assert f'value="household:{place.household.public_id}"' in content
    assert 'value="Bezig met typen"' in content
    assert not Incident.objects.exists()


def test_enter_in_the_search_field_searches_instead_of_creating(agent_client, place):
    response = agent_client.post(CREATE, create_data(action="enter", find="Merelstraat 12"))
    assert response.status_code == 200
    assert f'value="unit:{place.unit.public_id}"' in response.content.decode()
    assert not Incident.objects.exists()


def test_picking_a_unit_links_it_prefills_the_tenant_and_shows_earlier_incidents(
    agent_client, place, make_incident, phases, agent
):
    make_incident(
        title="Kapotte ruit vorig jaar", unit=place.unit, phase=phases["resolved"], handler=agent
    )
    response = agent_client.post(
        CREATE,
        create_data(pick=f"unit:{place.unit.public_id}", contact_name="", contact_email=""),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert f'name="unit" value="{place.unit.public_id}"' in content
    assert f'name="household" value="{place.household.public_id}"' in content
    assert 'value="yilmaz@example.net"' in content
    assert "Kapotte ruit vorig jaar" in content and "solved by Anouk Visser" in content


def test_picking_with_htmx_returns_only_the_link_section(agent_client, place):
    response = agent_client.post(
        CREATE,
        create_data(pick=f"household:{place.household.public_id}"),
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<section class="panel" id="incident-link"')
    assert "Fam. Yılmaz" in content


def test_an_unknown_pick_just_redisplays(agent_client, place):
    response = agent_client.post(CREATE, create_data(pick="unit:doesnotexist"))
    assert response.status_code == 200


def test_clearing_the_link_keeps_the_rest(agent_client, place):
    response = agent_client.post(
        CREATE, create_data(action="clear", unit=place.unit.public_id, title="Houd mij")
    )
    content = response.content.decode()
    assert 'name="unit" value=""' in content or 'name="unit" id="id_unit"' in content
    assert 'value="Houd mij"' in content


def test_the_created_incident_is_linked_to_the_chosen_household_and_unit(agent_client, place):
    agent_client.post(
        CREATE,
        create_data(household=place.household.public_id, unit=place.unit.public_id),
    )
    incident = Incident.objects.get()
    assert (incident.household, incident.unit) == (place.household, place.unit)


def test_a_vanished_household_is_explained(agent_client, phases):
    response = agent_client.post(CREATE, create_data(household="gone123"))
    assert response.status_code == 422
    assert "no longer exists" in response.content.decode()


def test_create_prefills_from_the_query_string(agent_client, place):
    content = agent_client.get(CREATE, {"unit": place.unit.public_id}).content.decode()
    assert "Merelstraat 12-A" in content


def test_the_lookup_answers_search_as_you_type(agent_client, place):
    response = agent_client.get(f"{CREATE}lookup/", {"find": "yılmaz"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="lookup-results"')
    assert "Fam. Yılmaz" in content and "Ayşe Yılmaz" in content


def test_the_category_help_follows_the_choice(agent_client, categories):
    category = categories["Nuisance"]
    response = agent_client.get(f"{CREATE}category-help/", {"category": category.pk})
    assert category.help_en in response.content.decode()


# ---------------------------------------------------------------- categories and phases


def test_admins_see_and_add_categories(admin_client, categories):
    content = admin_client.get("/backoffice/incidents/categories/").content.decode()
    assert "Rent and payments" in content
    response = admin_client.post(
        "/backoffice/incidents/categories/new/",
        {"name_nl": "Schimmel", "name_en": "Mould", "help_nl": "Vocht en schimmel", "active": "on"},
    )
    assert response.status_code == 302
    assert Category.objects.filter(name_en="Mould", active=True).exists()


def test_admins_choose_the_category_for_bulk_conversion(admin_client, categories):
    warranty = categories["Warranty"]
    response = admin_client.post(
        f"/backoffice/incidents/categories/{warranty.pk}/",
        {"name_nl": warranty.name_nl, "active": "on", "is_bulk_default": "on"},
    )
    assert response.status_code == 302
    warranty.refresh_from_db()
    assert warranty.is_bulk_default
    page = admin_client.get("/backoffice/incidents/categories/").content.decode()
    assert 'class="badge"' in page


def test_a_category_without_dutch_name_is_refused_and_keeps_input(admin_client, categories):
    response = admin_client.post(
        "/backoffice/incidents/categories/new/", {"name_nl": "", "name_en": "Mould"}
    )
    assert response.status_code == 422
    assert 'value="Mould"' in response.content.decode()


def test_editing_a_category(admin_client, categories):
    category = categories["Other"]
    url = f"/backoffice/incidents/categories/{category.pk}/"
    assert 'value="Overig"' in admin_client.get(url).content.decode()
    admin_client.post(url, {"name_nl": "Anders", "name_en": "Other", "active": ""})
    category.refresh_from_db()
    assert (category.name_nl, category.active) == ("Anders", False)


def test_removing_a_category_in_use_explains_why_not(admin_client, categories, make_incident):
    category = categories["Repair"]
    make_incident(category=category)
    response = admin_client.post(
        f"/backoffice/incidents/categories/{category.pk}/delete/", follow=True
    )
    assert "Switch it off instead" in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()


def test_moving_a_category_up(admin_client, categories):
    second = list(Category.objects.all())[1]
    admin_client.post(f"/backoffice/incidents/categories/{second.pk}/move/", {"direction": "up"})
    assert Category.objects.first() == second


def test_admins_manage_phases(admin_client, phases):
    content = admin_client.get("/backoffice/incidents/phases/").content.decode()
    assert "Waiting for supplier" in content
    response = admin_client.post(
        "/backoffice/incidents/phases/new/",
        {"name_nl": "Ingepland", "name_en": "Scheduled", "code": "scheduled", "active": "on"},
    )
    assert response.status_code == 302
    assert Phase.objects.filter(code="scheduled").exists()


def test_a_duplicate_phase_code_is_shown_at_the_field(admin_client, phases):
    response = admin_client.post(
        "/backoffice/incidents/phases/new/", {"name_nl": "Nog eens", "code": "new"}
    )
    assert response.status_code == 422
    assert "Another phase already has this code" in response.content.decode()


def test_the_starting_phase_cannot_be_removed_from_the_page(admin_client, phases):
    response = admin_client.post(
        f"/backoffice/incidents/phases/{phases['new'].pk}/delete/", follow=True
    )
    assert "cannot be removed" in response.content.decode()
    assert Phase.objects.filter(code="new").exists()


def test_moving_a_phase_down(admin_client, phases):
    admin_client.post(
        f"/backoffice/incidents/phases/{phases['new'].pk}/move/", {"direction": "down"}
    )
    assert list(Phase.objects.values_list("code", flat=True))[:2] == ["in_progress", "new"]


# ---------------------------------------------------------------- navigation


def test_the_header_and_home_page_lead_to_the_incidents(agent_client, organization):
    content = agent_client.get(reverse("backoffice:home")).content.decode()
    assert f'href="{LIST}"' in content and f'href="{CREATE}"' in content
    assert 'aria-current="page"' in agent_client.get(LIST).content.decode()


def test_sorting_comes_from_the_url(agent_client, make_incident):
    now = timezone.now()
    make_incident(title="older", created_at=now - timedelta(days=2))
    make_incident(title="newer", created_at=now - timedelta(days=1))
    assert page_titles(agent_client.get(LIST)) == ["newer", "older"]
    assert page_titles(agent_client.get(LIST, {"sort": "oldest"})) == ["older", "newer"]
    assert 'name="sort"' in agent_client.get(LIST).content.decode()
