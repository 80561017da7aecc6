"""Writes to user accounts."""

from __future__ import annotations

from django.db import transaction

from meldpunt.accounts import events
from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between


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
