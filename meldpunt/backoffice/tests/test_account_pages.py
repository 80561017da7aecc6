"""Signing in and out, the language switcher and the public landing page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def fresh_rate_limits():  # type: ignore[no-untyped-def]
    # Failed logins are rate limited through the cache; every test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# ---------- Sign in ----------


def test_the_login_page_is_public_and_uses_the_site_layout(english, organization):
    response = english.get(reverse("account_login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("account_login") == LOGIN_URL
    assert 'id="login-form"' in content
    assert 'name="login"' in content
    assert 'name="password"' in content
    assert 'id="language-switcher"' in content
    assert "Woonstichting Test" in content
    assert "sign up" not in content.lower()


def test_staff_sign_in_with_username_and_land_in_the_back_office(english, make_staff):
    user = make_staff(role=StaffRole.AGENT)
    response = english.post(LOGIN_URL, {"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:home")
    assert english.get(reverse("backoffice:home")).status_code == 200


def test_staff_sign_in_with_email(english, make_staff):
    user = make_staff(role=StaffRole.AGENT)
    response = english.post(LOGIN_URL, {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_sign_in_returns_to_the_page_asked_for(english, make_staff, organization):
    user = make_staff(role=StaffRole.USER)
    target = reverse("backoffice:contact_list")
    page = english.get(f"{LOGIN_URL}?next={target}").content.decode()
    assert f'value="{target}"' in page
    response = english.post(
        LOGIN_URL, {"login": user.username, "password": TEST_PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_a_wrong_password_gives_a_generic_message_and_keeps_the_username(english, make_staff):
    user = make_staff(role=StaffRole.AGENT)
    response = english.post(LOGIN_URL, {"login": user.username, "password": "wrong password"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in content
    assert f'value="{user.username}"' in content
    assert "wrong password" not in content
    assert 'role="alert"' in content


def test_an_unknown_username_gets_the_same_message(english, organization):
    response = english.post(LOGIN_URL, {"login": "nobody", "password": "whatever it is"})
    content = response.content.decode()
    assert "The username and/or password you specified are not correct." in content
    assert 'value="nobody"' in content


def test_an_empty_form_marks_the_fields(english, organization):
    content = english.post(LOGIN_URL, {}).content.decode()
    assert 'aria-invalid="true"' in content
    assert "field__errors" in content


# ---------- Sign out ----------


def test_sign_out_is_a_post(staff_client):
    client = staff_client(StaffRole.AGENT)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200  # a confirmation page, nothing changes
    assert client.get(reverse("backoffice:home")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_the_header_sign_out_is_a_post_form(staff_client, organization):
    content = staff_client(StaffRole.AGENT).get(reverse("backoffice:home")).content.decode()
    assert (
        f'id="logout-form" class="logout-form" method="post" action="{reverse("account_logout")}"'
        in content
    )


# ---------- Account security pages use our layout ----------


@pytest.mark.parametrize("name", ["mfa_index", "account_change_password"])
def test_account_security_pages_use_the_site_layout(staff_client, organization, name):
    response = staff_client(StaffRole.ADMIN).get(reverse(name))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="language-switcher"' in content
    assert 'class="side-nav"' in content


def test_the_password_reset_page_is_public_and_uses_the_site_layout(english, organization):
    response = english.get(reverse("account_reset_password"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="language-switcher"' in content
    assert 'name="email"' in content


# ---------- Language ----------


def test_dutch_is_the_default_language(staff_client, organization):
    response = staff_client(StaffRole.USER).get(reverse("backoffice:home"))
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl">' in response.content.decode()


@pytest.mark.parametrize("language", ["en", "nb", "nl"])
def test_the_language_switcher_changes_the_language_and_returns(
    staff_client, organization, language
):
    client = staff_client(StaffRole.USER)
    home = reverse("backoffice:home")
    response = client.post(reverse("set_language"), {"language": language, "next": home})
    assert response.status_code == 302
    assert response["Location"] == home
    page = client.get(home)
    assert page["Content-Language"] == language
    assert f'<html lang="{language}">' in page.content.decode()
    assert f'<option value="{language}" lang="{language}" selected>' in page.content.decode()


def test_the_language_switcher_works_for_anonymous_visitors(client, organization):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN_URL})
    assert response["Location"] == LOGIN_URL
    assert client.get(LOGIN_URL)["Content-Language"] == "en"


def test_the_language_switcher_form_is_a_labelled_post_keeping_the_current_page(
    staff_client, organization
):
    url = reverse("backoffice:contact_list") + "?q=jan"
    content = staff_client(StaffRole.USER).get(url).content.decode()
    assert (
        f'<form id="language-switcher" class="language-switcher" '
        f'action="{reverse("set_language")}" method="post">'
    ) in content
    assert '<input type="hidden" name="next" value="/backoffice/contacts/?q=jan">' in content
    assert '<label for="language-select"' in content
    assert '<select id="language-select" name="language"' in content
    for code, name in [("nl", "Nederlands"), ("en", "English"), ("nb", "Norsk bokmål")]:
        assert f'value="{code}" lang="{code}"' in content
        assert name in content


def test_the_language_switch_rejects_a_foreign_next(client, organization):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# ---------- Public landing page ----------


def test_the_landing_page_is_public(client, organization):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Woonstichting Test" in content
    assert reverse("account_login") in content
    assert 'href="tel:+31800123456"' in content


def test_the_landing_page_points_staff_to_the_back_office(staff_client, organization):
    content = staff_client(StaffRole.USER).get("/").content.decode()
    assert f'href="{reverse("backoffice:home")}"' in content


def test_the_landing_page_works_before_an_organization_exists(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Meldpunt" in response.content.decode()
