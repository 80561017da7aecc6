"""Reads of sub-incidents and work orders for staff (SPEC INC-9 … INC-11).

One sub-incident with its thread and files, the sub-incidents of an incident,
the choices of the "+ Sub-incident" form and the work-order overview with its
filters and keyset pagination. Only staff see sub-incidents; for anyone else
every selector finds nothing, so a foreign or unknown id is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.common.pagination import Page
from meldpunt.incidents.models import (
    Incident,
    Phase,
    SubIncident,
    SubIncidentAttachment,
    SubIncidentMessage,
)
from meldpunt.incidents.selectors import (
    ComplexChoice,
    _decode_cursor,
    _encode_cursor,
    complex_choices,
)
from meldpunt.organization.calendar import closed_days_between
from meldpunt.organization.models import Organization
from meldpunt.people.models import Contact

PAGE_SIZE = 50
PUBLIC_ID_MAX_LENGTH = 24
OVERDUE_WORKING_DAYS = 2
# A work order still waits after this many working days: look back at most this far.
OVERDUE_LOOKBACK_DAYS = 40


def sub_incidents_visible(*, actor: Actor) -> QuerySet[SubIncident]:
    if not actor.is_staff:
        return SubIncident.objects.none()
    return SubIncident.objects.all()


def _plausible(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= PUBLIC_ID_MAX_LENGTH


# ---------------------------------------------------------------- one sub-incident


def sub_incident_get(*, actor: Actor, public_id: str) -> SubIncident:
    """One sub-incident with its incident, place, phase, party and people loaded."""
    if not _plausible(public_id):
        raise Http404
    found = (
        sub_incidents_visible(actor=actor)
        .select_related(
            "incident",
            "incident__unit",
            "incident__phase",
            "phase",
            "contact",
            "assignee",
            "responsible",
            "created_by",
        )
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def sub_incident_thread(*, actor: Actor, sub_incident: SubIncident) -> list[SubIncidentMessage]:
    """The thread oldest first, each message with its files: two queries."""
    if not actor.is_staff:
        return []
    return list(
        SubIncidentMessage.objects.filter(sub_incident=sub_incident)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=SubIncidentAttachment.objects.order_by("created_at", "id"),
            )
        )
        .order_by("created_at", "id")
    )


def sub_incident_files(*, actor: Actor, sub_incident: SubIncident) -> list[SubIncidentAttachment]:
    """Every file of the sub-incident, oldest first (staff see internal ones too)."""
    if not actor.is_staff:
        return []
    return list(
        SubIncidentAttachment.objects.filter(sub_incident=sub_incident).order_by("created_at", "id")
    )


def sub_incident_file_get(
    *, actor: Actor, sub_incident: SubIncident, public_id: str
) -> SubIncidentAttachment:
    """A file of this sub-incident; another sub-incident's file is "not found"."""
    if not actor.is_staff or not _plausible(public_id):
        raise Http404
    found = SubIncidentAttachment.objects.filter(
        sub_incident=sub_incident, public_id=public_id
    ).first()
    if found is None:
        raise Http404
    return found


def sub_incidents_of_incident(*, actor: Actor, incident: Incident) -> list[SubIncident]:
    """The incident's sub-incidents in their order, with phase and party: one query."""
    return list(
        sub_incidents_visible(actor=actor)
        .filter(incident=incident)
        .select_related("phase", "contact", "assignee")
        .order_by("sequence")
    )


# ---------------------------------------------------------------- the create form


def parties_for_choice(*, actor: Actor, kind: str) -> list[Contact]:
    """Contacts of ``kind`` (supplier or owner) for a select, by name."""
    if not actor.is_staff:
        return []
    return list(Contact.objects.filter(kind=kind).order_by("name", "id"))


def staff_for_choice(*, actor: Actor) -> list[User]:
    """Active staff users for the employee and responsible selects."""
    if not actor.is_staff:
        return []
    return list(
        User.objects.filter(is_active=True, role__in=StaffRole.values).order_by(
            "first_name", "last_name", "username"
        )
    )


