"""Activation letters (SPEC ACC-1): code and tenant number in separate letters."""

from __future__ import annotations

import pytest

from meldpunt.accounts import activation_events as events
from meldpunt.accounts.activation import activation_code_generate, activation_code_live
from meldpunt.accounts.letters import _weasyprint, activation_letters_html, activation_letters_pdf
from meldpunt.accounts.models import ActivationCode, StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor() -> Actor:
    return Actor.staff(UserFactory(role=StaffRole.AGENT))


def _sections(html: str) -> list[str]:
    return html.split('<section class="letter')[1:]


def test_the_pdf_has_one_page_per_letter(organization, actor) -> None:
    weasyprint = _weasyprint()
    households = [HouseholdFactory(), HouseholdFactory()]
    pdf = activation_letters_pdf(actor=actor, households=households)
    assert pdf.startswith(b"%PDF")
    html = activation_letters_html(actor=actor, households=households, which="both")
    assert len(weasyprint.HTML(string=html).render().pages) == 4


def test_number_letter_has_tenant_number_and_url_but_no_code(organization, actor) -> None:
    household = HouseholdFactory(tenant_number="H424242")
    html = activation_letters_html(actor=actor, households=[household], which="both")
    number_letter, code_letter = _sections(html)
    code = activation_code_live(household=household)
    assert code is not None
    assert "H424242" in number_letter
    assert "/portal/activate" in number_letter
    assert code.code not in number_letter
    assert code.code in code_letter
    assert "H424242" not in code_letter
    assert "/portal/activate" not in code_letter


def test_address_block_comes_from_the_household(organization, actor) -> None:
    household = HouseholdFactory(
        name="Fam. De Vries",
        street="Kerkstraat",
        house_number=12,
        house_number_addition="B",
        postcode="3511AB",
        city="Utrecht",
        country="BE",
    )
    html = activation_letters_html(actor=actor, households=[household], which="number")
    assert "Fam. De Vries" in html
    assert "Kerkstraat 12-B" in html
    assert "3511AB" in html
    assert "<p>BE</p>" in html
    assert organization.contact_phone in html


def test_the_home_country_is_not_printed(organization, actor) -> None:
    html = activation_letters_html(actor=actor, households=[HouseholdFactory()], which="number")
    assert "<p>NL</p>" not in html


def test_a_code_letter_makes_a_code_when_none_is_live(organization, actor) -> None:
    household = HouseholdFactory()
    activation_letters_html(actor=actor, households=[household], which="code")
    code = activation_code_live(household=household)
    assert code is not None
    assert code.letters_printed_at is not None


def test_a_code_letter_reuses_the_live_code(organization, actor) -> None:
    household = HouseholdFactory()
    code = activation_code_generate(actor=actor, household=household)
    html = activation_letters_html(actor=actor, households=[household], which="code")
    assert code.code in html
    assert ActivationCode.objects.filter(household=household).count() == 1


def test_the_number_letter_alone_makes_no_code(organization, actor) -> None:
    household = HouseholdFactory()
    html = activation_letters_html(actor=actor, households=[household], which="number")
    assert len(_sections(html)) == 1
    assert not ActivationCode.objects.filter(household=household).exists()


def test_printing_is_audited_per_household(organization, actor) -> None:
    households = [HouseholdFactory(), HouseholdFactory(), HouseholdFactory()]
    activation_letters_html(actor=actor, households=households, which="both")
    printed = AuditEvent.objects.filter(verb=events.ACTIVATION_LETTER_PRINTED)
    assert printed.count() == 3
    assert {e.object_id for e in printed} == {h.public_id for h in households}


def test_letters_are_dutch_in_the_netherlands_and_norwegian_in_norway(organization, actor) -> None:
    html = activation_letters_html(actor=actor, households=[HouseholdFactory()], which="number")
    assert 'lang="nl"' in html
    organization.country = "NO"
    organization.save()
    html = activation_letters_html(actor=actor, households=[HouseholdFactory()], which="number")
    assert 'lang="nb"' in html


def test_unknown_which_is_refused(organization, actor) -> None:
    with pytest.raises(ValueError, match="which"):
        activation_letters_pdf(actor=actor, households=[HouseholdFactory()], which="all")
