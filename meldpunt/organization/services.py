"""Writes to the organization's settings. Every change is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.organization import events
from meldpunt.organization.features import FEATURES, FEATURES_BY_KEY
from meldpunt.organization.models import ClosedDay, FeatureToggle, Organization

EDITABLE_FIELDS = (
    "name",
    "country",
    "contact_phone",
    "contact_email",
    "urgent_phone",
    "website",
    "colours",
    "logo_shape",
    "show_copyright",
)


def organization_ensure(*, actor: Actor, name: str, **fields: Any) -> Organization:
    """The organization row, created with every feature toggle on first use."""
    with transaction.atomic():
        organization = Organization.objects.select_for_update().first()
        if organization is None:
            organization = Organization(name=name)
            for field, value in fields.items():
                if field not in EDITABLE_FIELDS:
                    raise ValueError(f"{field} is not an editable organization field")
                setattr(organization, field, value)
            organization.full_clean()
            organization.save()
            FeatureToggle.objects.bulk_create(
                FeatureToggle(organization=organization, key=f.key, enabled=f.default)
                for f in FEATURES
            )
            audit_record(
                actor=actor,
                verb=events.ORGANIZATION_UPDATED,
                obj=organization,
                changes=changes_between({}, snapshot(organization, ["name", *fields])),
            )
        return organization


def organization_update(*, actor: Actor, organization: Organization, **fields: Any) -> Organization:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        before = snapshot(locked, fields)
        for field, value in fields.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            verb=events.ORGANIZATION_UPDATED,
            obj=locked,
            changes=changes_between(before, snapshot(locked, fields)),
        )
    return locked


def feature_set(
    *, actor: Actor, organization: Organization, key: str, enabled: bool
) -> FeatureToggle:
    if key not in FEATURES_BY_KEY:
        raise ValidationError({"key": f"unknown feature {key!r}"})
    with transaction.atomic():
        toggle, _created = FeatureToggle.objects.select_for_update().get_or_create(
            organization=organization, key=key, defaults={"enabled": enabled}
        )
        before = toggle.enabled
        if toggle.enabled != enabled:
            toggle.enabled = enabled
            toggle.save(update_fields=["enabled"])
        audit_record(
            actor=actor,
            verb=events.FEATURE_TOGGLED,
            obj=organization,
            changes={key: {"old": before, "new": enabled}},
        )
    return toggle


def closed_day_add(
    *, actor: Actor, organization: Organization, day: date, reason: str = ""
) -> ClosedDay:
    with transaction.atomic():
        closed_day, _created = ClosedDay.objects.update_or_create(
            organization=organization, date=day, defaults={"reason": reason}
        )
        audit_record(
            actor=actor,
            verb=events.CLOSED_DAY_ADDED,
            obj=organization,
            changes={"closed_day": {"old": None, "new": f"{day:%Y-%m-%d} {reason}"}},
        )
    return closed_day


DUPLICATE_WINDOW_MIN_HOURS = 1
DUPLICATE_WINDOW_MAX_HOURS = 720  # 30 days
REMINDER_FIRST_MIN_HOURS = 1
REMINDER_FIRST_MAX_HOURS = 40  # a working week
REMINDER_MAX_MIN = 0
REMINDER_MAX_MAX = 10


def _whole_number_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def organization_incident_settings_update(
    *,
    actor: Actor,
    organization: Organization,
    first_responder_becomes_handler: bool,
    duplicate_window_hours: int,
    reminder_first_after_hours: int | None = None,
    reminder_max: int | None = None,
) -> Organization:
    """Change how new incidents are handled (SPEC INC-7, INC-13): whether the first
    staff user who responds becomes handler, and the window in hours in which
    reports about the same unit and category count as possible duplicates.

    Administrators (and the system) only. ``ValidationError`` keyed by field for
    a window outside 1 to 720 hours. One transaction with an ``organization.updated``
    audit row holding the old and new values (no row when nothing changed).
    """
    if not (actor.is_admin or actor.kind == "system"):
        raise PermissionDenied
    if (
        isinstance(duplicate_window_hours, bool)
        or not isinstance(duplicate_window_hours, int)
        or not DUPLICATE_WINDOW_MIN_HOURS <= duplicate_window_hours <= DUPLICATE_WINDOW_MAX_HOURS
    ):
        raise ValidationError(
            {
                "duplicate_window_hours": _(
                    "Enter a whole number of hours from %(min)d to %(max)d (30 days)."
                )
                % {"min": DUPLICATE_WINDOW_MIN_HOURS, "max": DUPLICATE_WINDOW_MAX_HOURS}
            }
        )
    fields: dict[str, Any] = {
        "first_responder_becomes_handler": bool(first_responder_becomes_handler),
        "duplicate_window_hours": duplicate_window_hours,
    }
    # Work-order reminders (SPEC A-24); ``None`` leaves a setting as it is.
    errors: dict[str, Any] = {}
    if reminder_first_after_hours is not None:
        if not _whole_number_in(
            reminder_first_after_hours, REMINDER_FIRST_MIN_HOURS, REMINDER_FIRST_MAX_HOURS
        ):
            errors["reminder_first_after_hours"] = _(
                "Enter a whole number of working hours from %(min)d to %(max)d."
            ) % {"min": REMINDER_FIRST_MIN_HOURS, "max": REMINDER_FIRST_MAX_HOURS}
        fields["reminder_first_after_hours"] = reminder_first_after_hours
    if reminder_max is not None:
        if not _whole_number_in(reminder_max, REMINDER_MAX_MIN, REMINDER_MAX_MAX):
            errors["reminder_max"] = _("Enter a whole number from %(min)d to %(max)d.") % {
                "min": REMINDER_MAX_MIN,
                "max": REMINDER_MAX_MAX,
            }
        fields["reminder_max"] = reminder_max
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        before = snapshot(locked, fields)
        changes = changes_between(before, fields)
        if changes:
            for field, value in fields.items():
                setattr(locked, field, value)
            locked.save(update_fields=[*fields, "updated_at"])
            audit_record(actor=actor, verb=events.ORGANIZATION_UPDATED, obj=locked, changes=changes)
    return locked
