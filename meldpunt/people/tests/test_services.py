from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.people.models import Channel, Contact, Household, Person
from meldpunt.people.services import (
    contact_create,
    contact_update,
    household_create,
    household_update,
    person_add,
)
from tests.factories import (
    ContactFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return Actor.staff(UserFactory(role="agent"))


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb))


# Contacts -------------------------------------------------------------------


def test_contact_phone_typed_nationally_is_stored_as_e164(actor, organization):
    contact = contact_create(
        actor=actor,
        kind=Contact.Kind.SUPPLIER,
        name="Marco van Rijn",
        email="planning@example.com",
        phone="06-1234 5678",
        trade=Contact.Trade.PLUMBER,
    )
    assert contact.phone == "+31612345678"


def test_contact_phone_is_read_in_the_organizations_country(actor):
    OrganizationFactory(country="NO")
    contact = contact_create(
        actor=actor, kind=Contact.Kind.OTHER, name="Kari Nordmann", phone="412 34 567"
    )
    assert contact.phone == "+4741234567"


def test_contact_phone_in_international_form_keeps_its_country(actor, organization):
    contact = contact_create(
        actor=actor, kind=Contact.Kind.OTHER, name="Kari Nordmann", phone="+47 412 34 567"
    )
    assert contact.phone == "+4741234567"


@pytest.mark.parametrize("raw", ["12", "not a number", "06 1234"])
def test_contact_with_an_impossible_phone_is_refused_and_nothing_is_stored(
    actor, organization, raw
):
    with pytest.raises(ValidationError) as caught:
        contact_create(actor=actor, kind=Contact.Kind.OTHER, name="Iemand", phone=raw)
    assert "phone" in caught.value.message_dict
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.exists()


def test_contact_email_domain_is_lower_cased(actor, organization):
    contact = contact_create(
        actor=actor, kind=Contact.Kind.OTHER, name="Iemand", email=" Iemand@EXAMPLE.com "
    )
    assert contact.email == "Iemand@example.com"


def test_contact_create_records_the_new_values(actor, organization):
    contact = contact_create(
        actor=actor,
        kind=Contact.Kind.SUPPLIER,
        name="Peter Bosman",
        company="Bosman Elektrotechniek",
        email="service@example.com",
        phone="030 241 58 60",
        trade=Contact.Trade.ELECTRICIAN,
    )
    (event,) = _events("contact.created")
    assert event.object_id == contact.public_id
    assert event.actor_user == actor.user
    assert event.changes["phone"] == {"old": None, "new": "+31302415860"}
    assert event.changes["company"] == {"old": None, "new": "Bosman Elektrotechniek"}


def test_text_messages_need_a_mobile_number(actor, organization):
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=actor,
            kind=Contact.Kind.OTHER,
            name="Iemand",
            phone="030 241 58 60",
            preferred_channel=Channel.SMS,
        )
    assert "preferred_channel" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=actor,
            kind=Contact.Kind.OTHER,
            name="Iemand",
            preferred_channel=Channel.WHATSAPP,
        )
    assert "phone" in caught.value.message_dict


def test_only_suppliers_have_a_trade_and_only_tenants_a_household(actor, organization):
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=actor, kind=Contact.Kind.OWNER, name="Eigenaar", trade=Contact.Trade.PLUMBER
        )
    assert "trade" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        contact_create(
            actor=actor,
            kind=Contact.Kind.SUPPLIER,
            name="Leverancier",
            household=HouseholdFactory(),
        )
    assert "household" in caught.value.message_dict


def test_contact_update_records_old_and_new_values(actor, organization):
    contact = ContactFactory(phone="+31301234567", email="oud@example.com")
    updated = contact_update(
        actor=actor, contact=contact, phone="06 87654321", email="nieuw@example.com"
    )
    assert updated.phone == "+31687654321"
    (event,) = _events("contact.updated")
    assert event.changes == {
        "phone": {"old": "+31301234567", "new": "+31687654321"},
        "email": {"old": "oud@example.com", "new": "nieuw@example.com"},
    }


