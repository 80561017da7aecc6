import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import translation

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.models import AuditEvent
from meldpunt.demo.plan import build_plan
from meldpunt.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from meldpunt.intake.models import QuestionTree, RepairSettings, RepairTemplate, TreeNode
from meldpunt.organization.models import FeatureToggle, Organization
from meldpunt.people.models import Contact, Household, HouseholdRole, Person
from meldpunt.people.phones import is_mobile, normalize_phone
from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Installation,
    OwnerInstruction,
    Unit,
    UnitType,
)
from meldpunt.tenancy.models import Contract, ContractLine


def _counts():
    models = (
        Organization,
        FeatureToggle,
        User,
        Complex,
        BuildingBlock,
        Unit,
        CommonArea,
        Installation,
        OwnerInstruction,
        HouseholdRole,
        Household,
        Person,
        Contact,
        Contract,
        ContractLine,
        UnitType,
        QuestionTree,
        TreeNode,
        RepairTemplate,
    )
    counts = {model.__name__: model.objects.count() for model in models}
    counts["CommonAreaUnits"] = CommonArea.units.through.objects.count()
    # A run that changes nothing leaves no trace in the audit trail either.
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


# The plan: no database needed ---------------------------------------------------------


def test_the_plan_is_the_same_on_every_call():
    first, second = build_plan(), build_plan()
    assert first == second


def test_the_plan_has_unique_keys_and_addresses():
    plan = build_plan()
    for values in (
        [u.code for u in plan.units],
        [(u.postcode, u.number, u.addition) for u in plan.units],
        [h.tenant_number for h in plan.households],
        [h.email for h in plan.households],
        [c.number for c in plan.contracts],
    ):
        assert len(values) == len(set(values))


def test_the_plan_uses_example_domains_and_dutch_mobile_numbers():
    plan = build_plan()
    for household in plan.households:
        assert re.fullmatch(r"[a-z0-9.]+@example\.(com|net|org)", household.email)
        assert household.phone.startswith("+316")
        assert normalize_phone(household.phone) == household.phone
        assert is_mobile(household.phone)


def test_the_plan_never_lets_a_unit_twice_at_the_same_time():
    plan = build_plan()
    by_unit = {}
    for contract in sorted(plan.contracts, key=lambda c: c.start_date):
        previous = by_unit.get(contract.unit_code)
        if previous is not None:
            assert previous.end_date is not None
            assert previous.end_date < contract.start_date
        by_unit[contract.unit_code] = contract


def test_the_plan_has_no_tenant_younger_than_eighteen_at_the_start():
    plan = build_plan()
    households = {h.tenant_number: h for h in plan.households}
    for contract in plan.contracts:
        main = households[contract.tenant_number].main
        age = (contract.start_date - main.birth_date).days // 365
        assert 18 <= age <= 100, (contract.number, age)


