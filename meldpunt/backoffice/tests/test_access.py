"""Who may open which back-office page: the URL-by-actor matrix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meldpunt.accounts.models import StaffRole

pytestmark = pytest.mark.django_db

STAFF_ROLES = [StaffRole.ADMIN, StaffRole.AGENT, StaffRole.USER]


def page_urls(stock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "home": reverse("backoffice:home"),
        "complex_detail": reverse("backoffice:complex_detail", args=[stock.complex.public_id]),
        "unit_detail": reverse("backoffice:unit_detail", args=[stock.unit.public_id]),
        "contact_list": reverse("backoffice:contact_list"),
        "organization": reverse("backoffice:organization"),
    }


@pytest.mark.parametrize(
    "name", ["home", "complex_detail", "unit_detail", "contact_list", "organization"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, stock, name):
    url = page_urls(stock)[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize(
    "name", ["home", "complex_detail", "unit_detail", "contact_list", "organization"]
)
def test_a_signed_in_user_without_a_staff_role_gets_403(staff_client, stock, name):
    response = staff_client("").get(page_urls(stock)[name])
    assert response.status_code == 403


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("name", ["home", "complex_detail", "unit_detail", "contact_list"])
def test_every_staff_role_opens_the_shared_pages(staff_client, stock, role, name):
    response = staff_client(role).get(page_urls(stock)[name])
    assert response.status_code == 200


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
def test_the_organization_page_is_403_for_agents_and_users(staff_client, stock, role):
    response = staff_client(role).get(page_urls(stock)["organization"])
    assert response.status_code == 403


def test_the_organization_page_opens_for_administrators(staff_client, stock):
    response = staff_client(StaffRole.ADMIN).get(page_urls(stock)["organization"])
    assert response.status_code == 200


def test_the_403_page_uses_the_site_layout(staff_client, stock):
    response = staff_client(StaffRole.USER).get(page_urls(stock)["organization"])
    content = response.content.decode()
    assert 'id="language-switcher"' in content
    assert "<main" in content


def test_an_inactive_staff_user_is_treated_as_signed_out(client, make_staff, stock):
    user = make_staff(role=StaffRole.ADMIN, is_active=False)
    client.force_login(user)
    response = client.get(page_urls(stock)["home"])
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name", ["home", "complex_detail", "unit_detail", "contact_list", "organization"]
)
def test_pages_only_answer_get(staff_client, stock, name):
    response = staff_client(StaffRole.ADMIN).post(page_urls(stock)[name])
    assert response.status_code == 405


@pytest.mark.parametrize("route", ["backoffice:complex_detail", "backoffice:unit_detail"])
@pytest.mark.parametrize(
    "public_id",
    [
        "doesNotExist1234",
        "x" * 25,  # longer than any public id
        "a" * 200,
        "-",
        "_",
    ],
)
def test_unknown_or_malformed_ids_are_404(staff_client, stock, route, public_id):
    response = staff_client(StaffRole.ADMIN).get(reverse(route, args=[public_id]))
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["complexes", "units"])
@pytest.mark.parametrize("tail", ["%20/", "%2E%2E/", "ab%00cd/", "ab.cd/", "%E2%82%AC/"])
def test_ids_with_characters_a_public_id_never_has_are_404(staff_client, stock, path, tail):
    response = staff_client(StaffRole.ADMIN).get(f"/backoffice/{path}/{tail}")
    assert response.status_code == 404


def test_the_id_of_another_kind_of_object_is_404(staff_client, stock):
    client = staff_client(StaffRole.ADMIN)
    assert (
        client.get(reverse("backoffice:unit_detail", args=[stock.complex.public_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("backoffice:complex_detail", args=[stock.unit.public_id])).status_code
        == 404
    )


def test_the_404_page_uses_the_site_layout(staff_client, stock):
    response = staff_client(StaffRole.ADMIN).get(
        reverse("backoffice:unit_detail", args=["doesNotExist1234"])
    )
    content = response.content.decode()
    assert response.status_code == 404
    assert 'id="language-switcher"' in content
