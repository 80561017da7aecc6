# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""Activation codes and letters on the household pages (SPEC ACC-1, C-3): making a
new code (confirming that the old one is voided), revealing it (audited, shown
once), printing one household's letters and letter batches from the list."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from meldpunt.accounts.activation import activation_code_generate, activation_code_live
from meldpunt.accounts.models import ActivationCode, StaffRole
from meldpunt.backoffice import household_views
from meldpunt.backoffice.tests.test_household_pages import (  # noqa: F401  (fixtures)
    LIST,
    Tenants,
    client_as,
    detail_url,
    tenants,
)
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.people.models import Household
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

CODE_ROLES = [StaffRole.AGENT, StaffRole.ADMIN]


def generate_url(household: Household) -> str:
    return reverse("backoffice:household_code_generate", args=[household.public_id])


def reveal_url(household: Household) -> str:
    return reverse("backoffice:household_code_reveal", args=[household.public_id])


def letters_url(household: Household) -> str:
    return reverse("backoffice:household_letters", args=[household.public_id])


BATCH = reverse("backoffice:household_letters_batch")


def live(household: Household) -> ActivationCode | None:
    return activation_code_live(household=household)


def assert_pdf_download(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def printed_for(household: Household) -> int:
    return AuditEvent.objects.filter(
        verb="activation_letter.printed", object_id=household.public_id
    ).count()


# ---------------------------------------------------------------- generating


@pytest.mark.parametrize("role", CODE_ROLES)
def test_agents_and_admins_make_a_first_code_at_once(client_as, tenants: Tenants, role):
    with translation.override("en"):
        response = client_as(role).post(generate_url(tenants.jansen), follow=True)
    code = live(tenants.jansen)
    assert code is not None
    assert response.redirect_chain[-1][0] == detail_url(tenants.jansen) + "#activation-title"
    html = response.content.decode()
    assert "An activation code is made." in html
    assert code.code not in html  # made, not shown
    assert AuditEvent.objects.filter(verb="activation_code.generated").count() == 1


def test_with_a_valid_code_the_first_post_asks_to_confirm_the_void(client_as, tenants: Tenants):
    old = activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    with translation.override("en"):
        response = client_as(StaffRole.AGENT).post(generate_url(tenants.jansen))
    assert response.status_code == 200
    assert "backoffice/households/code_confirm.html" in [t.name for t in response.templates]
    assert "The new code voids it" in response.content.decode()
    assert live(tenants.jansen) == old  # nothing changed yet


def test_the_confirmed_post_voids_the_old_code_and_makes_a_new_one(client_as, tenants: Tenants):
    old = activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    with translation.override("en"):
        response = client_as(StaffRole.AGENT).post(
            generate_url(tenants.jansen), {"confirm": "on"}, follow=True
        )
    new = live(tenants.jansen)
    assert new is not None and new.pk != old.pk
    old.refresh_from_db()
    assert old.voided_at is not None
    assert "The previous code no longer works." in response.content.decode()


def test_a_staff_user_may_not_make_a_code(client_as, tenants: Tenants):
    response = client_as(StaffRole.USER).post(generate_url(tenants.jansen), {"confirm": "on"})
    assert response.status_code == 403
    assert live(tenants.jansen) is None


def test_generating_is_post_only_and_unknown_households_are_404(client_as, tenants: Tenants):
    client = client_as(StaffRole.AGENT)
    assert client.get(generate_url(tenants.jansen)).status_code == 405
    unknown = reverse("backoffice:household_code_generate", args=["doesNotExist1"])
    assert client.post(unknown).status_code == 404


# ---------------------------------------------------------------- revealing


@pytest.mark.parametrize("role", CODE_ROLES)
def test_revealing_shows_the_code_once_and_is_audited(client_as, tenants: Tenants, role):
    code = activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    client = client_as(role)
    response = client.post(reveal_url(tenants.jansen))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="revealed-code">{code.code}<' in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(verb="activation_code.revealed")
    assert event.actor_user is not None and event.actor_user.role == role
    assert event.object_id == str(code.pk)
    assert code.code not in str(event.changes)
    # The page itself never shows it again.
    assert code.code not in client.get(detail_url(tenants.jansen)).content.decode()


def test_revealing_without_a_valid_code_says_so(client_as, tenants: Tenants):
    with translation.override("en"):
        response = client_as(StaffRole.AGENT).post(reveal_url(tenants.jansen), follow=True)
    assert "This household has no valid activation code. Make one first." in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(verb="activation_code.revealed").exists()


def test_a_staff_user_may_not_reveal_a_code(client_as, tenants: Tenants):
    code = activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    response = client_as(StaffRole.USER).post(reveal_url(tenants.jansen))
    assert response.status_code == 403
    assert code.code not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="activation_code.revealed").exists()


def test_revealing_is_post_only(client_as, tenants: Tenants):
    activation_code_generate(actor=Actor.system(), household=tenants.jansen)
    assert client_as(StaffRole.ADMIN).get(reveal_url(tenants.jansen)).status_code == 405


