"""The tenant's own changes to their household (SPEC POR-3..5, C-2, A-8, A-12)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from meldpunt.accounts.welcome import account_welcome_seen
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.interactions.portal_actions import portal_action_record
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people import household_services as services
from meldpunt.people.addresses import address_lookup, address_one_line
from meldpunt.people.models import Household, Person
from meldpunt.people.portal_persons import household_persons_for_portal
from tests.factories import TEST_PASSWORD as PASSWORD
from tests.factories import (
    ContractFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def household(db) -> Household:
    OrganizationFactory()
    return HouseholdFactory(phone="+31612345678", email="fam@example.net")


@pytest.fixture
def tenant(household):
    return UserFactory(role="", household=household, language="en")


@pytest.fixture
def tenant_actor(tenant) -> Actor:
    return Actor.tenant(tenant)


@pytest.fixture
def agent_actor(household) -> Actor:
    return Actor.agent_as_tenant(UserFactory(role="agent"), tenant_number=household.tenant_number)


@pytest.fixture
def child_role():
    return HouseholdRoleFactory(code="child", name="Child", usable_in_portal=True, ordering=40)


def _interactions(household, code):
    return list(Interaction.objects.filter(household=household, kind__code=code))


# Phone ---------------------------------------------------------------------------


def test_a_tenant_changes_the_phone_with_their_password(household, tenant_actor, tenant):
    changed = services.household_phone_change(
        actor=tenant_actor, household=household, phone="06-87654321", password=PASSWORD
    )
    household.refresh_from_db()
    assert household.phone == changed.phone == "+31687654321"
    audit = AuditEvent.objects.get(verb="household.phone_changed")
    assert audit.changes == {"phone": {"old": "+31612345678", "new": "+31687654321"}}
    assert audit.actor_user == tenant
    (interaction,) = _interactions(household, "contact_changed")
    assert interaction.created_by == tenant
    assert interaction.agent is None
    assert interaction.direction == Interaction.Direction.TENANT
    assert interaction.show_in_portal


def test_a_changed_phone_is_confirmed_to_the_current_address_with_the_new_number(
    household, tenant_actor
):
    services.household_phone_change(
        actor=tenant_actor, household=household, phone="06 87654321", password=PASSWORD
    )
    message = OutboxMessage.objects.get(template="tenant.phone_changed")
    assert message.recipient == "fam@example.net"
    assert message.channel == "email"
    assert message.context == {"new_phone": "06 87654321"}
    assert message.language == "en"  # the tenant's own language


def test_a_wrong_password_changes_nothing(household, tenant_actor):
    with pytest.raises(ValidationError) as caught:
        services.household_phone_change(
            actor=tenant_actor, household=household, phone="0687654321", password="wrong"
        )
    assert "password" in caught.value.message_dict
    household.refresh_from_db()
    assert household.phone == "+31612345678"
    assert not OutboxMessage.objects.exists()
    assert not Interaction.objects.exists()


def test_a_missing_password_is_refused_for_a_tenant(household, tenant_actor):
    with pytest.raises(ValidationError) as caught:
        services.household_phone_change(actor=tenant_actor, household=household, phone="0687654321")
    assert "password" in caught.value.message_dict


def test_an_agent_as_tenant_needs_no_password_and_is_recorded(household, agent_actor):
    services.household_phone_change(actor=agent_actor, household=household, phone="0687654321")
    (interaction,) = _interactions(household, "contact_changed")
    assert interaction.agent == agent_actor.user
    assert interaction.created_by == agent_actor.user
    audit = AuditEvent.objects.get(verb="household.phone_changed")
    assert audit.actor_kind == AuditEvent.ActorKind.AGENT_AS_TENANT
    assert OutboxMessage.objects.filter(template="tenant.phone_changed").count() == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("061234567", "10, 11 or 12 digits"),
        ("06-1234-5678", "at most one hyphen"),
        ("06.12345678", "Use only digits"),
        ("(03012) 34567", "parentheses"),
        ("0112345678", "does not exist"),  # passes the rule, but no such number
    ],
)
def test_a_phone_breaking_the_rule_is_refused_with_the_reason(
    household, tenant_actor, raw, message
):
    with pytest.raises(ValidationError) as caught:
        services.household_phone_change(
            actor=tenant_actor, household=household, phone=raw, password=PASSWORD
        )
    assert message in " ".join(caught.value.message_dict["phone"])


def test_the_same_phone_again_records_nothing(household, tenant_actor):
    services.household_phone_change(
        actor=tenant_actor, household=household, phone="06 12345678", password=PASSWORD
    )
    assert not AuditEvent.objects.filter(verb="household.phone_changed").exists()
    assert not OutboxMessage.objects.exists()


def test_no_email_on_file_changes_the_phone_without_a_mail(household, tenant_actor):
    Household.objects.filter(pk=household.pk).update(email="")
    household.refresh_from_db()
    services.household_phone_change(
        actor=tenant_actor, household=household, phone="0687654321", password=PASSWORD
    )
    assert not OutboxMessage.objects.exists()
    assert _interactions(household, "contact_changed")


def test_staff_and_other_tenants_may_not_use_the_portal_services(household):
    staff = Actor.staff(UserFactory(role="admin"))
    other = Actor.tenant(UserFactory(role="", household=HouseholdFactory()))
    for actor in (staff, other, Actor.system()):
        with pytest.raises(PermissionDenied):
            services.household_phone_change(actor=actor, household=household, phone="0687654321")
        with pytest.raises(PermissionDenied):
            services.household_address_change(actor=actor, household=household, country="NL")


# Address ---------------------------------------------------------------------------


def test_a_dutch_address_is_looked_up_in_our_units_first():
    UnitFactory(street="Merelstraat", house_number=12, postcode="3512AB", city="Utrecht")
    HouseholdFactory(street="Other", house_number=12, postcode="3512AB", city="Elsewhere")
    found = address_lookup(postcode="3512 ab", house_number=12)
    assert found is not None
    assert (found.street, found.city, found.postcode) == ("Merelstraat", "Utrecht", "3512AB")


def test_the_lookup_falls_back_to_household_addresses_and_knows_when_it_does_not_know():
    HouseholdFactory(street="Lindelaan", house_number=3, postcode="1234AB", city="Zeist")
    found = address_lookup(postcode="1234AB", house_number=3)
    assert found is not None and found.street == "Lindelaan"
    assert address_lookup(postcode="9999ZZ", house_number=1) is None
    with pytest.raises(ValidationError):
        address_lookup(postcode="12345", house_number=1)


def test_a_dutch_address_takes_street_and_city_from_the_lookup(household, tenant_actor, tenant):
    UnitFactory(street="Merelstraat", house_number=12, postcode="3512AB", city="Utrecht")
    services.household_address_change(
        actor=tenant_actor,
        household=household,
        country="NL",
        postcode="3512 ab",
        house_number=12,
        house_number_addition="b",
        street="typed wrongly",
        city="",
    )
    household.refresh_from_db()
    assert household.address_line == "Merelstraat 12-B"
    assert (household.postcode, household.city, household.country) == ("3512AB", "Utrecht", "NL")
    (interaction,) = _interactions(household, "address_changed")
    assert "Merelstraat 12-B, 3512 AB Utrecht" in interaction.description
    message = OutboxMessage.objects.get(template="tenant.address_changed")
    assert message.context == {"new_address": "Merelstraat 12-B, 3512 AB Utrecht"}
    assert message.recipient == household.email
    audit = AuditEvent.objects.get(verb="household.address_changed")
    assert audit.changes["street"]["new"] == "Merelstraat"


def test_an_unknown_dutch_address_needs_street_and_city_typed(household, tenant_actor):
    with pytest.raises(ValidationError) as caught:
        services.household_address_change(
            actor=tenant_actor, household=household, country="NL", postcode="9999ZZ", house_number=1
        )
    assert "could not find" in caught.value.message_dict["postcode"][0]
    services.household_address_change(
        actor=tenant_actor,
        household=household,
        country="NL",
        postcode="9999ZZ",
        house_number=1,
        street="Nieuwe Weg",
        city="Ergens",
    )
    household.refresh_from_db()
    assert household.street == "Nieuwe Weg"


def test_a_dutch_address_needs_postcode_and_house_number(household, tenant_actor):
    with pytest.raises(ValidationError) as caught:
        services.household_address_change(
            actor=tenant_actor, household=household, country="NL", postcode="12"
        )
    assert set(caught.value.message_dict) == {"postcode", "house_number"}


def test_a_foreign_address_is_typed_in_full(household, agent_actor):
    services.household_address_change(
        actor=agent_actor,
        household=household,
        country="be",
        postcode="1000",
        street="Rue Neuve 5",
        city="Bruxelles",
    )
    household.refresh_from_db()
    assert (household.country, household.street, household.city) == (
        "BE",
        "Rue Neuve 5",
        "Bruxelles",
    )
    assert household.house_number is None
    message = OutboxMessage.objects.get(template="tenant.address_changed")
    assert message.context["new_address"].startswith("Rue Neuve 5, 1000 Bruxelles, ")
    (interaction,) = _interactions(household, "address_changed")
    assert interaction.agent == agent_actor.user


def test_a_foreign_address_needs_street_and_city_and_a_real_country(household, tenant_actor):
    with pytest.raises(ValidationError) as caught:
        services.household_address_change(actor=tenant_actor, household=household, country="DE")
    assert set(caught.value.message_dict) == {"street", "city"}
    with pytest.raises(ValidationError) as caught:
        services.household_address_change(
            actor=tenant_actor, household=household, country="XX", street="a", city="b"
        )
    assert set(caught.value.message_dict) == {"country"}


def test_the_address_line_names_the_country_only_when_foreign(household):
    assert address_one_line(household, home_country="NL").endswith("1234 AB Utrecht")
    household.country = "DE"
    assert address_one_line(household, home_country="NL").endswith(", Germany")


# Persons -----------------------------------------------------------------------------


def _person_fields(role, **overrides):
    fields = {
        "role": role,
        "gender": "f",
        "initials": "A.B.",
        "infix": "van",
        "surname": "Dijk",
        "birth_date": date(2010, 3, 4),
    }
    return fields | overrides


def test_a_tenant_adds_a_person_with_a_role_tenants_may_use(household, tenant_actor, child_role):
    person = services.household_person_add(
        actor=tenant_actor, household=household, **_person_fields(child_role)
    )
    assert person.household == household
    assert person.full_name == "A.B. van Dijk"
    (interaction,) = _interactions(household, "household_changed")
    assert "A.B. van Dijk" in interaction.subject
    audit = AuditEvent.objects.get(verb="person.added_in_portal")
    assert audit.changes["person"] == {"old": None, "new": "A.B. van Dijk"}


def test_a_role_tenants_may_not_use_is_refused(household, tenant_actor):
    main = HouseholdRoleFactory(code="main-tenant", usable_in_portal=False)
    with pytest.raises(ValidationError) as caught:
        services.household_person_add(
            actor=tenant_actor, household=household, **_person_fields(main)
        )
    assert "role" in caught.value.message_dict
    assert not Person.objects.exists()


@time_machine.travel("2025-06-01 12:00 +02:00")
def test_every_field_but_the_infix_is_required_and_birth_dates_lie_in_the_past(
    household, tenant_actor, child_role
):
    with pytest.raises(ValidationError) as caught:
        services.household_person_add(
            actor=tenant_actor,
            household=household,
            **_person_fields(
                child_role, gender="", initials=" ", surname="", birth_date=None, infix=""
            ),
        )
    assert set(caught.value.message_dict) == {"gender", "initials", "surname", "birth_date"}
    with pytest.raises(ValidationError) as caught:
        services.household_person_add(
            actor=tenant_actor,
            household=household,
            **_person_fields(child_role, birth_date=date(2025, 6, 2)),
        )
    assert "future" in caught.value.message_dict["birth_date"][0]
    person = services.household_person_add(
        actor=tenant_actor,
        household=household,
        **_person_fields(child_role, birth_date=date(2025, 6, 1), infix=""),
    )
    assert person.infix == ""


def test_a_person_is_changed_and_the_change_is_recorded(household, agent_actor, child_role):
    partner = HouseholdRoleFactory(code="partner", name="Partner", usable_in_portal=True)
    person = PersonFactory(household=household, role=child_role, gender="m", initials="K.")
    changed = services.household_person_change(
        actor=agent_actor,
        household=household,
        person=person,
        **_person_fields(partner, surname="Visser"),
    )
    person.refresh_from_db()
    assert (person.role, person.surname, person.gender) == (partner, "Visser", "f")
    assert changed.surname == "Visser"
    audit = AuditEvent.objects.get(verb="person.changed")
    assert audit.changes["surname"] == {"old": "Jansen", "new": "Visser"}
    (interaction,) = _interactions(household, "household_changed")
    assert interaction.agent == agent_actor.user


def test_persons_with_other_roles_and_of_other_households_are_read_only(
    household, tenant_actor, child_role
):
    main = HouseholdRoleFactory(code="main-tenant", usable_in_portal=False)
    holder = PersonFactory(household=household, role=main)
    stranger = PersonFactory(household=HouseholdFactory(), role=child_role)
    for person in (holder, stranger):
        with pytest.raises(PermissionDenied):
            services.household_person_change(
                actor=tenant_actor, household=household, person=person, **_person_fields(child_role)
            )
        with pytest.raises(PermissionDenied):
            services.household_person_remove(actor=tenant_actor, household=household, person=person)
    assert Person.objects.count() == 2


def test_a_person_is_removed_and_the_removal_is_recorded(household, tenant_actor, child_role):
    person = PersonFactory(household=household, role=child_role)
    services.household_person_remove(actor=tenant_actor, household=household, person=person)
    assert not Person.objects.filter(pk=person.pk).exists()
    audit = AuditEvent.objects.get(verb="person.removed")
    assert audit.changes["person"] == {"old": "Jan Jansen", "new": None}
    assert audit.changes["surname"] == {"old": "Jansen", "new": None}
    (interaction,) = _interactions(household, "household_changed")
    assert "Jan Jansen" in interaction.subject


def test_contract_holders_come_first_then_everybody_alphabetically(household, child_role):
    main = HouseholdRoleFactory(code="main-tenant", name="Main", ordering=10)
    co = HouseholdRoleFactory(code="co-tenant", name="Co", ordering=20)
    hidden = HouseholdRoleFactory(code="administrator", show_in_portal=False)
    PersonFactory(household=household, role=child_role, surname="Aalders")
    PersonFactory(household=household, role=co, surname="Bakker")
    PersonFactory(household=household, role=child_role, surname="Zwart")
    PersonFactory(household=household, role=main, surname="Visser")
    PersonFactory(household=household, role=hidden, surname="Hidden")
    names = [p.surname for p in household_persons_for_portal(household=household)]
    assert names == ["Visser", "Bakker", "Aalders", "Zwart"]


# Welcome text and actions ----------------------------------------------------------------


def test_the_welcome_text_is_seen_once(tenant):
    assert account_welcome_seen(account=tenant)
    assert tenant.welcomed_at is not None
    assert not account_welcome_seen(account=tenant)


def test_a_portal_action_needs_an_offered_kind_and_an_own_running_contract(household, tenant_actor):
    offered = InteractionKind.objects.get(code="other_action")
    not_offered = InteractionKind.objects.get(code="contact_changed")
    foreign = ContractFactory()
    ended = ContractFactory(household=household, end_date=timezone.localdate() - timedelta(days=1))
    for kind, contract, field in (
        (not_offered, None, "kind"),
        (offered, foreign, "contract"),
        (offered, ended, "contract"),
    ):
        with pytest.raises(ValidationError) as caught:
            portal_action_record(
                actor=tenant_actor,
                household=household,
                kind=kind,
                description="Vraag",
                contract=contract,
            )
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        portal_action_record(actor=tenant_actor, household=household, kind=offered, description=" ")
    assert "description" in caught.value.message_dict
    running = ContractFactory(household=household)
    interaction = portal_action_record(
        actor=tenant_actor,
        household=household,
        kind=offered,
        description="Mag ik een schuur bouwen?",
        contract=running,
    )
    assert interaction.direction == Interaction.Direction.TENANT
    assert interaction.contract == running
    assert interaction.task_open  # the shipped kind asks staff to pick it up
