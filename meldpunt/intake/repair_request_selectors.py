"""A household's repair requests as the tenant portal shows them (SPEC REP-12 … REP-16).

Which requests a household sees (REP-16), decided in one query:

- requests about one of the household's rented units (a running contract),
  made since that contract started — including the common-area requests
  reported from that home;
- requests on a common area linked to one of those units (``CommonArea.units``),
  made since that unit's contract started — the neighbours' too, but then
  without their personal details (contact, photos, extra description);
- the household's own requests, made since its earliest running contract
  started (e.g. on a common area of the building block that is not linked);
- an open request the household added a report to (REP-4f), whoever made it.

Only wizard requests (``RepairRequest`` with outcome "request" and an incident)
are "requests". Incidents reported through the public form or by staff are not
listed: they have no tree path, no preferred date and no change/withdraw rules;
the tenant follows them through their personal link and the timeline.

Open means the incident is open; closed requests are listed when they were
reported less than a year ago (REP-15).

Every function runs a fixed number of queries, however many requests there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meldpunt.common.models import AuditEvent
from meldpunt.incidents.models import Attachment, Message, SubIncident
from meldpunt.intake.maintenance_events import REPAIR_REQUEST_WITHDRAWN
from meldpunt.intake.models import RepairRequest
from meldpunt.people.models import Household
from meldpunt.properties.models import CommonArea
from meldpunt.tenancy.models import Contract

CLOSED_SHOWN_FOR = timedelta(days=365)
ORDER_KINDS = (SubIncident.Kind.EXTERNAL, SubIncident.Kind.INTERNAL)
# A supplier who accepted (or finished) has fixed the dates with us (REP-13).
ORDER_ACCEPTED = (SubIncident.Status.ACCEPTED, SubIncident.Status.COMPLETED)


class WithdrawReason(models.TextChoices):
    """Why a tenant withdraws a request (REP-14)."""

    SOLVED = "solved", _("I solved it myself")
    MISTAKE = "mistake", _("I reported it by mistake")
    DUPLICATE = "duplicate", _("It was already reported")
    NOT_NEEDED = "not_needed", _("It is no longer needed")
    OTHER = "other", _("Another reason")


# ---------------------------------------------------------------- scope (REP-16)


@dataclass(frozen=True, slots=True)
class HouseholdScope:
    """The household's running contracts: unit id → the moment that contract started."""

    household: Household
    since: dict[int, datetime]

    @property
    def unit_ids(self) -> set[int]:
        return set(self.since)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def household_scope(*, household: Household, today: date | None = None) -> HouseholdScope:
    """One query: the units of the household's running contracts and when each began."""
    today = today or timezone.localdate()
    since: dict[int, datetime] = {}
    contracts = Contract.objects.running_on(today).filter(household=household)
    for unit_id, start in contracts.values_list("unit_id", "start_date"):
        began = _start_of(start)
        since[unit_id] = min(began, since.get(unit_id, began))
    return HouseholdScope(household=household, since=since)


def _visible_condition(scope: HouseholdScope) -> Q:
    if not scope.since:
        return Q(pk__in=[])
    links = CommonArea.units.through.objects
    condition = Q(household=scope.household, created_at__gte=min(scope.since.values()))
    for unit_id, began in scope.since.items():
        linked_areas = links.filter(unit_id=unit_id).values("commonarea_id")
        condition |= Q(unit_id=unit_id, created_at__gte=began)
        condition |= Q(common_area_id__in=Subquery(linked_areas), created_at__gte=began)
    added_by_household = RepairRequest.objects.filter(
        additional_to=OuterRef("pk"), household=scope.household
    )
    return condition | Q(Exists(added_by_household))


def repair_requests_visible(*, scope: HouseholdScope) -> QuerySet[RepairRequest]:
    """The wizard requests this household may see (REP-16), unevaluated and unordered."""
    return RepairRequest.objects.filter(
        _visible_condition(scope),
        outcome=RepairRequest.Outcome.REQUEST,
        incident__isnull=False,
    )


def request_is_own(request: RepairRequest, scope: HouseholdScope) -> bool:
    """The household's own request (it may see the details, change and withdraw it):
    made by the household, or about its home itself (not a common area)."""
    if request.household_id is not None:
        return request.household_id == scope.household.pk
    return request.common_area_id is None and request.unit_id in scope.unit_ids


