"""Account management by staff (SPEC ADM-ACC, ADM-REQ, ADM-SYNC, A-9, A-10, ACC-8).

Who may do what:
- administrators manage every account, make staff accounts and resync statuses;
- agents manage tenant accounts only (no staff role, a household);
- nobody blocks or deletes their own account.

Every service runs in one transaction, writes an audit row and, for a tenant
account, brings the household's account status up to date
(``household_account_status_sync``). Views load accounts through
``account_selectors`` (404 outside the actor's scope); the checks here are the
second line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from axes.models import AccessAttempt
from django.contrib.auth import logout
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meldpunt.accounts import account_admin_events as events
from meldpunt.accounts import events as account_events
from meldpunt.accounts.models import AccountRequest, StaffRole, User
from meldpunt.accounts.services import staff_user_upsert
from meldpunt.accounts.status import (
    household_account_status_resync_all,
    household_account_status_sync,
)
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url
from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import notification_queue
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Household

EMAIL_CHANGE_SALT = "meldpunt.accounts.email_change_by_staff"
EMAIL_CHANGE_VALID = timedelta(days=3)
BLOCK_REASON_MAX = 200


def _is_tenant_account(user: User) -> bool:
    return not user.role and user.household_id is not None


def _require_may_manage(actor: Actor, user: User) -> None:
    """Administrators: any account; agents: tenant accounts; others: nothing."""
    if actor.is_admin:
        return
    if actor.is_staff and actor.role == StaffRole.AGENT and _is_tenant_account(user):
        return
    raise PermissionDenied


def _require_not_self(actor: Actor, user: User, message: str) -> None:
    if actor.user is not None and actor.user.pk == user.pk:
        raise ValidationError(message)


def _sync_household(household_id: int | None) -> None:
    # A fresh copy: the sync compares with the stored status, and the caller's
    # household object may be older than the row.
    household = Household.objects.filter(pk=household_id).first() if household_id else None
    if household is not None:
        household_account_status_sync(household=household)


def _sync(user: User) -> None:
    if _is_tenant_account(user):
        _sync_household(user.household_id)


def _language() -> str:
    return "nb" if organization_current().country == "NO" else "nl"


# ---------------------------------------------------------------- block, unblock, activate


def account_block(*, actor: Actor, user: User, reason: str) -> User:
    """Block ``user`` by hand: they cannot sign in until unblocked (reason required).

    Signed-in sessions of the account end on their next request
    (``blocked_session_end``); the portal already serves no blocked tenant.
    """
    _require_may_manage(actor, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the account is blocked.")})
    if len(reason) > BLOCK_REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": BLOCK_REASON_MAX}}
        )
    _require_not_self(actor, user, _("You cannot block your own account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = {"blocked_at": locked.blocked_at, "block_reason": locked.block_reason}
        locked.blocked_at = locked.blocked_at or timezone.now()
        locked.block_reason = reason
        locked.save(update_fields=["blocked_at", "block_reason"])
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_BLOCKED,
            obj=locked,
            changes={
                "blocked": {"old": before["blocked_at"] is not None, "new": True},
                "block_reason": {"old": before["block_reason"], "new": reason},
            },
        )
        _sync(locked)
    user.blocked_at, user.block_reason = locked.blocked_at, locked.block_reason
    return user


def account_unblock(*, actor: Actor, user: User) -> User:
    """Lift a block by hand; the reason is cleared."""
    _require_may_manage(actor, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.blocked_at is None:
            return user
        old_reason = locked.block_reason
        locked.blocked_at = None
        locked.block_reason = ""
        locked.save(update_fields=["blocked_at", "block_reason"])
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_UNBLOCKED,
            obj=locked,
            changes={
                "blocked": {"old": True, "new": False},
                "block_reason": {"old": old_reason, "new": ""},
            },
        )
        _sync(locked)
    user.blocked_at, user.block_reason = None, ""
    return user


def account_activate(*, actor: Actor, user: User) -> int:
    """Lift the lock after too many wrong passwords (ACC-8 "or when staff activate it").

    Forgets the account's failed attempts (django-axes counts them under the
    lowercase username), as the security page's unlock does. Returns how many
    attempt records went.
    """
    _require_may_manage(actor, user)
    key = user.get_username().lower()
    with transaction.atomic():
        attempts = AccessAttempt.objects.filter(username=key)
        failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        removed, _detail = attempts.delete()
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_ACTIVATED,
            obj=user,
            changes={
                "locked": {"old": failures > 0, "new": False},
                "failures": {"old": failures, "new": 0},
            },
        )
        _sync(user)
    return removed


def blocked_session_end(request: HttpRequest) -> bool:
    """End the session of a user who was blocked while signed in; True when it did.

    For the request middleware: costs no query (``request.user`` is loaded anyway).
    """
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated and user.is_blocked:
        logout(request)
        return True
    return False


# ---------------------------------------------------------------- edit


@dataclass(frozen=True, slots=True)
class AccountEditResult:
    user: User
    # The confirmation sent to a new email address, when the email was changed.
    email_confirmation: OutboxMessage | None = None


def _username_taken(username: str, *, other_than: User) -> bool:
    return User.objects.filter(username__iexact=username).exclude(pk=other_than.pk).exists()


def _email_taken(email: str, *, other_than: User) -> bool:
    return (
        User.objects.filter(email__iexact=email).exclude(pk=other_than.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=other_than).exists()
    )


def account_edit(
    *, actor: Actor, user: User, username: str, email: str, role: str | None = None
) -> AccountEditResult:
    """Change an account's username, its staff role (administrators, staff accounts
    only) and ask to change its email.

    The username and role change at once. A new email only asks: a link goes to
    the new address, and the login identity changes when it is clicked (A-9).
    The household record is never touched.
    """
    _require_may_manage(actor, user)
    username = (username or "").strip()
    email = (email or "").strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = _("Enter a username.")
    elif _username_taken(username, other_than=user):
        errors["username"] = _("This username is already taken. Choose another one.")
    if role is not None and role != user.role:
        if not actor.is_admin or _is_tenant_account(user) or role not in StaffRole.values:
            errors["role"] = _("Only an administrator changes the role of a staff account.")
        elif actor.user is not None and actor.user.pk == user.pk:
            errors["role"] = _("You cannot change your own role.")
    email_changes = bool(email) and email.lower() != (user.email or "").lower()
    if email_changes and _email_taken(email, other_than=user):
        errors["email"] = _("Another account already uses this email address.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = {"username": locked.username, "role": locked.role}
        locked.username = username
        if role is not None:
            locked.role = role
        after = {"username": locked.username, "role": locked.role}
        if before != after:
            locked.save(update_fields=["username", "role"])
            audit_record(
                actor=actor,
                verb=account_events.USER_UPDATED,
                obj=locked,
                changes={
                    key: {"old": before[key], "new": after[key]}
                    for key in after
                    if before[key] != after[key]
                },
            )
        message = None
        if email_changes:
            message = account_email_change_request(actor=actor, user=locked, new_email=email)
        _sync(locked)
    return AccountEditResult(user=locked, email_confirmation=message)


def email_change_token(*, user: User, new_email: str) -> str:
    """A signed link token: this account, from its current email to ``new_email``.

    It stops working once the account's email changes (also by another link).
    """
    return signing.dumps(
        {"u": user.pk, "old": (user.email or "").lower(), "new": new_email},
        salt=EMAIL_CHANGE_SALT,
        compress=True,
    )


def account_email_change_request(*, actor: Actor, user: User, new_email: str) -> OutboxMessage:
    """Send a confirmation link to ``new_email``; nothing changes until it is clicked."""
    _require_may_manage(actor, user)
    token = email_change_token(user=user, new_email=new_email)
    link = absolute_url(reverse("backoffice:account_email_confirm", kwargs={"token": token}))
    with transaction.atomic():
        count = OutboxMessage.objects.filter(
            dedupe_key__startswith=f"account:{user.pk}:email_change:"
        ).count()
        message = notification_queue(
            event=events.ACCOUNT_EMAIL_CHANGE_REQUESTED,
            template="tenant.email_change_confirm",
            recipient=new_email,
            channel="email",
            context={"link": link, "new_email": new_email},
            dedupe_key=f"account:{user.pk}:email_change:{count + 1}",
            recipient_name=user.household.name if user.household is not None else str(user),
            language=user.language or _language(),
        )
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_EMAIL_CHANGE_REQUESTED,
            obj=user,
            changes={"email": {"old": user.email, "new": new_email}},
        )
    return message


@dataclass(frozen=True, slots=True)
class EmailChange:
    user: User
    old_email: str
    new_email: str


def email_change_check(*, token: str) -> EmailChange | None:
    """What a confirmation link would change, or None when it no longer works (no writes)."""
    try:
        data: Any = signing.loads(
            token,
            salt=EMAIL_CHANGE_SALT,
            max_age=EMAIL_CHANGE_VALID,
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not {"u", "old", "new"} <= set(data):
        return None
    user = User.objects.filter(pk=data["u"]).first()
    if user is None or (user.email or "").lower() != data["old"]:
        return None
    return EmailChange(user=user, old_email=user.email, new_email=str(data["new"]))


def account_email_change_confirm(*, token: str) -> User | None:
    """The new address clicked its link: it becomes the account's (verified) email.

    Returns None for a link that is invalid, expired, already used or whose
    address another account took meanwhile. The household record stays as it is.
    """
    with transaction.atomic():
        change = email_change_check(token=token)
        if change is None:
            return None
        user = User.objects.select_for_update().get(pk=change.user.pk)
        if (user.email or "").lower() != change.old_email.lower():
            return None
        if _email_taken(change.new_email, other_than=user):
            return None
        user.email = change.new_email
        if user.household is not None:
            # The record keeps its address and does not undo this one at sign-in (ACC-10).
            user.household_email_taken = user.household.email
        user.save(update_fields=["email", "household_email_taken"])
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=change.new_email, primary=True, verified=True)
        audit_record(
            actor=Actor.system("email confirmation link"),
            verb=events.ACCOUNT_EMAIL_CHANGED,
            obj=user,
            changes={"email": {"old": change.old_email, "new": change.new_email}},
        )
        _sync(user)
    return user


# ---------------------------------------------------------------- delete


def account_delete(*, actor: Actor, user: User) -> None:
    """Delete an account. A tenant's household then shows "no account" again.

    Refused for one's own account, and for a staff account that other records
    still need (e.g. view-as sessions, kept for the audit): block it instead.
    """
    _require_may_manage(actor, user)
    _require_not_self(actor, user, _("You cannot delete your own account."))
    household = user.household if _is_tenant_account(user) else None
    household_id = user.household_id
    try:
        with transaction.atomic():
            audit_record(
                actor=actor,
                verb=events.ACCOUNT_DELETED,
                obj=user,
                changes={
                    "username": {"old": user.username, "new": None},
                    "email": {"old": user.email, "new": None},
                    "household": {
                        "old": household.tenant_number if household else None,
                        "new": None,
                    },
                },
            )
            user.delete()
            if household is not None:
                _sync_household(household_id)
    except (ProtectedError, RestrictedError):
        raise ValidationError(
            _("This account cannot be deleted: other records still refer to it. Block it instead.")
        ) from None


# ---------------------------------------------------------------- new staff account


def staff_account_create(
    *,
    actor: Actor,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Make a staff account (administrators) and mail it a link to choose a password.

    The account has no usable password until the link is used (allauth's
    password reset page); the link stops working once a password is chosen.
    """
    if not actor.is_admin:
        raise PermissionDenied
    username = (username or "").strip()
    email = (email or "").strip()
    errors: dict[str, str] = {}
    if role not in StaffRole.values:
        errors["role"] = _("Choose a staff role.")
    if not username:
        errors["username"] = _("Enter a username.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is already taken. Choose another one.")
    if not email:
        errors["email"] = _("Enter an email address.")
    elif (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        errors["email"] = _("Another account already uses this email address.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = staff_user_upsert(
            actor=actor,
            username=username,
            email=email,
            role=role,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        key = default_token_generator.make_token(user)
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
        )
        notification_queue(
            event=events.ACCOUNT_PASSWORD_LINK_SENT,
            template="tenant.password_reset",
            recipient=email,
            channel="email",
            context={"link": absolute_url(path), "username": username},
            dedupe_key=f"account:{user.pk}:password_link:1",
            recipient_name=str(user),
            language=_language(),
        )
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_PASSWORD_LINK_SENT,
            obj=user,
            changes={"email": {"old": None, "new": email}},
        )
    return user