def incident_owner(incident: Incident) -> Contact | None:
    """The owner of the incident's unit, else of its complex (third-party management)."""
    unit = incident.unit
    if unit is None:
        return None
    if unit.owner_id is not None:
        return unit.owner
    complex_ = unit.complex if unit.complex_id else None
    return complex_.owner if complex_ is not None and complex_.owner_id else None


def phases_for_sub_incident(*, actor: Actor, current: Phase | None) -> list[Phase]:
    if not actor.is_staff:
        return []
    condition = Q(active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return list(Phase.objects.filter(condition).order_by("ordering", "id"))


# ---------------------------------------------------------------- the work-order overview


@dataclass(frozen=True, slots=True)
class WorkOrderFilters:
    """What the overview is narrowed to; ids are primary keys resolved from the URL."""

    status: str = ""
    supplier: int | None = None
    complex: int | None = None
    overdue: bool = False


def overdue_cutoff(organization: Organization, now: datetime) -> datetime:
    """The moment ``OVERDUE_WORKING_DAYS`` working days before ``now``.

    The same time of day, moved back over working days only (weekends, national
    holidays and the organization's closed days do not count), so an order sent
    on Friday morning is not overdue on Monday but is on Tuesday afternoon.
    """
    local = timezone.localtime(now)
    today = local.date()
    closed = closed_days_between(organization, today - timedelta(days=OVERDUE_LOOKBACK_DAYS), today)
    day: date = today
    counted = 0
    for _step in range(OVERDUE_LOOKBACK_DAYS):
        day -= timedelta(days=1)
        if day not in closed:
            counted += 1
            if counted == OVERDUE_WORKING_DAYS:
                break
    return local.replace(year=day.year, month=day.month, day=day.day)


def overdue_condition(*, organization: Organization, now: datetime | None = None) -> Q:
    """A work order is overdue when it waits for acceptance for more than two working
    days (sent before :func:`overdue_cutoff`), or when its planned date has passed
    while it is neither completed nor cancelled (nor rejected: that order needs a
    new supplier, not a reminder)."""
    now = now or timezone.now()
    waiting = Q(status=SubIncident.Status.SENT, sent_at__lt=overdue_cutoff(organization, now))
    late = Q(
        planned_on__lt=timezone.localdate(now),
        status__in=[SubIncident.Status.SENT, SubIncident.Status.ACCEPTED],
    )
    return waiting | late


def _work_orders(
    actor: Actor, filters: WorkOrderFilters, organization: Organization | None
) -> QuerySet[SubIncident]:
    orders = sub_incidents_visible(actor=actor).filter(kind=SubIncident.Kind.EXTERNAL)
    if filters.status in SubIncident.Status.values:
        orders = orders.filter(status=filters.status)
    if filters.supplier:
        orders = orders.filter(contact_id=filters.supplier)
    if filters.complex:
        orders = orders.filter(incident__unit__complex_id=filters.complex)
    if filters.overdue and organization is not None:
        orders = orders.filter(overdue_condition(organization=organization))
    return orders


def work_order_page(
    *,
    actor: Actor,
    filters: WorkOrderFilters,
    organization: Organization | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of work orders newest first after ``cursor``, narrowed by ``filters``.

    Keyset pagination on (created_at, id) descending, which the
    (kind, -created_at, -id) and (kind, status, -created_at, -id) indexes serve;
    no total is counted. Rows come with their incident, unit, supplier and phase
    loaded: one query per page.
    """
    orders = _work_orders(actor, filters, organization).select_related(
        "incident", "incident__unit", "contact", "phase"
    )
    after = _decode_cursor(cursor)
    if after is not None:
        value, pk = after
        # The redundant <= bound is where the database starts the index range.
        orders = orders.filter(
            Q(created_at__lte=value) & (Q(created_at__lt=value) | Q(created_at=value, pk__lt=pk))
        )
    rows = list(orders.order_by("-created_at", "-pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode_cursor(rows[-1].created_at, rows[-1].pk)
    return Page(items=rows, next_cursor=next_cursor, has_previous=after is not None)


def suppliers_for_filter(*, actor: Actor) -> list[Contact]:
    return parties_for_choice(actor=actor, kind=Contact.Kind.SUPPLIER)


def complexes_for_filter(*, actor: Actor) -> list[ComplexChoice]:
    if not actor.is_staff:
        return []
    return complex_choices()
