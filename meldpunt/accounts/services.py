"""Writes to user accounts: staff users, the lockout, staff address ranges."""

from __future__ import annotations

import ipaddress

from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from meldpunt.accounts import events
from meldpunt.accounts.ip_ranges import address_in_ranges, forget_cached_ranges, normalize_cidr
from meldpunt.accounts.models import StaffIpRange, StaffRole, User
from meldpunt.accounts.selectors import LockedAccount
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between
from meldpunt.common.network import IPAddress


def staff_user_upsert(
    *,
    actor: Actor,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> User:
    """Create or update a staff user by username; the password is set only when given."""
    if role not in StaffRole.values:
        raise ValueError(f"unknown staff role {role!r}")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        if user is None:
            user = User(username=username)
        before = {
            "email": user.email,
            "role": user.role,
            "first_name": user.first_name,
            "last_name": user.last_name,
        }
        user.email = email
        user.role = role
        user.first_name = first_name
        user.last_name = last_name
        if password is not None:
            user.set_password(password)
        user.save()
        after = {"email": email, "role": role, "first_name": first_name, "last_name": last_name}
        if created or before != after or password is not None:
            changes = changes_between(before, after)
            if password is not None:
                changes["password"] = {"old": "[redacted]", "new": "[redacted]"}
            audit_record(
                actor=actor,
                verb=events.USER_CREATED if created else events.USER_UPDATED,
                obj=user,
                changes=changes,
            )
    return user


# ---------------------------------------------------------------- lockout (ACC-8)


def _account_named(key: str) -> User | None:
    return User.objects.filter(username__iexact=key).first() if key else None


def account_lock_record(*, key: str, address: str) -> None:
    """Audit that too many wrong passwords locked ``key`` (django-axes did the locking).

    The audit row names the account when the key is a username; for a login that
    names nobody it names the attempt record instead.
    """
    with transaction.atomic():
        obj: models.Model | None = _account_named(key)
        if obj is None:
            obj = AccessAttempt.objects.filter(username=key).order_by("id").first()
        if obj is None:
            return
        audit_record(
            actor=Actor.system("lockout"),
            verb=events.ACCOUNT_LOCKED,
            obj=obj,
            changes={
                "locked": {"old": False, "new": True},
                "address": {"old": None, "new": address or None},
            },
        )


def account_unlock(*, actor: Actor, account: LockedAccount) -> int:
    """Forget the failed attempts that lock ``account``: it may sign in at once.

    Administrators only; audited. Returns how many attempt records went.
    """
    if not actor.is_admin:
        raise PermissionDenied
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=account.key)
        obj: models.Model | None = account.user or attempts.order_by("id").first()
        removed, _detail = attempts.delete()
        if obj is not None:
            audit_record(
                actor=actor,
                verb=events.ACCOUNT_UNLOCKED,
                obj=obj,
                changes={
                    "locked": {"old": True, "new": False},
                    "failures": {"old": account.failures, "new": 0},
                },
            )
    return removed


# ---------------------------------------------------------------- address checks (ADM-IP)


def staff_login_refuse(*, user: User, address: IPAddress | None) -> None:
    """Audit a staff sign-in refused because it came from outside the role's ranges."""
    with transaction.atomic():
        audit_record(
            actor=Actor.staff(user),
            verb=events.STAFF_LOGIN_REFUSED,
            obj=user,
            changes={"address": {"old": None, "new": str(address) if address else None}},
        )


def staff_session_end(*, user: User, address: IPAddress | None) -> None:
    """Audit a staff session ended because its address left the role's ranges."""
    with transaction.atomic():
        audit_record(
            actor=Actor.system("address check"),
            verb=events.STAFF_SESSION_ENDED,
            obj=user,
            changes={"address": {"old": None, "new": str(address) if address else None}},
        )


def _keeps_actor_in(
    *, actor: Actor, role: str, cidrs: list[str], actor_address: IPAddress | None
) -> bool:
    """Would ``actor`` still be let in if ``role`` had exactly ``cidrs``?"""
    if actor.role != role:
        return True
    networks = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
    return address_in_ranges(actor_address, networks)


def staff_ip_range_add(
    *,
    actor: Actor,
    role: str,
    cidr: str,
    note: str = "",
    actor_address: IPAddress | None,
) -> StaffIpRange:
    """Let staff of ``role`` sign in from ``cidr`` (administrators; audited).

    Refused when the range is no range, is already listed, or would shut the
    acting administrator out (their own address outside every range of their role).
    """
    if not actor.is_admin:
        raise PermissionDenied
    if role not in StaffRole.values:
        raise ValidationError({"role": _("Choose a staff role.")})
    try:
        normalized = normalize_cidr(cidr)
    except ValueError:
        raise ValidationError(
            {"cidr": _("Enter an address range such as 192.0.2.0/24 or 2001:db8::/32.")}
        ) from None
    with transaction.atomic():
        current = list(
            StaffIpRange.objects.select_for_update()
            .filter(role=role)
            .values_list("cidr", flat=True)
        )
        if normalized in current:
            raise ValidationError({"cidr": _("This range is already in the list for this role.")})
        if not _keeps_actor_in(
            actor=actor, role=role, cidrs=[*current, normalized], actor_address=actor_address
        ):
            raise ValidationError(
                {
                    "cidr": _(
                        "Your own address (%(address)s) is outside this range, so saving it "
                        "would sign you out. Add a range that includes your address first."
                    )
                    % {"address": actor_address or "?"}
                }
            )
        ip_range = StaffIpRange.objects.create(role=role, cidr=normalized, note=note.strip())
        audit_record(
            actor=actor,
            verb=events.STAFF_IP_RANGE_ADDED,
            obj=ip_range,
            changes={"role": {"old": None, "new": role}, "cidr": {"old": None, "new": normalized}},
        )
        transaction.on_commit(forget_cached_ranges)
    return ip_range


def staff_ip_range_remove(
    *, actor: Actor, ip_range: StaffIpRange, actor_address: IPAddress | None
) -> None:
    """Remove a range (administrators; audited); refused when it would shut the actor out."""
    if not actor.is_admin:
        raise PermissionDenied
    with transaction.atomic():
        remaining = list(
            StaffIpRange.objects.select_for_update()
            .filter(role=ip_range.role)
            .exclude(pk=ip_range.pk)
            .values_list("cidr", flat=True)
        )
        if not _keeps_actor_in(
            actor=actor, role=ip_range.role, cidrs=remaining, actor_address=actor_address
        ):
            raise ValidationError(
                _(
                    "Your own address (%(address)s) is only allowed by this range, so removing "
                    "it would sign you out. Add a range that includes your address first."
                )
                % {"address": actor_address or "?"}
            )
        audit_record(
            actor=actor,
            verb=events.STAFF_IP_RANGE_REMOVED,
            obj=ip_range,
            changes={
                "role": {"old": ip_range.role, "new": None},
                "cidr": {"old": ip_range.cidr, "new": None},
            },
        )
        ip_range.delete()
        transaction.on_commit(forget_cached_ranges)
