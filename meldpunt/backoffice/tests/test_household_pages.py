"""The household list and a household's record in the back office (SPEC ACC-1,
ACC-12, C-3, A-8): who sees what, search and the account-status filter, paging,
query counts, and what the record shows of the activation code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from meldpunt.accounts.activation import activation_code_generate
from meldpunt.accounts.models import ActivationCode, StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.interactions.models import Interaction
from meldpunt.interactions.services import interaction_record
from meldpunt.people.models import AccountStatus, Household
from tests.factories import (
    ComplexFactory,
    ContractFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("backoffice:household_list")


def detail_url(household: Household) -> str:
    return reverse("backoffice:household_detail", args=[household.public_id])


@dataclass
class Tenants:
    jansen: Household  # no account, a contract, two persons
    bakker: Household  # account created, not confirmed
    de_vries: Household  # account confirmed


@pytest.fixture
def tenants(organization) -> Tenants:  # type: ignore[no-untyped-def]
    jansen = HouseholdFactory(
        name="Fam. Jansen",
        tenant_number="H424242",
        email="jansen@example.net",
        street="Lindelaan",
        house_number=12,
        house_number_addition="B",
        postcode="3512AB",
        city="Utrecht",
    )
    bakker = HouseholdFactory(
        name="Fam. Bakker",
        tenant_number="H555001",
        email="bakker@voorbeeld.nl",
        postcode="1011XY",
        account_status=AccountStatus.CREATED,
    )
    de_vries = HouseholdFactory(
        name="Fam. de Vries",
        tenant_number="H555002",
        email="vries@example.net",
        postcode="9711AA",
        account_status=AccountStatus.CONFIRMED,
    )
    main = HouseholdRoleFactory(code="main-tenant", name="Main tenant", ordering=0)
    child = HouseholdRoleFactory(code="child", name="Child", ordering=2)
    PersonFactory(household=jansen, role=child, first_name="Daan", surname="Jansen")
    PersonFactory(household=jansen, role=main, first_name="Jan", surname="Jansen")
    unit = UnitFactory(
        complex=ComplexFactory(), street="Lindelaan", house_number=12, postcode="3512AB"
    )
    ContractFactory(number="K777001", household=jansen, unit=unit, start_date=date(2019, 4, 1))
    ContractFactory(
        number="K555001",
        household=jansen,
        unit=UnitFactory(complex=unit.complex, street="Oude Gracht", house_number=3),
        start_date=date(2008, 1, 1),
        end_date=date(2019, 3, 31),
    )
    return Tenants(jansen=jansen, bakker=bakker, de_vries=de_vries)


@pytest.fixture
def client_as(make_staff) -> Callable[[str], Client]:  # type: ignore[no-untyped-def]
    def make(role: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(make_staff(role=role))
        return client

    return make


def names(response) -> set[str]:  # type: ignore[no-untyped-def]
    """The names on the page (a set: name order depends on the database's collation)."""
    return {household.name for household in response.context["page"].items}


# ---------------------------------------------------------------- the list


@pytest.mark.parametrize("role", [StaffRole.USER, StaffRole.AGENT, StaffRole.ADMIN])
def test_every_staff_role_sees_the_household_list(client_as, tenants, role):
    response = client_as(role).get(LIST)
    assert response.status_code == 200
    assert names(response) == {"Fam. Bakker", "Fam. de Vries", "Fam. Jansen"}
    html = response.content.decode()
    assert detail_url(tenants.jansen) in html
    assert "H424242" in html


def test_a_user_without_a_staff_role_gets_403(client_as, tenants):
    assert client_as("").get(LIST).status_code == 403


def test_only_agents_and_administrators_get_the_letter_batch_controls(client_as, tenants):
    assert 'name="households"' not in client_as(StaffRole.USER).get(LIST).content.decode()
    for role in (StaffRole.AGENT, StaffRole.ADMIN):
        html = client_as(role).get(LIST).content.decode()
        assert 'name="households"' in html
        assert 'data-testid="letters-without-account"' in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("H4242", {"Fam. Jansen"}),  # start of the tenant number
        ("h555", {"Fam. Bakker", "Fam. de Vries"}),
        ("bakker", {"Fam. Bakker"}),  # name
        ("fam vries", {"Fam. de Vries"}),  # every word must match
        ("voorbeeld.nl", {"Fam. Bakker"}),  # email
        ("3512 ab", {"Fam. Jansen"}),  # postcode as people type it
        ("3512AB", {"Fam. Jansen"}),
        ("9711", {"Fam. de Vries"}),
        ("nobody-here", set()),
    ],
)
def test_the_list_searches_tenant_number_name_postcode_and_email(client_as, tenants, q, expected):
    response = client_as(StaffRole.USER).get(LIST, {"q": q})
    assert names(response) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (AccountStatus.NONE, {"Fam. Jansen"}),
        (AccountStatus.CREATED, {"Fam. Bakker"}),
        (AccountStatus.CONFIRMED, {"Fam. de Vries"}),
        ("", {"Fam. Bakker", "Fam. de Vries", "Fam. Jansen"}),
        ("nonsense", {"Fam. Bakker", "Fam. de Vries", "Fam. Jansen"}),  # dropped, not an error
    ],
)
def test_the_list_filters_on_the_portal_account_status(client_as, tenants, status, expected):
    response = client_as(StaffRole.USER).get(LIST, {"status": status})
    assert response.status_code == 200
    assert names(response) == expected


