"""Step 1 of making an account: tenant number + activation code (SPEC ACC-1, C-3, ADM-REQ)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from meldpunt.accounts.activation import (
    FAILURE_EXPIRED,
    FAILURE_MISMATCH,
    FAILURE_NO_CODE,
    FAILURE_NUMBER_UNKNOWN,
    FAILURE_USED,
    FAILURE_VOIDED,
    activation_code_generate,
)
from meldpunt.accounts.models import AccountRequest, ActivationCode
from meldpunt.common.actors import Actor
from meldpunt.people.models import Household
from meldpunt.portal.activation_views import SESSION_KEY
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/portal/activate"
MISMATCH = "Check both values"


@pytest.fixture(autouse=True)
def _clean_cache_english() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def english_client(address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def client() -> Client:
    return english_client()


@pytest.fixture
def household(organization) -> Household:
    return HouseholdFactory(tenant_number="H500123")


@pytest.fixture
def code(household) -> ActivationCode:
    return activation_code_generate(actor=Actor.system("test"), household=household)


def post(client: Client, number: str, code: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"tenant_number": number, "code": code})


def test_reverse_name_is_portal_activate() -> None:
    assert reverse("portal:activate") == URL


def test_the_form_asks_for_both_values(client, organization) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="tenant_number"' in html
    assert 'name="code"' in html
    assert 'for="id_tenant_number"' in html
    assert "no-store" in response["Cache-Control"]


def test_empty_form_keeps_input_and_explains(client, organization) -> None:
    response = client.post(URL, {"tenant_number": "H1", "code": ""})
    assert response.status_code == 422
    assert "Fill in the activation code from your letter." in response.content.decode()
    assert 'value="H1"' in response.content.decode()


def test_matching_number_and_code_lead_to_the_details(client, household, code) -> None:
    response = post(client, "H500123", code.code)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:activate_details")
    request = AccountRequest.objects.get()
    assert request.household == household
    assert request.identified_at is not None
    assert request.failure == ""
    assert client.session[SESSION_KEY] == request.public_id
    assert code.code not in response["Location"]


def test_code_is_forgiving_about_case_spaces_and_dashes(client, household, code) -> None:
    typed = code.code.replace("-", " ").lower()
    response = post(client, " h500123 ", typed)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("number", "typed", "failure"),
    [
        ("H500123", "AAAA-BBBB-CCCC", FAILURE_MISMATCH),
        ("H999999", "AAAA-BBBB-CCCC", FAILURE_NUMBER_UNKNOWN),
    ],
)
def test_mismatch_says_check_both_values_and_records_why(
    client, household, code, number: str, typed: str, failure: str
) -> None:
    response = post(client, number, typed)
    assert response.status_code == 422
    html = response.content.decode()
    assert MISMATCH in html
    assert f'value="{number}"' in html
    request = AccountRequest.objects.get()
    assert request.failure == failure
    assert request.tenant_number == number
    assert request.tenant_number_at is not None
    assert request.identified_at is None
    assert SESSION_KEY not in client.session or client.session[SESSION_KEY] == request.public_id


def test_number_without_any_code_is_a_mismatch(client, household) -> None:
    response = post(client, "H500123", "AAAA-BBBB-CCCC")
    assert MISMATCH in response.content.decode()
    assert AccountRequest.objects.get().failure == FAILURE_NO_CODE


def _alert(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    start = html.index('data-testid="activation-mismatch"')
    return html[start : html.index("</div>", start)]


def test_the_answer_is_the_same_whatever_is_wrong(client, household, code) -> None:
    unknown = post(english_client("198.51.100.8"), "H999999", code.code)
    wrong = post(english_client("198.51.100.9"), "H500123", "AAAA-BBBB-CCCC")
    assert unknown.status_code == wrong.status_code == 422
    assert _alert(unknown) == _alert(wrong)


def test_expired_code_is_a_mismatch(client, household) -> None:
    made = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with time_machine.travel(made, tick=False):
        code = activation_code_generate(actor=Actor.system(), household=household)
    with time_machine.travel(code.expires_at + timedelta(minutes=1), tick=False):
        response = post(client, "H500123", code.code)
    assert MISMATCH in response.content.decode()
    assert AccountRequest.objects.get().failure == FAILURE_EXPIRED


def test_used_code_is_a_mismatch(client, household, code) -> None:
    ActivationCode.objects.filter(pk=code.pk).update(used_at=code.created_at)
    response = post(client, "H500123", code.code)
    assert MISMATCH in response.content.decode()
    assert AccountRequest.objects.get().failure == FAILURE_USED


def test_a_new_code_voids_the_old_one(client, household, code) -> None:
    newer = activation_code_generate(actor=Actor.system(), household=household)
    response = post(client, "H500123", code.code)
    assert MISMATCH in response.content.decode()
    assert AccountRequest.objects.get().failure == FAILURE_VOIDED
    assert post(client, "H500123", newer.code).status_code == 302


def test_tries_from_one_browser_continue_one_request(client, household, code) -> None:
    post(client, "H500123", "AAAA-BBBB-CCCC")
    post(client, "H500123", code.code)
    request = AccountRequest.objects.get()
    assert request.identified_at is not None
    assert request.failure == ""


def test_another_number_starts_another_request(client, household, code) -> None:
    post(client, "H999999", "AAAA-BBBB-CCCC")
    post(client, "H500123", code.code)
    assert AccountRequest.objects.count() == 2


def test_the_session_is_renewed_after_identifying(client, household, code) -> None:
    client.get(URL)
    before = client.session.session_key
    post(client, "H500123", code.code)
    assert client.session.session_key != before


def test_a_household_with_an_account_is_told_to_sign_in(client, household, code) -> None:
    UserFactory(role="", household=household, username="fam.jansen")
    response = post(client, "H500123", code.code)
    assert response.status_code == 200
    assert 'data-testid="account-exists"' in response.content.decode()
    assert AccountRequest.objects.get().identified_at is None


def test_a_wrong_code_for_a_household_with_an_account_says_check_both(client, household) -> None:
    UserFactory(role="", household=household)
    activation_code_generate(actor=Actor.system(), household=household)
    response = post(client, "H500123", "AAAA-BBBB-CCCC")
    assert MISMATCH in response.content.decode()


# ---------------------------------------------------------------- rate limits (C-3)


def test_five_failures_per_tenant_number_lock_it_for_fifteen_minutes(household, code) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        code = activation_code_generate(actor=Actor.system(), household=household)
        for index in range(5):
            response = post(english_client(f"198.51.100.{index + 1}"), "H500123", "WRONG")
            assert response.status_code == 422
        response = post(english_client("198.51.100.99"), "H500123", code.code)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts. Please try again in 15 minutes." in html
    assert AccountRequest.objects.count() == 5
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        response = post(english_client("198.51.100.99"), "H500123", code.code)
        assert "try again in 5 minutes" in response.content.decode()
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert post(english_client("198.51.100.99"), "H500123", code.code).status_code == 302


def test_twenty_failures_per_client_lock_that_client(household, code) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        code = activation_code_generate(actor=Actor.system(), household=household)
        client = english_client("203.0.113.5")
        for index in range(20):
            assert post(client, f"H{index}", "WRONG").status_code == 422
        assert post(client, "H500123", code.code).status_code == 429
        assert post(english_client("203.0.113.6"), "H500123", code.code).status_code == 302


def test_successes_do_not_count_against_the_limit(household) -> None:
    for _i in range(6):
        code = activation_code_generate(actor=Actor.system(), household=household)
        assert post(english_client(), "H500123", code.code).status_code == 302


def test_csrf_is_required(household, code) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, {"tenant_number": "H500123", "code": code.code})
    assert response.status_code == 403