# ---------------------------------------------------------------- account requests


def account_request_delete(*, actor: Actor, account_request: AccountRequest) -> None:
    """Delete an account request (agents and administrators); the account stays."""
    if not (actor.is_staff and actor.role in (StaffRole.ADMIN, StaffRole.AGENT)):
        raise PermissionDenied
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_REQUEST_DELETED,
            obj=account_request,
            changes={
                "tenant_number": {"old": account_request.tenant_number, "new": None},
                "email": {"old": account_request.email, "new": None},
            },
        )
        account_request.delete()


def account_request_resend(*, actor: Actor, account_request: AccountRequest) -> OutboxMessage:
    """Send the confirmation email of the request's account again (ADM-REQ).

    Refused (ValidationError) when the request made no account yet, or the
    account has no address waiting for confirmation (fill the email in first).
    """
    if not (actor.is_staff and actor.role in (StaffRole.ADMIN, StaffRole.AGENT)):
        raise PermissionDenied
    user = account_request.user
    if user is None:
        raise ValidationError(_("This request made no account yet: there is nothing to confirm."))
    _require_may_manage(actor, user)
    # Built by the activation flow; imported here so account management works
    # without it in a partial install.
    from meldpunt.accounts.activation import account_confirmation_send

    message = account_confirmation_send(actor=actor, user=user)
    if message is None:
        raise ValidationError(
            _(
                "There is no email address waiting for confirmation. "
                "Fill in the account's email address first."
            )
        )
    return message


# ---------------------------------------------------------------- resync (ADM-SYNC)


def account_statuses_resync(*, actor: Actor) -> int:
    """Recompute every household's portal account status (administrators); audited.

    Returns how many households changed.
    """
    if not actor.is_admin:
        raise PermissionDenied
    with transaction.atomic():
        changed = household_account_status_resync_all()
        organization = organization_current()
        audit_record(
            actor=actor,
            verb=events.ACCOUNT_STATUSES_RESYNCED,
            obj=organization if organization.pk is not None or actor.user is None else actor.user,
            changes={"households_updated": {"old": None, "new": changed}},
        )
    return changed
