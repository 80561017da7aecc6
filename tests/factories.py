"""factory-boy factories for the domain models, shared by every test module."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from meldpunt.accounts.models import StaffRole, User
from meldpunt.organization.models import Organization
from meldpunt.people.models import Contact, Household, HouseholdRole, Person
from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Installation,
    OwnerInstruction,
    Unit,
    UnitType,
)
from meldpunt.tenancy.models import Contract, ContractElement, ContractLine

TEST_PASSWORD = "correct horse battery staple"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["singleton"]

    singleton = True
    name = "Woonstichting Test"
    contact_phone = "+31201234567"
    contact_email = "info@example.org"
    urgent_phone = "+31800123456"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = StaffRole.USER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class HouseholdRoleFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdRole
        django_get_or_create = ["code"]

    code = "main-tenant"
    name = "Hoofdhuurder"
    show_in_portal = True
    usable_in_portal = False


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    tenant_number = factory.Sequence(lambda n: f"H{100000 + n}")
    name = factory.Sequence(lambda n: f"Fam. Jansen-{n}")
    email = factory.Sequence(lambda n: f"huurder{n}@example.net")
    phone = "+31612345678"
    street = "Lindelaan"
    house_number = factory.Sequence(lambda n: n + 1)
    postcode = "1234AB"
    city = "Utrecht"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    role = factory.SubFactory(HouseholdRoleFactory)
    initials = "J."
    first_name = "Jan"
    surname = "Jansen"
    birth_date = date(1980, 5, 17)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    kind = Contact.Kind.SUPPLIER
    name = factory.Sequence(lambda n: f"Loodgieter {n}")
    company = factory.Sequence(lambda n: f"Installatiebedrijf {n} B.V.")
    email = factory.Sequence(lambda n: f"leverancier{n}@example.com")
    phone = "+31301234567"
    trade = Contact.Trade.PLUMBER


class ComplexFactory(DjangoModelFactory):
    class Meta:
        model = Complex

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"Complex {n}")
    city = "Utrecht"


class BuildingBlockFactory(DjangoModelFactory):
    class Meta:
        model = BuildingBlock

    complex = factory.SubFactory(ComplexFactory)
    code = factory.Sequence(lambda n: f"B{n}")
    name = factory.Sequence(lambda n: f"Blok {n}")


class UnitTypeFactory(DjangoModelFactory):
    class Meta:
        model = UnitType
        django_get_or_create = ["code"]

    code = "apartment"
    name = "Appartement"
    kind = UnitType.Kind.DWELLING


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{10000 + n}")
    complex = factory.SubFactory(ComplexFactory)
    unit_type = factory.SubFactory(UnitTypeFactory)
    street = "Kastanjelaan"
    house_number = factory.Sequence(lambda n: n + 1)
    postcode = "3512AB"
    city = "Utrecht"
    rooms = 3
    build_year = 1972


class CommonAreaFactory(DjangoModelFactory):
    class Meta:
        model = CommonArea

    kind = CommonArea.Kind.STAIRWELL
    name = "Trappenhuis"
    complex = factory.SubFactory(ComplexFactory)


class InstallationFactory(DjangoModelFactory):
    class Meta:
        model = Installation

    name = "CV-ketel"
    asset_type = "boiler"
    unit = factory.SubFactory(UnitFactory)


class OwnerInstructionFactory(DjangoModelFactory):
    class Meta:
        model = OwnerInstruction

    owner = factory.SubFactory(ContactFactory, kind=Contact.Kind.OWNER, trade="")
    report_to_own_manager = True
    message = "Meld reparaties bij onze eigen beheerder."


class ContractElementFactory(DjangoModelFactory):
    class Meta:
        model = ContractElement
        django_get_or_create = ["code"]

    code = "net-rent"
    name = "Kale huur"


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"K{200000 + n}")
    household = factory.SubFactory(HouseholdFactory)
    unit = factory.SubFactory(UnitFactory)
    start_date = date(2020, 1, 1)


class ContractLineFactory(DjangoModelFactory):
    class Meta:
        model = ContractLine

    contract = factory.SubFactory(ContractFactory)
    element = factory.SubFactory(ContractElementFactory)
    monthly_amount = "650.00"
