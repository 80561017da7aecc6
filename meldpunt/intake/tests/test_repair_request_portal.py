# ruff: noqa: F811  (fixtures imported from the conftest modules are used as arguments)
"""A household's repair requests in the portal (SPEC REP-12 … REP-16): which it sees, the
closed ones of one year, changing before and after the dates are fixed, withdrawing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone, translation

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.incidents.models import Message, SubIncident
from meldpunt.incidents.tests.conftest import Place, categories, phases, place  # noqa: F401
from meldpunt.intake.models import RepairRequest
from meldpunt.intake.repair_request_selectors import (
    WithdrawReason,
    maintenance_overview,
    repair_request_row,
)
from meldpunt.intake.repair_request_services import (
    RequestChange,
    repair_request_change,
    repair_request_withdraw,
)
from meldpunt.intake.tests.conftest import jpeg_bytes
from meldpunt.intake.tests.test_repair_request_portal_setup import (
    order_make,
    photo_make,
    request_make,
    tenant_of,
)
from meldpunt.interactions.models import Interaction
from meldpunt.notifications.models import OutboxMessage
from meldpunt.organization.models import Organization
from tests.factories import (
    BuildingBlockFactory,
    CommonAreaFactory,
    ContractFactory,
    HouseholdFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def moment(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def actor(place: Place) -> Actor:
    return Actor.tenant(tenant_of(place.household))


def shown(household) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    overview = maintenance_overview(household=household)
    return (
        [row.request.public_id for row in overview.open],
        [row.request.public_id for row in overview.closed],
    )


# ---------------------------------------------------------------- visibility (REP-16)


def test_requests_on_the_own_home_are_shown_from_the_contract_start(place: Place):
    place.household.contracts.update(start_date=date(2024, 3, 1))
    before = request_make(unit=place.unit, created_at=moment(2024, 2, 28))
    since = request_make(unit=place.unit, created_at=moment(2024, 3, 1))
    by_anyone = request_make(unit=place.unit, household=None)
    open_ids, _closed = shown(place.household)
    assert since.public_id in open_ids
    assert by_anyone.public_id in open_ids
    assert before.public_id not in open_ids


def test_requests_on_a_common_area_of_the_home_are_shown_without_personal_details(place: Place):
    linked = CommonAreaFactory(complex=place.complex, name="Trappenhuis A")
    linked.units.add(place.unit)
    elsewhere = CommonAreaFactory(
        complex=place.complex, name="Lift B", building_block=BuildingBlockFactory()
    )
    neighbour_unit = UnitFactory(complex=place.complex)
    neighbours = HouseholdFactory()
    ContractFactory(household=neighbours, unit=neighbour_unit)
    on_linked = request_make(unit=neighbour_unit, household=neighbours, common_area=linked)
    on_other = request_make(unit=neighbour_unit, household=neighbours, common_area=elsewhere)
    photo_make(on_linked)
    overview = maintenance_overview(household=place.household)
    assert [row.request.public_id for row in overview.open] == [on_linked.public_id]
    row = overview.open[0]
    assert not row.own and row.photos == []
    assert not row.limits.can_change and not row.limits.can_withdraw
    assert row.place == f"Trappenhuis A, {place.complex.name}"
    assert on_other.public_id not in shown(place.household)[0]


def test_the_households_own_request_on_an_unlinked_common_area_is_shown(place: Place):
    area = CommonAreaFactory(complex=place.complex, name="Fietsenstalling")
    own = request_make(unit=place.unit, household=place.household, common_area=area)
    row = maintenance_overview(household=place.household).open[0]
    assert row.request == own and row.own


def test_other_homes_resolved_tips_and_additional_reports_are_not_requests(place: Place):
    other = request_make(unit=UnitFactory(), household=HouseholdFactory())
    resolved = request_make(unit=place.unit, outcome=RepairRequest.Outcome.RESOLVED)
    open_ids, closed_ids = shown(place.household)
    assert other.public_id not in open_ids + closed_ids
    assert resolved.public_id not in open_ids + closed_ids


def test_an_open_request_the_household_added_a_report_to_is_shown(place: Place):
    place.household.contracts.update(start_date=date(2024, 3, 1))
    older = request_make(unit=place.unit, household=None, created_at=moment(2024, 1, 5))
    RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.ADDITIONAL,
        additional_to=older,
        household=place.household,
        unit=place.unit,
        node_key="kitchen-tap-leaking",
        path="Keuken › Kraan",
    )
    rows = maintenance_overview(household=place.household).open
    assert [row.request for row in rows] == [older]
    assert len(rows[0].additional) == 1


def test_a_household_without_a_running_contract_sees_nothing(place: Place):
    request_make(unit=place.unit, household=place.household)
    place.household.contracts.update(end_date=date(2020, 1, 1))
    assert shown(place.household) == ([], [])


def test_closed_requests_are_shown_for_one_year(place: Place):
    with time_machine.travel(moment(2025, 6, 1), tick=False):
        old = request_make(unit=place.unit, closed=True, created_at=moment(2024, 5, 31))
        recent = request_make(unit=place.unit, closed=True, created_at=moment(2024, 6, 2))
        still_open = request_make(unit=place.unit, created_at=moment(2023, 6, 2))
        open_ids, closed_ids = shown(place.household)
        assert closed_ids == [recent.public_id]
        assert open_ids == [still_open.public_id]
        with pytest.raises(Http404):
            repair_request_row(household=place.household, public_id=old.public_id)


def test_the_list_runs_a_fixed_number_of_queries(place: Place, django_assert_num_queries):
    def fill(count: int) -> None:
        for _ in range(count):
            request = request_make(unit=place.unit, household=place.household)
            order_make(request)
            photo_make(request)

    fill(1)
    with django_assert_num_queries(5):
        overview = maintenance_overview(household=place.household)
    assert len(overview.open) == 1
    fill(9)
    with django_assert_num_queries(5):
        overview = maintenance_overview(household=place.household)
    assert len(overview.open) == 10
    assert all(row.orders and row.photos for row in overview.open)


def test_orders_show_who_executes_their_status_and_planned_date(place: Place):
    request = request_make(unit=place.unit, household=place.household)
    order_make(request, status=SubIncident.Status.OPEN)
    accepted = order_make(request, status=SubIncident.Status.ACCEPTED, planned_on=date(2030, 5, 6))
    order_make(request, kind=SubIncident.Kind.INTERNAL, status=SubIncident.Status.OPEN)
    order_make(request, kind=SubIncident.Kind.OWNER, status=SubIncident.Status.SENT)
    with translation.override("en"):
        row = maintenance_overview(household=place.household).open[0]
    assert [order.executor for order in row.orders] == [
        "Not chosen yet",
        accepted.contact.company,
        "Our own maintenance team",
    ]
    assert row.orders[1].planned_on == date(2030, 5, 6)
    assert row.orders[1].status == "Accepted"


# ---------------------------------------------------------------- change (REP-13)


def change(actor, place, request, **values):  # type: ignore[no-untyped-def]
    return repair_request_change(
        actor=actor,
        household=place.household,
        repair_request=request,
        change=RequestChange(**values),
        organization=Organization.objects.get(),
    )


def next_working_day(days: int = 7) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_before_an_order_is_accepted_everything_changes_and_staff_see_it(
    place: Place, actor: Actor
):
    request = request_make(unit=place.unit, household=place.household)
    order_make(request, status=SubIncident.Status.SENT)
    day = next_working_day()
    result = change(
        actor,
        place,
        request,
        description="Nu lekt ook de afvoer.",
        preferred_date=day,
        preferred_part="10-12",
        contact_phone="06 11122233",
    )
    request.refresh_from_db()
    assert request.description == "Nu lekt ook de afvoer."
    assert request.preferred_date == day and request.preferred_part == "10-12"
    assert request.contact_phone == "+31611122233"
    assert set(result.changed) >= {"description", "preferred_date", "contact_phone"}
    assert request.incident.contact_phone == "+31611122233"
    note = request.incident.messages.get(visibility=Message.Visibility.INTERNAL)
    assert "Nu lekt ook de afvoer." in note.body and note.from_tenant
    interaction = Interaction.objects.get(kind__code="repair_changed")
    assert interaction.household == place.household
    event = AuditEvent.objects.get(verb="repair_request.changed")
    assert event.actor_kind == AuditEvent.ActorKind.TENANT


def test_after_the_supplier_accepted_the_date_cannot_change_but_the_rest_can(
    place: Place, actor: Actor
):
    request = request_make(unit=place.unit, household=place.household)
    order_make(request, status=SubIncident.Status.ACCEPTED, accepted_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        change(actor, place, request, preferred_date=next_working_day(), preferred_part="")
    assert "preferred_date" in error.value.message_dict
    change(actor, place, request, description="Ook de afvoer.", preferred_date=None)
    request.refresh_from_db()
    assert request.description == "Ook de afvoer."
    row = repair_request_row(household=place.household, public_id=request.public_id)
    assert row.limits.can_change and not row.limits.dates_changeable
    assert not row.limits.can_withdraw


def test_an_internal_order_with_a_planned_date_fixes_the_dates(place: Place, actor: Actor):
    request = request_make(unit=place.unit, household=place.household)
    order_make(
        request,
        kind=SubIncident.Kind.INTERNAL,
        status=SubIncident.Status.OPEN,
        planned_on=date(2030, 1, 7),
    )
    row = repair_request_row(household=place.household, public_id=request.public_id)
    assert not row.limits.dates_changeable and not row.limits.can_withdraw


def test_a_closed_request_cannot_change(place: Place, actor: Actor):
    request = request_make(unit=place.unit, household=place.household, closed=True)
    with pytest.raises(ValidationError):
        change(actor, place, request, description="Nog iets")


def test_a_date_on_a_closed_day_is_refused_like_in_the_wizard(place: Place, actor: Actor):
    request = request_make(unit=place.unit, household=place.household)
    saturday = timezone.localdate() + timedelta(days=(5 - timezone.localdate().weekday()) % 7 + 7)
    with pytest.raises(ValidationError) as error:
        change(actor, place, request, preferred_date=saturday, preferred_part="")
    assert "preferred_date" in error.value.message_dict


def test_photos_are_added_and_the_tenants_own_removed_but_never_staff_files(
    place: Place, actor: Actor
):
    request = request_make(unit=place.unit, household=place.household)
    own = photo_make(request)
    staff_file = photo_make(request, uploaded_by=UserFactory())
    upload = SimpleUploadedFile("nieuw.jpg", jpeg_bytes(), content_type="image/jpeg")
    change(
        actor,
        place,
        request,
        add_photos=[upload],
        remove_photos=[own.public_id, staff_file.public_id],
    )
    names = sorted(request.incident.attachments.values_list("original_name", flat=True))
    assert names == ["kraan.jpg", "nieuw.jpg"]
    assert request.incident.attachments.filter(pk=staff_file.pk).exists()
    assert AuditEvent.objects.filter(verb="repair_request.photo_removed").count() == 1


def test_an_agent_acting_as_the_tenant_is_recorded(place: Place):
    agent = UserFactory(role="agent")
    actor = Actor.agent_as_tenant(agent, tenant_number=place.household.tenant_number)
    request = request_make(unit=place.unit, household=place.household)
    change(actor, place, request, description="Via de telefoon doorgegeven.")
    event = AuditEvent.objects.get(verb="repair_request.changed")
    assert event.actor_user == agent
    assert event.actor_kind == AuditEvent.ActorKind.AGENT_AS_TENANT
    assert Interaction.objects.get(kind__code="repair_changed").agent == agent


# ---------------------------------------------------------------- withdraw (REP-14)


def withdraw(actor, place, request, reason=WithdrawReason.SOLVED, explanation=""):  # type: ignore[no-untyped-def]
    return repair_request_withdraw(
        actor=actor,
        household=place.household,
        repair_request=request,
        reason=reason,
        explanation=explanation,
    )


def test_withdrawing_cancels_the_orders_and_closes_the_request(place: Place, actor: Actor):
    request = request_make(unit=place.unit, household=place.household)
    sent = order_make(request, status=SubIncident.Status.SENT)
    draft = order_make(request, status=SubIncident.Status.OPEN)
    internal = order_make(request, kind=SubIncident.Kind.INTERNAL, status=SubIncident.Status.OPEN)
    withdraw(actor, place, request, WithdrawReason.MISTAKE, "Verkeerde kraan.")
    for order in (sent, draft, internal):
        order.refresh_from_db()
        assert not order.is_open and order.cancelled_at is not None
    assert sent.status == internal.status == SubIncident.Status.CANCELLED
    assert draft.status == SubIncident.Status.OPEN  # a draft has no supplier to tell
    incident = request.incident
    incident.refresh_from_db()
    assert not incident.is_open and incident.phase.is_closed
    assert OutboxMessage.objects.filter(event="work_order.cancelled").exists()
    assert "Verkeerde kraan." not in sent.messages.get().body  # the supplier reads the reason
    assert "Verkeerde kraan." in incident.messages.get().body
    assert Interaction.objects.get(kind__code="repair_withdrawn").household == place.household
    with translation.override("en"):
        overview = maintenance_overview(household=place.household)
        assert overview.open == [] and overview.closed[0].withdrawn
        assert overview.closed[0].status == "Withdrawn"
        assert overview.closed[0].withdrawn_label == "I reported it by mistake"
        assert {order.status for order in overview.closed[0].orders} == {"Cancelled"}
    assert AuditEvent.objects.filter(verb="work_order.cancelled").count() == 3


def test_withdrawing_after_the_supplier_accepted_is_refused(place: Place, actor: Actor):
    request = request_make(unit=place.unit, household=place.household)
    order_make(request, status=SubIncident.Status.ACCEPTED, accepted_at=timezone.now())
    with pytest.raises(ValidationError):
        withdraw(actor, place, request)
    request.incident.refresh_from_db()
    assert request.incident.is_open


def test_another_reason_needs_an_explanation(place: Place, actor: Actor):
    request = request_make(unit=place.unit, household=place.household)
    with pytest.raises(ValidationError) as error:
        withdraw(actor, place, request, WithdrawReason.OTHER, "  ")
    assert "explanation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        withdraw(actor, place, request, "whatever")
    assert "reason" in error.value.message_dict


def test_staff_and_system_actors_cannot_use_the_tenant_services(place: Place):
    request = request_make(unit=place.unit, household=place.household)
    with pytest.raises(PermissionError):
        withdraw(Actor.system(), place, request)