def test_search_and_status_filter_combine(client_as, tenants):
    response = client_as(StaffRole.USER).get(LIST, {"q": "h555", "status": "confirmed"})
    assert names(response) == {"Fam. de Vries"}


def test_the_status_shows_as_a_readable_badge(client_as, tenants):
    with translation.override("en"):
        html = client_as(StaffRole.USER).get(LIST, {"q": "bakker"}).content.decode()
    assert "Created, not confirmed" in html


def test_the_list_pages_by_cursor(client_as, organization):
    for number in range(55):
        HouseholdFactory(name=f"Huishouden {number:02d}")
    client = client_as(StaffRole.USER)
    first = client.get(LIST)
    assert len(first.context["page"].items) == 50
    cursor = first.context["page"].next_cursor
    assert cursor
    second = client.get(LIST, {"cursor": cursor})
    assert names(second) == {f"Huishouden {number:02d}" for number in range(50, 55)}
    assert second.context["page"].next_cursor is None
    assert client.get(LIST, {"cursor": "garbage!"}).status_code == 200


def test_an_htmx_search_returns_only_the_results(client_as, tenants):
    response = client_as(StaffRole.USER).get(LIST, {"q": "bakker"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="household-results"' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("role", [StaffRole.USER, StaffRole.AGENT])
def test_the_list_query_count_does_not_grow_with_rows(
    client_as, organization, django_assert_num_queries, role
):
    client = client_as(role)
    HouseholdFactory()
    client.get(LIST)  # warm up: first-request work is not counted
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_row:
        assert len(client.get(LIST).context["page"].items) == 1
    for _number in range(19):
        HouseholdFactory()
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = client.get(LIST, {"status": AccountStatus.NONE})
    assert len(response.context["page"].items) == 20


# ---------------------------------------------------------------- one household


@pytest.mark.parametrize("role", [StaffRole.USER, StaffRole.AGENT, StaffRole.ADMIN])
def test_the_record_shows_the_household_persons_and_contracts(client_as, tenants, role):
    with translation.override("en"):
        response = client_as(role).get(detail_url(tenants.jansen))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Fam. Jansen", "H424242", "Lindelaan 12-B", "3512 AB", "jansen@example.net"):
        assert text in html
    persons = [(p.first_name, p.role.name) for p in response.context["record"].persons]
    assert persons == [("Jan", "Main tenant"), ("Daan", "Child")]
    contracts = response.context["record"].contracts
    assert [c.number for c in contracts] == ["K777001", "K555001"]
    assert [c.is_running for c in contracts] == [True, False]
    assert reverse("backoffice:unit_detail", args=[contracts[0].unit.public_id]) in html
    assert "No account" in html
    assert "backoffice/households/_account_panel.html" in [t.name for t in response.templates]


def test_an_unknown_household_is_404(client_as, tenants):
    url = reverse("backoffice:household_detail", args=["doesNotExist1"])
    assert client_as(StaffRole.ADMIN).get(url).status_code == 404


def test_a_user_without_a_staff_role_cannot_open_a_record(client_as, tenants):
    assert client_as("").get(detail_url(tenants.jansen)).status_code == 403


def test_the_record_shows_the_codes_state_but_never_the_code(client_as, tenants):
    agent = UserFactory(role=StaffRole.AGENT, first_name="Kim", last_name="de Boer")
    code = activation_code_generate(actor=Actor.staff(agent), household=tenants.jansen)
    ActivationCode.objects.filter(pk=code.pk).update(letters_printed_at=timezone.now())
    for role in (StaffRole.USER, StaffRole.AGENT):
        with translation.override("en"):
            html = client_as(role).get(detail_url(tenants.jansen)).content.decode()
        assert code.code not in html
        assert "Kim de Boer" in html
        assert "Not yet" not in html  # letters printed
        assert 'data-testid="revealed-code"' not in html


def test_a_household_without_a_code_says_so(client_as, tenants):
    with translation.override("en"):
        html = client_as(StaffRole.AGENT).get(detail_url(tenants.jansen)).content.decode()
    assert "This household has no valid activation code." in html
    assert 'data-testid="code-reveal"' not in html  # nothing to reveal
    assert 'data-testid="code-generate"' in html


def test_a_staff_user_sees_no_code_actions(client_as, tenants):
    activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    html = client_as(StaffRole.USER).get(detail_url(tenants.jansen)).content.decode()
    for action in ("code-generate", "code-reveal", "letters-download"):
        assert f'data-testid="{action}"' not in html


def test_an_expired_code_does_not_count_as_valid(client_as, tenants):
    code = activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    ActivationCode.objects.filter(pk=code.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client_as(StaffRole.AGENT).get(detail_url(tenants.jansen))
    assert response.context["live_code"] is None


# ---------------------------------------------------------------- interactions on the record


def record_interactions(household: Household, count: int, kind: str = "repair_request") -> None:
    for number in range(count):
        interaction_record(
            actor=Actor.system(), household=household, kind=kind, subject=f"Contact {number:02d}"
        )


def test_the_record_lists_interactions_newest_first_a_page_at_a_time(client_as, tenants):
    record_interactions(tenants.jansen, 12)
    record_interactions(tenants.bakker, 1)  # someone else's: never shown
    client = client_as(StaffRole.USER)
    first = client.get(detail_url(tenants.jansen))
    page = first.context["interactions"]
    assert [i.subject for i in page.items] == [f"Contact {n:02d}" for n in range(11, 1, -1)]
    assert page.next_cursor
    assert 'data-testid="interactions-more"' in first.content.decode()
    second = client.get(detail_url(tenants.jansen), {"interactions": page.next_cursor})
    assert [i.subject for i in second.context["interactions"].items] == ["Contact 01", "Contact 00"]


def test_open_tasks_are_marked_with_a_done_button(client_as, tenants):
    interaction_record(actor=Actor.system(), household=tenants.jansen, kind="code_requested")
    record_interactions(tenants.jansen, 1)
    html = client_as(StaffRole.USER).get(detail_url(tenants.jansen)).content.decode()
    assert html.count('data-testid="task-open"') == 1
    assert html.count('data-testid="task-done"') == 1


def test_the_record_query_count_does_not_grow_with_interactions(
    client_as, tenants, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(StaffRole.AGENT)
    activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    record_interactions(tenants.jansen, 1, kind="code_requested")
    client.get(detail_url(tenants.jansen))
    with CaptureQueriesContext(connection) as one:
        client.get(detail_url(tenants.jansen))
    record_interactions(tenants.jansen, 9, kind="code_requested")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(detail_url(tenants.jansen))
    assert len(response.context["interactions"].items) == 10


def done_url(household: Household, interaction: Interaction) -> str:
    return reverse(
        "backoffice:household_task_done", args=[household.public_id, interaction.public_id]
    )


def test_any_staff_member_marks_a_task_done_on_the_record(client_as, tenants):
    task = interaction_record(actor=Actor.system(), household=tenants.jansen, kind="code_requested")
    client = client_as(StaffRole.USER)
    with translation.override("en"):
        response = client.post(done_url(tenants.jansen, task), follow=True)
    task.refresh_from_db()
    assert task.task_open is False
    assert isinstance(task.task_done_by, User)
    assert response.redirect_chain[-1][0].startswith(detail_url(tenants.jansen))
    assert "The task is done." in response.content.decode()
    again = client.post(done_url(tenants.jansen, task), follow=True)
    assert again.status_code == 200


def test_a_task_of_another_household_is_404_on_the_record(client_as, tenants):
    other = interaction_record(
        actor=Actor.system(), household=tenants.bakker, kind="code_requested"
    )
    response = client_as(StaffRole.ADMIN).post(done_url(tenants.jansen, other))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.task_open is True


def test_marking_done_on_the_record_is_post_only(client_as, tenants):
    task = interaction_record(actor=Actor.system(), household=tenants.jansen, kind="code_requested")
    assert client_as(StaffRole.USER).get(done_url(tenants.jansen, task)).status_code == 405
