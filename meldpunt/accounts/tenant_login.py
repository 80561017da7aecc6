"""Writes around a tenant's sign-in and password (SPEC ACC-6, ACC-7, ACC-10, ACC-11, POR-6).

- :func:`tenant_email_sync` — at every tenant sign-in the account takes the
  email address of the tenant record when it differs (ACC-10).
- :func:`password_reset_request` / :func:`password_reset_user` /
  :func:`password_reset_complete` — a forgotten password (ACC-7): never tells
  whether an account exists; the link is single use (the token covers the
  password hash) and setting the password ends every session of the account.
- :func:`tenant_password_change` — the current password, then the new one; a
  confirmation mail goes to the account's address (POR-6, A-6).
- :func:`portal_account_settings_update` — the organization's "Portal accounts"
  settings (ADM-SET): session limits, password policy, activation codes, welcome text.
- :func:`login_refusal_record` — audit of a refused sign-in with the right password.

Every write is one transaction with its audit row; mails go through the outbox.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import url_str_to_user_pk, user_pk_to_url_str
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.accounts import login_events as events
from meldpunt.accounts.models import User
from meldpunt.accounts.status import household_account_status_sync
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.common.links import absolute_url
from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import notification_queue
from meldpunt.organization.events import ORGANIZATION_UPDATED
from meldpunt.organization.models import Organization

# At most this many reset mails per account per hour; more requests send nothing.
RESET_MAILS_PER_HOUR = 3


def _language(user: User) -> str:
    return user.language or translation.get_language() or "nl"


def _recipient_name(user: User) -> str:
    return user.household.name if user.household is not None else ""


def tenant_accounts() -> Any:
    """Active tenant accounts: no staff role, a household."""
    return User.objects.filter(role="", household__isnull=False, is_active=True)


# ---------------------------------------------------------------- sign-in (ACC-10)


def tenant_email_sync(*, user: User) -> bool:
    """Give the account the tenant record's email address when the record changed (ACC-10).

    The record's address is taken when it differs from the one the account took
    last time (``household_email_taken``): a change on the record reaches the
    account at the next sign-in, while an address an administrator changed on
    the account alone (A-9) is not undone. The address becomes the account's
    primary, verified address (the organization vouches for its own record).
    Returns whether the account's address changed. Audited.
    """
    household = user.household
    if user.role or household is None:
        return False
    wanted = (household.email or "").strip()
    if not wanted or wanted.lower() == (user.household_email_taken or "").lower():
        return False
    if wanted.lower() == (user.email or "").lower():
        User.objects.filter(pk=user.pk).update(household_email_taken=wanted)
        user.household_email_taken = wanted
        return False
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        old = locked.email
        locked.email = wanted
        locked.household_email_taken = wanted
        locked.save(update_fields=["email", "household_email_taken"])
        EmailAddress.objects.filter(user=locked).exclude(email__iexact=wanted).delete()
        address = EmailAddress.objects.filter(user=locked, email__iexact=wanted).first()
        if address is None:
            EmailAddress.objects.create(user=locked, email=wanted, primary=True, verified=True)
        else:
            address.email, address.primary, address.verified = wanted, True, True
            address.save(update_fields=["email", "primary", "verified"])
        audit_record(
            actor=Actor.system("sign-in"),
            verb=events.EMAIL_SYNCED,
            obj=locked,
            changes={"email": {"old": old, "new": wanted}},
        )
        household_account_status_sync(household=household)
    user.email = wanted
    return True


def login_refusal_record(*, user: User, reason: str) -> None:
    """Audit a sign-in refused after the right password (``reason``: a short code)."""
    with transaction.atomic():
        audit_record(
            actor=Actor.system("sign-in"),
            verb=events.LOGIN_REFUSED,
            obj=user,
            changes={"reason": {"old": None, "new": reason}},
        )


# ---------------------------------------------------------------- forgotten password (ACC-7)


def _accounts_for_login(login: str) -> list[User]:
    typed = (login or "").strip()
    if not typed:
        return []
    return list(
        tenant_accounts()
        .filter(
            Q(username__iexact=typed)
            | Q(email__iexact=typed)
            | Q(emailaddress__email__iexact=typed, emailaddress__verified=True)
        )
        .select_related("household")
        .distinct()[:5]
    )


def password_reset_link(*, user: User) -> str:
    token = default_token_generator.make_token(user)
    path = reverse(
        "portal:password_reset_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": token}
    )
    return absolute_url(path)


def password_reset_mail_queue(*, user: User, link: str, now: datetime | None = None) -> bool:
    """Queue the reset mail with ``link`` unless the account had enough this hour."""
    now = now or timezone.now()
    prefix = f"account:{user.pk}:password_reset:"
    recent = OutboxMessage.objects.filter(
        dedupe_key__startswith=prefix, created_at__gte=now - timedelta(hours=1)
    ).count()
    if recent >= RESET_MAILS_PER_HOUR or not user.email:
        return False
    digest = hashlib.sha256(link.encode()).hexdigest()[:24]
    with transaction.atomic():
        notification_queue(
            event=events.PASSWORD_RESET_REQUESTED,
            template="tenant.password_reset",
            recipient=user.email,
            channel="email",
            context={"link": link, "username": user.get_username()},
            dedupe_key=f"{prefix}{digest}",
            recipient_name=_recipient_name(user),
            language=_language(user),
        )
        audit_record(
            actor=Actor.system("password reset"), verb=events.PASSWORD_RESET_REQUESTED, obj=user
        )
    return True


def password_reset_request(*, login: str, now: datetime | None = None) -> int:
    """Send a reset link to the tenant account named by ``login`` (username or email).

    Returns how many mails were queued — for tests and logs only: the visitor gets
    the same answer either way. Staff accounts and blocked accounts get nothing
    here (staff use the staff page's reset).
    """
    sent = 0
    for user in _accounts_for_login(login):
        if user.is_blocked:
            continue
        if password_reset_mail_queue(user=user, link=password_reset_link(user=user), now=now):
            sent += 1
    return sent


def password_reset_user(*, uidb36: str, key: str) -> User | None:
    """The tenant account a reset link is for, or None when the link does not work
    (unknown, tampered, expired, or used: a new password voids the token)."""
    if not uidb36 or not key or len(uidb36) > 20 or len(key) > 100:
        return None
    try:
        pk = url_str_to_user_pk(uidb36)
    except (ValueError, TypeError, OverflowError):
        return None
    user = tenant_accounts().filter(pk=pk).first()
    if user is None or not default_token_generator.check_token(user, key):
        return None
    return user


def password_reset_complete(*, user: User, password: str) -> User:
    """Set the new password chosen with a reset link; every session of the account ends.

    Raises ValidationError (key ``new_password1``) when the password breaks the rules.
    """
    _validate_new_password(user=user, password=password, field="new_password1")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(
            actor=Actor.system("password reset link"),
            verb=events.PASSWORD_RESET_DONE,
            obj=locked,
            changes={"password": {"old": "[redacted]", "new": "[redacted]"}},
        )
        _password_changed_mail(user=locked)
    return locked


# ---------------------------------------------------------------- password change (POR-6)


def _validate_new_password(*, user: User, password: str, field: str) -> None:
    from django.contrib.auth import password_validation

    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def _password_changed_mail(*, user: User) -> None:
    if not user.email:
        return
    notification_queue(
        event=events.PASSWORD_CHANGED,
        template="tenant.password_changed",
        recipient=user.email,
        channel="email",
        context={"username": user.get_username()},
        dedupe_key=f"account:{user.pk}:password_changed:{timezone.now().timestamp():.6f}",
        recipient_name=_recipient_name(user),
        language=_language(user),
    )


def tenant_password_change(
    *, actor: Actor, user: User, current_password: str, new_password: str
) -> User:
    """Change a tenant's own password (POR-6, A-6, ACC-11).

    Only the tenant themselves (an agent viewing as the tenant has no password
    to give: PermissionDenied). ValidationError keyed by field for a wrong current
    password, a new password that breaks the rules or equals the current one.
    Audited; a confirmation mail goes to the account's address. The caller keeps
    its own session (``update_session_auth_hash``); other sessions end.
    """
    if actor.kind != "tenant" or actor.user is None or actor.user.pk != user.pk:
        raise PermissionDenied
    if not user.check_password(current_password):
        raise ValidationError({"current_password": _("This is not your current password.")})
    if new_password == current_password:
        raise ValidationError(
            {"new_password1": _("Choose a new password that differs from your current one.")}
        )
    _validate_new_password(user=user, password=new_password, field="new_password1")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(new_password)
        locked.save(update_fields=["password"])
        audit_record(
            actor=actor,
            verb=events.PASSWORD_CHANGED,
            obj=locked,
            changes={"password": {"old": "[redacted]", "new": "[redacted]"}},
        )
        _password_changed_mail(user=locked)
    user.password = locked.password
    return locked


# ---------------------------------------------------------------- settings (ADM-SET)

PORTAL_ACCOUNT_FIELDS = (
    "session_idle_minutes",
    "stay_logged_in_days",
    "password_policy",
    "activation_code_days",
    "welcome_text",
)


def portal_account_settings_update(
    *, actor: Actor, organization: Organization, **fields: Any
) -> Organization:
    """Change the organization's portal-account settings (administrators only).

    The model's validators give the ranges (session 5-30 minutes, stay logged in
    1-30 days, codes 1-365 days): out of range raises ValidationError keyed by
    field and saves nothing. Audited with old and new values (no row when
    nothing changed).
    """
    if not actor.is_admin:
        raise PermissionDenied
    unknown = set(fields) - set(PORTAL_ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not a portal-account setting: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        before = snapshot(locked, fields)
        for field, value in fields.items():
            setattr(locked, field, value)
        locked.full_clean()
        changes = changes_between(before, snapshot(locked, fields))
        if changes:
            locked.save(update_fields=[*changes, "updated_at"])
            audit_record(actor=actor, verb=ORGANIZATION_UPDATED, obj=locked, changes=changes)
    return locked