# ---------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class Limits:
    """What the tenant may still do (REP-13, REP-14); see ``change_limits``."""

    can_change: bool
    dates_changeable: bool
    can_withdraw: bool


def dates_fixed(orders: Iterable[SubIncident]) -> bool:
    """REP-13: a supplier accepted an order, or an internal order's planning is fixed."""
    for order in orders:
        if order.status == SubIncident.Status.CANCELLED or not order.is_open:
            continue
        if order.kind == SubIncident.Kind.EXTERNAL and (
            order.status in ORDER_ACCEPTED or order.accepted_at is not None
        ):
            return True
        if order.kind == SubIncident.Kind.INTERNAL and (
            order.planned_on is not None or order.status == SubIncident.Status.COMPLETED
        ):
            return True
    return False


def change_limits(*, request: RepairRequest, orders: Iterable[SubIncident], own: bool) -> Limits:
    """Before the dates are fixed the tenant may change everything and withdraw; after,
    everything but the dates, and no withdrawal (call us). A closed request: nothing."""
    incident = request.incident
    if not own or incident is None or not incident.is_open:
        return Limits(can_change=False, dates_changeable=False, can_withdraw=False)
    fixed = dates_fixed(orders)
    return Limits(can_change=True, dates_changeable=not fixed, can_withdraw=not fixed)


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One order on the request as the tenant sees it (REP-12)."""

    number: str
    executor: str
    status: str
    planned_on: date | None
    planned_confirmed: bool


@dataclass
class RequestRow:
    request: RepairRequest
    own: bool
    place: str
    location: str
    limits: Limits
    withdrawn_reason: str = ""
    orders: list[OrderRow] = field(default_factory=list)
    photos: list[Attachment] = field(default_factory=list)
    additional: list[RepairRequest] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.request.incident_id

    @property
    def is_open(self) -> bool:
        return bool(self.request.incident and self.request.incident.is_open)

    @property
    def withdrawn(self) -> bool:
        return bool(self.withdrawn_reason)

    @property
    def withdrawn_label(self) -> str:
        if self.withdrawn_reason in WithdrawReason.values:
            return str(WithdrawReason(self.withdrawn_reason).label)
        return ""

    @property
    def status(self) -> str:
        incident = self.request.incident
        if self.withdrawn:
            return str(_("Withdrawn"))
        return incident.phase.name if incident is not None else ""


ORDER_STATUS: dict[str, Promise] = {
    SubIncident.Status.OPEN: _("Being arranged"),
    SubIncident.Status.SENT: _("Sent to the contractor"),
    SubIncident.Status.ACCEPTED: _("Accepted"),
    SubIncident.Status.REJECTED: _("Being arranged"),
    SubIncident.Status.COMPLETED: _("Done"),
    SubIncident.Status.CANCELLED: _("Cancelled"),
}


def _order_row(order: SubIncident) -> OrderRow:
    cancelled = order.status == SubIncident.Status.CANCELLED or (
        not order.is_open and order.status != SubIncident.Status.COMPLETED
    )
    if order.kind == SubIncident.Kind.INTERNAL:
        executor = str(_("Our own maintenance team"))
        status = ORDER_STATUS[order.status]
        if order.status == SubIncident.Status.OPEN and order.planned_on is not None:
            status = _("Planned")
    elif order.contact is not None:
        executor = order.contact.company or order.contact.name
        status = ORDER_STATUS[order.status]
    else:
        executor = str(_("Not chosen yet"))
        status = ORDER_STATUS[order.status]
    if cancelled:
        status = ORDER_STATUS[SubIncident.Status.CANCELLED]
    return OrderRow(
        number=order.number,
        executor=executor,
        status=str(status),
        planned_on=None if cancelled else order.planned_on,
        planned_confirmed=order.planned_confirmed_at is not None,
    )


def request_place(request: RepairRequest) -> str:
    """REP-12's address: the home's address, or the common area with its block and complex."""
    area = request.common_area
    if area is not None:
        parts = [area.name]
        if area.building_block is not None:
            parts.append(area.building_block.name)
        parts.append(area.complex.name)
        return ", ".join(part for part in parts if part)
    return str(request.unit) if request.unit is not None else ""


def request_location(request: RepairRequest) -> str:
    """The room or place in the tree ("Kitchen"): the first level of the chosen path."""
    return request.path.split(" › ", 1)[0]


def _with_details(queryset: QuerySet[RepairRequest]) -> QuerySet[RepairRequest]:
    withdrawn = AuditEvent.objects.filter(
        verb=REPAIR_REQUEST_WITHDRAWN,
        object_type=RepairRequest._meta.label_lower,
        object_id=OuterRef("public_id"),
    ).order_by("-created_at")
    return (
        queryset.select_related(
            "incident",
            "incident__phase",
            "unit",
            "common_area",
            "common_area__complex",
            "common_area__building_block",
        )
        .annotate(withdrawn_reason=Subquery(withdrawn.values("changes__reason__new")[:1]))
        .prefetch_related(
            Prefetch(
                "incident__sub_incidents",
                queryset=SubIncident.objects.filter(kind__in=ORDER_KINDS)
                .select_related("contact")
                .order_by("sequence"),
                to_attr="orders",
            ),
            Prefetch(
                "incident__attachments",
                queryset=Attachment.objects.filter(
                    visibility=Message.Visibility.EXTERNAL, content_type__startswith="image/"
                ).order_by("created_at", "id"),
                to_attr="tenant_photos",
            ),
            Prefetch(
                "additional_reports",
                queryset=RepairRequest.objects.order_by("created_at", "id"),
                to_attr="additional",
            ),
        )
    )


def _row(request: RepairRequest, scope: HouseholdScope) -> RequestRow:
    own = request_is_own(request, scope)
    incident = request.incident
    orders: list[SubIncident] = getattr(incident, "orders", []) if incident is not None else []
    photos: list[Attachment] = getattr(incident, "tenant_photos", []) if incident else []
    additional: list[RepairRequest] = getattr(request, "additional", [])
    return RequestRow(
        request=request,
        own=own,
        place=request_place(request),
        location=request_location(request),
        limits=change_limits(request=request, orders=orders, own=own),
        withdrawn_reason=str(getattr(request, "withdrawn_reason", "") or ""),
        orders=[_order_row(order) for order in orders],
        # Someone else's request (a neighbour's, on a shared area): no personal details.
        photos=photos if own else [],
        additional=[item for item in additional if own or item.household_id == scope.household.pk],
    )


@dataclass(frozen=True, slots=True)
class MaintenanceOverview:
    open: list[RequestRow]
    closed: list[RequestRow]


def maintenance_overview(
    *, household: Household, now: datetime | None = None
) -> MaintenanceOverview:
    """POR-7: the household's open requests and the closed ones reported within a year.

    Five queries whatever the number of requests (contracts, requests, orders,
    photos, additional reports).
    """
    now = now or timezone.now()
    scope = household_scope(household=household, today=timezone.localdate(now))
    requests = _with_details(
        repair_requests_visible(scope=scope).filter(
            Q(incident__is_open=True) | Q(created_at__gte=now - CLOSED_SHOWN_FOR)
        )
    ).order_by("-created_at", "-id")
    rows = [_row(request, scope) for request in requests]
    return MaintenanceOverview(
        open=[row for row in rows if row.is_open],
        closed=[row for row in rows if not row.is_open],
    )


def repair_request_row(
    *, household: Household, public_id: str, own: bool = False, now: datetime | None = None
) -> RequestRow:
    """One request the household may see (``own``: one it may change), else 404.

    A closed request older than a year is gone from the portal, like from the list.
    """
    now = now or timezone.now()
    scope = household_scope(household=household, today=timezone.localdate(now))
    request = (
        _with_details(
            repair_requests_visible(scope=scope).filter(
                Q(incident__is_open=True) | Q(created_at__gte=now - CLOSED_SHOWN_FOR)
            )
        )
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise Http404
    row = _row(request, scope)
    if own and not row.own:
        raise Http404
    return row


def repair_request_photo_get(*, household: Household, public_id: str, photo_id: str) -> Attachment:
    """A photo of the household's own request, served through an ownership check; 404
    for anything else (another household's, a staff-only file, a neighbour's request)."""
    row = repair_request_row(household=household, public_id=public_id, own=True)
    photo = next((item for item in row.photos if item.public_id == photo_id), None)
    if photo is None:
        raise Http404
    return photo


def running_contract_for(*, household: Household, request: RepairRequest) -> Contract | None:
    """The household's running contract for the request's home, for the interaction."""
    if request.unit_id is None:
        return None
    return (
        Contract.objects.running_on(timezone.localdate())
        .filter(household=household, unit_id=request.unit_id)
        .first()
    )