def test_revealing_an_unknown_household_is_404(client_as, tenants: Tenants):
    url = reverse("backoffice:household_code_reveal", args=["doesNotExist1"])
    assert client_as(StaffRole.ADMIN).post(url).status_code == 404


# ---------------------------------------------------------------- one household's letters


@pytest.mark.parametrize("which", ["both", "number", "code"])
def test_one_households_letters_download_as_pdf(client_as, tenants: Tenants, which):
    response = client_as(StaffRole.AGENT).post(letters_url(tenants.jansen), {"which": which})
    assert_pdf_download(response)
    assert "H424242" in response["Content-Disposition"]
    assert printed_for(tenants.jansen) == 1
    code = live(tenants.jansen)
    if which == "number":
        assert code is None  # a number letter needs no code
    else:
        assert code is not None and code.letters_printed_at is not None


def test_a_staff_user_may_not_print_letters(client_as, tenants: Tenants):
    response = client_as(StaffRole.USER).post(letters_url(tenants.jansen), {"which": "both"})
    assert response.status_code == 403
    assert printed_for(tenants.jansen) == 0


def test_letters_are_post_only_and_unknown_households_are_404(client_as, tenants: Tenants):
    client = client_as(StaffRole.AGENT)
    assert client.get(letters_url(tenants.jansen)).status_code == 405
    url = reverse("backoffice:household_letters", args=["doesNotExist1"])
    assert client.post(url, {"which": "both"}).status_code == 404


# ---------------------------------------------------------------- batches from the list


def test_letters_for_the_selected_households(client_as, tenants: Tenants):
    data = {
        "scope": "selected",
        "which": "both",
        "households": [tenants.jansen.public_id, tenants.bakker.public_id, "doesNotExist1"],
    }
    response = client_as(StaffRole.ADMIN).post(BATCH, data)
    assert_pdf_download(response)
    assert printed_for(tenants.jansen) == 1
    assert printed_for(tenants.bakker) == 1
    assert printed_for(tenants.de_vries) == 0


def test_letters_for_all_without_an_account_that_match_the_search(client_as, tenants: Tenants):
    other = HouseholdFactory(name="Fam. Smit", postcode="3512CD")
    HouseholdFactory(name="Fam. Elders", postcode="9999ZZ")
    data = {"scope": "without_account", "which": "code", "q": "3512"}
    response = client_as(StaffRole.AGENT).post(BATCH, data)
    assert_pdf_download(response)
    printed = set(
        AuditEvent.objects.filter(verb="activation_letter.printed").values_list(
            "object_id", flat=True
        )
    )
    assert printed == {tenants.jansen.public_id, other.public_id}


def test_all_without_an_account_skips_households_with_an_account(client_as, tenants: Tenants):
    data = {"scope": "without_account", "which": "number", "q": "h555"}
    with translation.override("en"):
        response = client_as(StaffRole.AGENT).post(BATCH, data, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert response.redirect_chain[-1][0] == f"{LIST}?q=h555"
    assert "No households to print letters for" in response.content.decode()


def test_a_batch_above_the_cap_prints_nothing_and_says_why(
    client_as, tenants: Tenants, monkeypatch
):
    monkeypatch.setattr(household_views, "LETTER_BATCH_CAP", 2)
    client = client_as(StaffRole.AGENT)
    HouseholdFactory(name="Fam. Smit")
    HouseholdFactory(name="Fam. Visser")
    with translation.override("en"):
        response = client.post(
            BATCH, {"scope": "without_account", "which": "both", "status": "none"}, follow=True
        )
    assert response.redirect_chain[-1][0] == f"{LIST}?status=none"
    assert "One batch holds at most 2 households." in response.content.decode()
    assert not AuditEvent.objects.filter(verb="activation_letter.printed").exists()
    selected = [h.public_id for h in Household.objects.all()[:3]]
    with translation.override("en"):
        response = client.post(
            BATCH, {"scope": "selected", "which": "both", "households": selected}, follow=True
        )
    assert "One batch holds at most 2 households." in response.content.decode()
    assert not AuditEvent.objects.filter(verb="activation_letter.printed").exists()


def test_an_empty_selection_prints_nothing(client_as, tenants: Tenants):
    with translation.override("en"):
        response = client_as(StaffRole.AGENT).post(
            BATCH, {"scope": "selected", "which": "both"}, follow=True
        )
    assert "select at least one" in response.content.decode()


def test_a_batch_without_valid_choices_keeps_the_search(client_as, tenants: Tenants):
    with translation.override("en"):
        response = client_as(StaffRole.AGENT).post(
            BATCH, {"scope": "everything", "which": "both", "q": "jansen"}, follow=True
        )
    assert response.redirect_chain[-1][0] == f"{LIST}?q=jansen"
    assert "Choose which letters to print." in response.content.decode()


def test_a_staff_user_may_not_print_a_batch(client_as, tenants: Tenants):
    data = {"scope": "selected", "which": "both", "households": [tenants.jansen.public_id]}
    assert client_as(StaffRole.USER).post(BATCH, data).status_code == 403
    assert client_as(StaffRole.AGENT).get(BATCH).status_code == 405