def test_contact_update_without_a_change_writes_no_audit_row(actor, organization):
    contact = ContactFactory(phone="+31301234567")
    contact_update(actor=actor, contact=contact, phone="030 123 4567")
    assert not _events("contact.updated")


def test_contact_update_refuses_a_bad_phone_and_keeps_the_old_one(actor, organization):
    contact = ContactFactory(phone="+31301234567")
    with pytest.raises(ValidationError):
        contact_update(actor=actor, contact=contact, phone="0000")
    contact.refresh_from_db()
    assert contact.phone == "+31301234567"


def test_contact_kind_cannot_be_changed(actor, organization):
    with pytest.raises(ValueError, match="kind"):
        contact_update(actor=actor, contact=ContactFactory(), kind=Contact.Kind.OWNER)


# Households and persons -----------------------------------------------------


def test_household_create_normalises_phone_and_address(actor, organization):
    household = household_create(
        actor=actor,
        tenant_number="100123",
        name="Fam. De Vries",
        phone="06 12345678",
        email="devries@Example.NET",
        street="Lindelaan",
        house_number=12,
        house_number_addition="a",
        postcode="3532 al",
        city="Utrecht",
    )
    assert household.phone == "+31612345678"
    assert household.email == "devries@example.net"
    assert household.house_number_addition == "A"
    assert household.postcode == "3532AL"
    (event,) = _events("household.created")
    assert event.changes["tenant_number"] == {"old": None, "new": "100123"}


def test_household_tenant_number_is_unique(actor, organization):
    HouseholdFactory(tenant_number="100123")
    with pytest.raises(ValidationError) as caught:
        household_create(actor=actor, tenant_number="100123", name="Fam. Jansen")
    assert "tenant_number" in caught.value.message_dict
    assert Household.objects.count() == 1


def test_household_update_records_old_and_new_values(actor, organization):
    household = HouseholdFactory(name="Fam. Jansen", phone="+31612345678")
    household_update(actor=actor, household=household, name="J. Jansen", phone="0687654321")
    household.refresh_from_db()
    assert household.phone == "+31687654321"
    (event,) = _events("household.updated")
    assert event.object_id == household.public_id
    assert event.changes == {
        "name": {"old": "Fam. Jansen", "new": "J. Jansen"},
        "phone": {"old": "+31612345678", "new": "+31687654321"},
    }


def test_household_tenant_number_is_not_editable(actor, organization):
    with pytest.raises(ValueError, match="tenant_number"):
        household_update(actor=actor, household=HouseholdFactory(), tenant_number="1")


def test_person_add_derives_initials_and_lands_on_the_household_timeline(actor, organization):
    household = HouseholdFactory()
    person = person_add(
        actor=actor,
        household=household,
        role=HouseholdRoleFactory(code="child", name="Kind"),
        first_name="Fleur",
        infix="van der",
        surname="Meer",
        gender=Person.Gender.FEMALE,
        birth_date=date(2015, 3, 9),
    )
    assert person.initials == "F."
    assert person.full_name == "Fleur van der Meer"
    (event,) = _events("person.added")
    assert event.object_id == household.public_id
    assert event.changes["person"] == {"old": None, "new": "Fleur van der Meer"}


def test_person_born_in_the_future_is_refused(actor, organization):
    with pytest.raises(ValidationError) as caught:
        person_add(
            actor=actor,
            household=HouseholdFactory(),
            role=HouseholdRoleFactory(),
            surname="Jansen",
            birth_date=date.today() + timedelta(days=1),
        )
    assert "birth_date" in caught.value.message_dict
    assert not Person.objects.exists()


def test_household_with_a_bad_postcode_is_refused(actor, organization):
    with pytest.raises(ValidationError) as caught:
        household_create(actor=actor, tenant_number="100124", name="Fam. Bakker", postcode="35")
    assert "postcode" in caught.value.message_dict
    assert not Household.objects.exists()