# The seeded database ------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_creates_a_complete_demo_organization():
    seed_demo()
    today = date.today()

    organization = Organization.objects.get()
    assert organization.name == "Woonstichting De Linden"
    assert organization.country == "NL"
    assert organization.contact_phone.startswith("+31")
    assert organization.opening_hours.count() == 5
    assert organization.closed_days.count() >= 3
    assert not organization.feature_toggles.filter(enabled=False).exists()

    tree = QuestionTree.objects.get(is_default=True)
    assert tree.nodes.filter(children__isnull=True).count() >= 250
    assert RepairTemplate.objects.filter(tree=tree, code="tap-leaking").exists()
    assert RepairSettings.objects.get().anonymous_enabled

    assert Complex.objects.count() == 3
    assert BuildingBlock.objects.count() >= 3
    assert Unit.objects.count() >= 110
    unit_types = Counter(Unit.objects.values_list("unit_type__code", flat=True))
    assert set(unit_types) == {"apartment", "senior-apartment", "family-house", "garage"}
    assert re.fullmatch(r"\d{4}[A-Z]{2}", Unit.objects.first().postcode)
    assert Unit.objects.exclude(house_number_addition="").exists()

    kinds = set(CommonArea.objects.values_list("kind", flat=True))
    assert {"stairwell", "lift", "pump", "garden", "bicycle_storage"} <= kinds
    assert not CommonArea.objects.annotate(n=Count("units")).filter(n=0).exists()
    assert Installation.objects.filter(asset_type="boiler").exists()
    assert Installation.objects.filter(asset_type="lift_motor").exists()
    assert Installation.objects.filter(asset_type="pump").exists()

    assert Household.objects.count() >= 140
    assert not Household.objects.annotate(n=Count("persons")).filter(n=0).exists()
    assert Person.objects.filter(role__code="child").exists()
    assert Person.objects.exclude(infix="").exists()
    assert Contact.objects.filter(kind=Contact.Kind.SUPPLIER).count() >= 10
    assert Contact.objects.filter(kind=Contact.Kind.OWNER).count() == 2
    assert Contact.objects.filter(kind=Contact.Kind.TENANT).count() == Household.objects.count()
    assert not Contact.objects.exclude(email__regex=r"@([a-z0-9-]+\.)*example\.(com|net|org)$")
    channels = set(
        Contact.objects.filter(kind="supplier").values_list("preferred_channel", flat=True)
    )
    assert channels == {"email", "sms", "whatsapp"}

    dwellings = Unit.objects.filter(unit_type__kind=UnitType.Kind.DWELLING)
    running = dwellings.annotate(
        n=Count(
            "contracts",
            filter=Q(contracts__start_date__lte=today)
            & (Q(contracts__end_date__isnull=True) | Q(contracts__end_date__gte=today)),
        )
    )
    assert set(running.values_list("n", flat=True)) == {1}
    assert Contract.objects.filter(end_date__lt=today).exists()
    assert Contract.objects.filter(unit__unit_type__code="garage").exists()
    assert Contract.objects.filter(has_service_subscription=True).exists()
    assert not Contract.objects.annotate(n=Count("lines")).filter(n=0).exists()

    roles = Counter(User.objects.values_list("role", flat=True))
    assert roles[StaffRole.ADMIN] >= 1 and roles[StaffRole.AGENT] >= 1
    assert roles[StaffRole.USER] >= 3
    admin = User.objects.get(username="beheerder")
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_the_external_owner_has_tenants_report_to_its_own_manager():
    seed_demo()
    havenkwartier = Complex.objects.get(name="Havenkwartier")
    instruction = OwnerInstruction.objects.get(owner=havenkwartier.owner)
    assert instruction.report_to_own_manager
    assert "beheerder" in instruction.message
    assert not havenkwartier.units.exclude(owner=havenkwartier.owner).exists()
    other = Contact.objects.filter(kind=Contact.Kind.OWNER).exclude(pk=havenkwartier.owner_id)
    assert other.get().owned_units.count() >= 2
    assert not OwnerInstruction.objects.filter(owner__in=other).exists()


@pytest.mark.django_db
def test_seed_twice_gives_the_same_rows_and_keeps_what_users_changed():
    seed_demo()
    before = _counts()
    kcc = User.objects.get(username="kcc")
    kcc.set_password("a different secret 123")
    kcc.save()
    FeatureToggle.objects.filter(key="news").update(enabled=False)

    output = StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=output)

    assert _counts() == before
    assert authenticate(username="kcc", password="a different secret 123") is not None
    assert not FeatureToggle.objects.get(key="news").enabled
    text = output.getvalue()
    assert DEMO_PASSWORD in text
    for username, _description in DEMO_LOGINS:
        assert username in text
    assert re.search(rf"Units\s+{before['Unit']}\b", text)


@pytest.mark.django_db
def test_demo_logins_authenticate_with_the_demo_password():
    seed_demo()
    assert len(DEMO_PASSWORD) >= 12
    assert {"beheerder", "kcc", "medewerker"} <= {username for username, _ in DEMO_LOGINS}
    for username, _description in DEMO_LOGINS:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.is_staff_member or user.is_tenant, username
    assert authenticate(username="beheerder", password="wrong password") is None
