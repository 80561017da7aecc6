"""'Lost the letter?' and 'New? Register' (SPEC ACC-3, ACC-4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from meldpunt.interactions.models import Interaction, InteractionKind
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

URL = "/portal/lost-letter"
ANSWER = (
    "If this tenant number is known, we will send a new code letter to the "
    "correspondence address on file."
)


@pytest.fixture(autouse=True)
def _clean_cache_english() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def browser(address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_form_explains_where_the_letter_goes(organization) -> None:
    response = browser().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "correspondence address" in html
    assert 'for="id_tenant_number"' in html


def test_a_known_number_records_a_code_requested_interaction(organization) -> None:
    household = HouseholdFactory(tenant_number="H500123")
    response = browser().post(URL, {"tenant_number": "h500123"})
    assert response.status_code == 200
    assert ANSWER in response.content.decode()
    interaction = Interaction.objects.get()
    assert interaction.household == household
    assert interaction.kind == InteractionKind.objects.get(code="code_requested")
    assert interaction.direction == Interaction.Direction.TENANT
    assert "H500123" in interaction.description


def test_an_unknown_number_records_an_interaction_without_household(organization) -> None:
    response = browser().post(URL, {"tenant_number": "H999999"})
    assert ANSWER in response.content.decode()
    interaction = Interaction.objects.get()
    assert interaction.household is None
    assert "H999999" in interaction.description


def test_known_and_unknown_numbers_get_identical_answers(organization) -> None:
    HouseholdFactory(tenant_number="H500123")
    known = browser("198.51.100.1").post(URL, {"tenant_number": "H500123"})
    unknown = browser("198.51.100.2").post(URL, {"tenant_number": "H999999"})
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known.content.decode()) == _without_tokens(unknown.content.decode())
    assert Interaction.objects.count() == 2


def test_an_empty_number_is_explained(organization) -> None:
    response = browser().post(URL, {"tenant_number": ""})
    assert response.status_code == 422
    assert "Fill in your tenant number." in response.content.decode()
    assert not Interaction.objects.exists()


def test_requests_are_limited_per_client(organization) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        client = browser("203.0.113.9")
        for index in range(10):
            assert client.post(URL, {"tenant_number": f"H{index}"}).status_code == 200
        response = client.post(URL, {"tenant_number": "H500123"})
        assert response.status_code == 429
        assert "Too many attempts" in response.content.decode()
        assert browser("203.0.113.10").post(URL, {"tenant_number": "H1"}).status_code == 200
    assert Interaction.objects.count() == 11
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.post(URL, {"tenant_number": "H500123"}).status_code == 200


def test_register_leads_to_the_letter_request(organization) -> None:
    response = browser().get("/portal/register")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/portal/lost-letter"' in html
    assert 'href="/portal/activate"' in html


def test_register_is_read_only(organization) -> None:
    assert browser().post("/portal/register").status_code == 405
