from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.tenancy.models import Contract, ContractLine
from meldpunt.tenancy.services import contract_create, contract_end
from tests.factories import (
    ContractElementFactory,
    ContractFactory,
    HouseholdFactory,
    UnitFactory,
    UnitTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return Actor.staff(UserFactory(role="user"))


@pytest.fixture
def unit():
    return UnitFactory()


def _create(actor, unit, start, end=None, number="2026-00001", **kwargs):
    return contract_create(
        actor=actor,
        number=number,
        household=HouseholdFactory(),
        unit=unit,
        start_date=start,
        end_date=end,
        **kwargs,
    )


def test_contract_is_created_with_its_monthly_lines(actor, unit):
    rent = ContractElementFactory(code="net-rent", name="Kale huur")
    service = ContractElementFactory(code="service-costs", name="Servicekosten")
    contract = _create(
        actor,
        unit,
        date(2026, 2, 1),
        lines=[(rent, Decimal("712.4")), (service, Decimal("38.50"))],
        has_service_subscription=True,
    )
    amounts = dict(contract.lines.values_list("element__code", "monthly_amount"))
    assert amounts == {"net-rent": Decimal("712.40"), "service-costs": Decimal("38.50")}
    assert contract.has_service_subscription
    (event,) = AuditEvent.objects.filter(verb="contract.created")
    assert event.object_id == contract.public_id
    assert event.changes["start_date"] == {"old": None, "new": "2026-02-01"}
    assert event.changes["lines"]["new"] == "net-rent 712.40, service-costs 38.50"


def test_a_running_contract_on_the_same_unit_is_not_overlapped(actor, unit):
    ContractFactory(unit=unit, number="2019-00042", start_date=date(2019, 5, 1))
    with pytest.raises(ValidationError) as caught:
        _create(actor, unit, date(2026, 1, 1))
    assert caught.value.code == "contract_overlap"
    assert "2019-00042" in caught.value.messages[0]
    assert Contract.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_a_contract_can_follow_one_that_ended(actor, unit):
    ContractFactory(unit=unit, start_date=date(2015, 1, 1), end_date=date(2025, 12, 31))
    contract = _create(actor, unit, date(2026, 1, 1))
    assert contract.is_running_on(date(2026, 1, 1))


def test_a_contract_starting_on_the_last_day_of_another_overlaps(actor, unit):
    ContractFactory(unit=unit, start_date=date(2015, 1, 1), end_date=date(2025, 12, 31))
    with pytest.raises(ValidationError):
        _create(actor, unit, date(2025, 12, 31))


def test_an_earlier_contract_may_be_recorded_before_a_running_one(actor, unit):
    ContractFactory(unit=unit, start_date=date(2020, 1, 1))
    _create(actor, unit, date(2010, 1, 1), end=date(2019, 12, 31))
    with pytest.raises(ValidationError):
        _create(actor, unit, date(2010, 1, 1), end=date(2020, 1, 1), number="2026-00002")


def test_contracts_on_other_units_do_not_interfere(actor, unit):
    ContractFactory(unit=UnitFactory(unit_type=UnitTypeFactory()), start_date=date(2020, 1, 1))
    _create(actor, unit, date(2020, 1, 1))


def test_the_same_element_twice_is_refused(actor, unit):
    rent = ContractElementFactory()
    with pytest.raises(ValidationError) as caught:
        _create(actor, unit, date(2026, 1, 1), lines=[(rent, Decimal(1)), (rent, Decimal(2))])
    assert "lines" in caught.value.message_dict
    assert not Contract.objects.exists()


def test_a_contract_cannot_end_before_it_starts(actor, unit):
    with pytest.raises(ValidationError) as caught:
        _create(actor, unit, date(2026, 1, 1), end=date(2025, 12, 31))
    assert "end_date" in caught.value.message_dict


def test_contract_numbers_are_unique(actor, unit):
    ContractFactory(number="2026-00001", start_date=date(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        _create(actor, unit, date(2026, 1, 1))
    assert "number" in caught.value.message_dict


def test_contract_end_records_old_and_new_end_date(actor, unit):
    contract = ContractFactory(unit=unit, start_date=date(2020, 1, 1))
    ended = contract_end(actor=actor, contract=contract, end_date=date(2026, 3, 31))
    assert ended.end_date == date(2026, 3, 31)
    assert not ended.is_running_on(date(2026, 4, 1))
    (event,) = AuditEvent.objects.filter(verb="contract.ended")
    assert event.changes == {"end_date": {"old": None, "new": "2026-03-31"}}
    follow_up = _create(actor, unit, date(2026, 4, 1))
    assert follow_up.is_running_on(date(2026, 4, 1))


def test_an_ended_contract_cannot_be_ended_again(actor, unit):
    contract = ContractFactory(unit=unit, start_date=date(2020, 1, 1), end_date=date(2024, 1, 31))
    with pytest.raises(ValidationError) as caught:
        contract_end(actor=actor, contract=contract, end_date=date(2026, 1, 31))
    assert caught.value.code == "contract_ended"
    contract.refresh_from_db()
    assert contract.end_date == date(2024, 1, 31)


def test_contract_end_before_the_start_is_refused(actor, unit):
    contract = ContractFactory(unit=unit, start_date=date(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        contract_end(actor=actor, contract=contract, end_date=date(2019, 12, 31))
    assert "end_date" in caught.value.message_dict


class _Rollback(Exception):
    pass


_days = st.integers(min_value=0, max_value=60)
_periods = st.tuples(_days, st.one_of(st.none(), st.integers(min_value=0, max_value=30)))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=_periods, second=_periods)
def test_a_second_contract_is_accepted_exactly_when_the_periods_are_disjoint(actor, first, second):
    base = date(2026, 1, 1)

    def period(spec):
        offset, length = spec
        start = base + timedelta(days=offset)
        return start, (start + timedelta(days=length) if length is not None else None)

    (start_a, end_a), (start_b, end_b) = period(first), period(second)
    disjoint = (end_a is not None and end_a < start_b) or (end_b is not None and end_b < start_a)
    try:
        with transaction.atomic():
            unit = UnitFactory()
            _create(actor, unit, start_a, end_a, number="A")
            try:
                _create(actor, unit, start_b, end_b, number="B")
                accepted = True
            except ValidationError:
                accepted = False
            assert accepted == disjoint
            assert ContractLine.objects.count() == 0
            raise _Rollback
    except _Rollback:
        pass
