# ruff: noqa: F811  (the shared incident fixtures are imported and used as arguments)
"""The new-incident page links a common area or an installation of the chosen
unit's building block or complex (SPEC INC-3), through the same lookup as
tenants and addresses, with and without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.models import AuditEvent
from meldpunt.incidents.models import Incident
from meldpunt.incidents.tests.conftest import (  # noqa: F401 (fixtures)
    Place,
    categories,
    make_incident,
    phases,
    place,
)
from meldpunt.properties.models import BuildingBlock, CommonArea, Installation
from tests.factories import (
    BuildingBlockFactory,
    CommonAreaFactory,
    ComplexFactory,
    InstallationFactory,
)

pytestmark = pytest.mark.django_db

CREATE = "/backoffice/incidents/new/"
LOOKUP = "/backoffice/incidents/new/lookup/"


@dataclass
class Areas:
    block_a: BuildingBlock
    stairwell_a: CommonArea
    stairwell_b: CommonArea
    garden: CommonArea
    elsewhere: CommonArea
    boiler: Installation
    light: Installation
    lift_motor_b: Installation


@pytest.fixture
def areas(place: Place) -> Areas:
    block_a = BuildingBlockFactory(complex=place.complex, code="A", name="Blok A")
    block_b = BuildingBlockFactory(complex=place.complex, code="B", name="Blok B")
    place.unit.building_block = block_a
    place.unit.save(update_fields=["building_block"])
    stairwell_a = CommonAreaFactory(
        complex=place.complex, building_block=block_a, name="Trappenhuis A"
    )
    stairwell_b = CommonAreaFactory(
        complex=place.complex, building_block=block_b, name="Trappenhuis B"
    )
    garden = CommonAreaFactory(
        complex=place.complex, kind=CommonArea.Kind.GARDEN, name="Binnentuin Vogelwijk"
    )
    elsewhere = CommonAreaFactory(complex=ComplexFactory(code="ELD"), name="Lift Elders")
    return Areas(
        block_a=block_a,
        stairwell_a=stairwell_a,
        stairwell_b=stairwell_b,
        garden=garden,
        elsewhere=elsewhere,
        boiler=InstallationFactory(unit=place.unit, name="CV-ketel Remeha", serial_number="RX-1"),
        light=InstallationFactory(
            unit=None, common_area=stairwell_a, name="Trapverlichting", asset_type="light"
        ),
        lift_motor_b=InstallationFactory(
            unit=None, common_area=stairwell_b, name="Liftmotor B", asset_type="lift"
        ),
    )


@pytest.fixture
def agent(make_staff) -> User:  # type: ignore[no-untyped-def]
    return make_staff(role=StaffRole.AGENT, first_name="Anouk", last_name="Visser")


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def create_data(**overrides: str) -> dict[str, str]:
    data = {
        "action": "create",
        "kind": "internal",
        "title": "Lamp in het trappenhuis kapot",
        "description": "Tweede verdieping, al twee dagen donker",
        "category": "",
        "household": "",
        "unit": "",
        "common_area": "",
        "installation": "",
        "find": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "contact_language": "nl",
        "responsible": "",
        "relevant_on": "",
    }
    data.update(overrides)
    return data


def test_choosing_a_unit_offers_the_common_areas_and_installations_of_its_block_and_complex(
    agent_client, place, areas
):
    response = agent_client.post(CREATE, create_data(pick=f"unit:{place.unit.public_id}"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="place-choices"' in content
    for offered in (areas.stairwell_a, areas.garden):
        assert f'value="common_area:{offered.public_id}"' in content
    for offered in (areas.boiler, areas.light):
        assert f'value="installation:{offered.public_id}"' in content
    # Another block's stairwell, its lift and another complex's areas are not offered.
    assert areas.stairwell_b.public_id not in content
    assert areas.lift_motor_b.public_id not in content
    assert areas.elsewhere.public_id not in content


def test_without_a_unit_no_places_are_offered(agent_client, areas):
    response = agent_client.get(CREATE)
    assert 'data-testid="place-choices"' not in response.content.decode()


def test_picking_a_common_area_keeps_everything_typed_and_shows_its_earlier_incidents(
    agent_client, place, areas, make_incident, phases, agent
):
    make_incident(
        title="Trapleuning los",
        common_area=areas.stairwell_a,
        phase=phases["resolved"],
        handler=agent,
    )
    response = agent_client.post(
        CREATE,
        create_data(
            pick=f"common_area:{areas.stairwell_a.public_id}",
            unit=place.unit.public_id,
            household=place.household.public_id,
            title="Blijft staan",
        ),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert f'name="common_area" value="{areas.stairwell_a.public_id}"' in content
    assert f'name="unit" value="{place.unit.public_id}"' in content
    assert 'value="Blijft staan"' in content
    assert 'data-testid="chosen-common-area"' in content
    assert "Trapleuning los" in content and "solved by Anouk Visser" in content


def test_picking_an_installation_in_a_common_area_links_that_area_too(agent_client, place, areas):
    response = agent_client.post(
        CREATE,
        create_data(pick=f"installation:{areas.light.public_id}", unit=place.unit.public_id),
    )
    content = response.content.decode()
    assert f'name="installation" value="{areas.light.public_id}"' in content
    assert f'name="common_area" value="{areas.stairwell_a.public_id}"' in content


def test_picking_an_installation_found_by_search_brings_its_unit(agent_client, place, areas):
    response = agent_client.post(CREATE, create_data(pick=f"installation:{areas.boiler.public_id}"))
    content = response.content.decode()
    assert f'name="installation" value="{areas.boiler.public_id}"' in content
    assert f'name="unit" value="{place.unit.public_id}"' in content


def test_picking_a_place_with_htmx_returns_only_the_link_section(agent_client, place, areas):
    response = agent_client.post(
        CREATE,
        create_data(pick=f"common_area:{areas.garden.public_id}", unit=place.unit.public_id),
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<section class="panel" id="incident-link"')
    assert f'name="common_area" value="{areas.garden.public_id}"' in content


def test_an_unknown_place_pick_just_redisplays(agent_client, place, areas):
    for pick in ("common_area:doesnotexist", "installation:" + "x" * 40, "installation:"):
        response = agent_client.post(CREATE, create_data(pick=pick, title="Nog hier"))
        assert response.status_code == 200
        assert 'value="Nog hier"' in response.content.decode()


def test_removing_the_place_keeps_the_unit(agent_client, place, areas):
    response = agent_client.post(
        CREATE,
        create_data(
            action="clear_place",
            unit=place.unit.public_id,
            common_area=areas.stairwell_a.public_id,
            installation=areas.light.public_id,
        ),
    )
    content = response.content.decode()
    assert f'name="unit" value="{place.unit.public_id}"' in content
    assert areas.stairwell_a.public_id in content  # offered again, not chosen
    assert 'data-testid="chosen-common-area"' not in content


def test_choosing_another_unit_forgets_the_places_of_the_old_one(agent_client, place, areas):
    other_unit = InstallationFactory().unit
    response = agent_client.post(
        CREATE,
        create_data(
            pick=f"unit:{other_unit.public_id}",
            unit=place.unit.public_id,
            common_area=areas.stairwell_a.public_id,
        ),
    )
    content = response.content.decode()
    assert 'data-testid="chosen-common-area"' not in content
    assert f'name="unit" value="{other_unit.public_id}"' in content


def test_the_incident_is_created_with_its_common_area_and_installation(agent_client, place, areas):
    response = agent_client.post(
        CREATE,
        create_data(
            unit=place.unit.public_id,
            household=place.household.public_id,
            common_area=areas.stairwell_a.public_id,
            installation=areas.light.public_id,
        ),
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.common_area == areas.stairwell_a
    assert incident.installation == areas.light
    assert incident.unit == place.unit
    event = AuditEvent.objects.get(verb="incident.created")
    assert event.changes["common_area"]["new"] == "Trappenhuis A"
    assert event.changes["installation"]["new"] == "Trapverlichting"
    detail = agent_client.get(response["Location"]).content.decode()
    assert "Trappenhuis A" in detail and "Trapverlichting" in detail


def test_a_common_area_alone_is_enough_to_create_an_incident(agent_client, areas):
    response = agent_client.post(CREATE, create_data(common_area=areas.garden.public_id))
    assert response.status_code == 302
    assert Incident.objects.get().common_area == areas.garden


@pytest.mark.parametrize(
    ("field", "which", "message"),
    [
        ("common_area", "elsewhere", "This common area does not belong to the chosen address."),
        ("common_area", "stairwell_b", "This common area does not belong to the chosen address."),
        (
            "installation",
            "lift_motor_b",
            "This installation does not belong to the chosen address.",
        ),
    ],
)
def test_a_place_that_is_not_at_the_chosen_address_is_refused_and_input_kept(
    agent_client, place, areas, field, which, message
):
    response = agent_client.post(
        CREATE,
        create_data(**{"unit": place.unit.public_id, field: getattr(areas, which).public_id}),
    )
    content = response.content.decode()
    assert response.status_code == 422
    assert message in content
    assert 'value="Lamp in het trappenhuis kapot"' in content
    assert not Incident.objects.exists()


def test_an_installation_of_another_common_area_is_refused(agent_client, place, areas):
    response = agent_client.post(
        CREATE,
        create_data(
            unit=place.unit.public_id,
            common_area=areas.garden.public_id,
            installation=areas.light.public_id,
        ),
    )
    assert response.status_code == 422
    assert "This installation is in another common area." in response.content.decode()


def test_a_vanished_common_area_asks_to_look_it_up_again(agent_client, areas):
    response = agent_client.post(CREATE, create_data(common_area="gone123"))
    assert response.status_code == 422
    assert "This common area no longer exists" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("trappenhuis", "stairwell_a"), ("binnentuin", "garden"), ("RX-1", "boiler")],
)
def test_the_lookup_finds_common_areas_and_installations(agent_client, areas, query, expected):
    response = agent_client.get(LOOKUP, {"find": query})
    content = response.content.decode()
    assert response.status_code == 200
    assert getattr(areas, expected).public_id in content


def test_the_lookup_runs_a_fixed_number_of_queries(
    agent_client, areas, django_assert_max_num_queries
):
    for number in range(10):
        CommonAreaFactory(complex=areas.block_a.complex, name=f"Trappenhuis {number}")
    with django_assert_max_num_queries(8):
        response = agent_client.get(LOOKUP, {"find": "trappenhuis"})
    assert response.status_code == 200


def test_the_create_page_query_count_does_not_grow_with_the_places(
    agent_client, place, areas, django_assert_max_num_queries
):
    for number in range(15):
        InstallationFactory(unit=place.unit, name=f"Rookmelder {number}")
    data = create_data(pick=f"unit:{place.unit.public_id}")
    with django_assert_max_num_queries(20):
        response = agent_client.post(CREATE, data)
    assert response.status_code == 200


def test_the_detail_page_shows_earlier_incidents_of_the_common_area(
    agent_client, areas, make_incident
):
    make_incident(title="Tuinhek klemt", common_area=areas.garden)
    current = make_incident(title="Bladeren in de goot", common_area=areas.garden)
    response = agent_client.get(f"/backoffice/incidents/{current.public_id}/")
    assert "Tuinhek klemt" in response.content.decode()
