"""Tenant accounts from a letter: activation codes, sign-up and confirmation.

SPEC ACC-1 … ACC-4, C-3, ADM-REQ. The way from paper to a working account:

1. Staff (or the letters) make an activation code for a household
   (``activation_code_generate``); a new code voids the old one, codes expire
   after the organization's ``activation_code_days`` and work once.
2. The tenant types tenant number + code (``account_request_identify``). Every
   try is an ``AccountRequest`` row whose step times the back office shows; a
   mismatch records why, the tenant is only told "check both values". Failed
   tries are rate-limited per tenant number and per client address.
3. The tenant picks username, password and email
   (``account_create_from_request``): the account exists, the code is used, and
   a confirmation link goes out through the outbox.
4. The link's POST confirms the email (``account_email_confirm``): the account
   works from then on.

Every write here runs in one transaction with an audit row, and ends with the
household's account status brought up to date.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account import app_settings as allauth_settings
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import password_validation
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meldpunt.accounts import activation_events as events
from meldpunt.accounts.models import AccountRequest, ActivationCode, StaffRole, User
from meldpunt.accounts.status import household_account_status_sync
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import notification_queue
from meldpunt.organization.selectors import organization_current
from meldpunt.people.models import Household

# Easy to copy from paper: no 0/O, 1/I/L. 31 symbols, 12 of them ≈ 59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 3
CODE_GROUP_SIZE = 4

# Failed tries (SPEC C-3): per tenant number and per client address.
RATE_WINDOW = timedelta(minutes=15)
FAILURES_PER_NUMBER = 5
FAILURES_PER_CLIENT = 20
# A second confirmation email within this time sends nothing new.
CONFIRMATION_COOLDOWN = timedelta(minutes=1)

# What the back office reads in an account request's "last failure". Stored in
# English (msgids marked with gettext_noop), so staff pages translate them at display.
FAILURE_NUMBER_UNKNOWN = gettext_noop("tenant number unknown")
FAILURE_MISMATCH = gettext_noop("tenant number and code do not match")
FAILURE_NO_CODE = gettext_noop("no activation code made for this tenant number")
FAILURE_EXPIRED = gettext_noop("activation code expired")
FAILURE_USED = gettext_noop("activation code already used")
FAILURE_VOIDED = gettext_noop("activation code replaced by a newer one")
FAILURE_ACCOUNT_EXISTS = gettext_noop("household already has an account")

_TENANT_ACTOR_KINDS = (
    AuditEvent.ActorKind.TENANT,
    AuditEvent.ActorKind.AGENT_AS_TENANT,
    AuditEvent.ActorKind.LINK,
)


# ---------------------------------------------------------------- codes (ACC-1, C-3)


def code_new() -> str:
    """A fresh random code such as ``ABCD-EFGH-JKMN``."""
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_GROUP_SIZE))
        for _g in range(CODE_GROUPS)
    )
    return "-".join(groups)


def code_normalize(typed: str) -> str:
    """What the tenant typed, as comparable text: upper case, no spaces or dashes."""
    return re.sub(r"[^0-9A-Z]", "", (typed or "").upper())


def tenant_number_normalize(typed: str) -> str:
    return re.sub(r"\s+", "", (typed or "")).upper()[:20]


def activation_code_live(
    *, household: Household, now: datetime | None = None
) -> ActivationCode | None:
    """The household's code that still works: not used, not voided, not expired. A read."""
    now = now or timezone.now()
    return (
        ActivationCode.objects.filter(
            household=household, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at", "-id")
        .first()
    )


def activation_code_generate(
    *, actor: Actor, household: Household, now: datetime | None = None
) -> ActivationCode:
    """Make a new code for ``household`` and void the one before it.

    Staff and the system may; a tenant may not. The code itself never enters the
    audit trail. Runs in one transaction with the household row locked, so two
    clicks at once leave exactly one live code.
    """
    if actor.kind in _TENANT_ACTOR_KINDS:
        raise PermissionDenied
    now = now or timezone.now()
    days = organization_current().activation_code_days or 90
    with transaction.atomic():
        Household.objects.select_for_update().filter(pk=household.pk).first()
        voided = ActivationCode.objects.filter(
            household=household, used_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=now, updated_at=now)
        code = ActivationCode.objects.create(
            household=household,
            code=code_new(),
            expires_at=now + timedelta(days=days),
            created_by=actor.user if actor.user is not None and actor.user.pk else None,
        )
        audit_record(
            actor=actor,
            verb=events.ACTIVATION_CODE_GENERATED,
            obj=code,
            changes={
                "household": {"old": None, "new": household.tenant_number},
                "expires_at": {"old": None, "new": code.expires_at.isoformat()},
                "voided_codes": {"old": None, "new": voided},
            },
        )
    return code


def activation_code_reveal(*, actor: Actor, household: Household) -> ActivationCode | None:
    """The household's live code, for staff with the agent or admin role; audited (C-3)."""
    if not actor.is_staff or actor.role not in (StaffRole.AGENT, StaffRole.ADMIN):
        raise PermissionDenied
    with transaction.atomic():
        code = activation_code_live(household=household)
        if code is not None:
            audit_record(
                actor=actor,
                verb=events.ACTIVATION_CODE_REVEALED,
                obj=code,
                changes={"household": {"old": None, "new": household.tenant_number}},
            )
    return code


# ---------------------------------------------------------------- rate limits


class ActivationLimited(Exception):
    """Too many failed tries; ``minutes`` until the oldest counted try expires."""

    def __init__(self, minutes: int) -> None:
        super().__init__(f"too many attempts, try again in {minutes} minutes")
        self.minutes = minutes


def _window_key(kind: str, value: str) -> str:
    return f"activation-failures:{kind}:{value}"


def _window_minutes_left(key: str, limit: int, now: datetime) -> int | None:
    """Minutes until ``key``'s window ends when it is full; None while tries are left."""
    entry = cache.get(key)
    if not entry:
        return None
    started, count = entry
    ends = started + RATE_WINDOW.total_seconds()
    if count < limit or ends <= now.timestamp():
        return None
    return max(1, int((ends - now.timestamp() + 59) // 60))


def _window_count(key: str, now: datetime) -> None:
    entry = cache.get(key)
    stamp = now.timestamp()
    if not entry or entry[0] + RATE_WINDOW.total_seconds() <= stamp:
        entry = (stamp, 0)
    started, count = entry
    left = int(started + RATE_WINDOW.total_seconds() - stamp) + 1
    cache.set(key, (started, count + 1), timeout=max(left, 1))


def rate_limit_check(*, keys: list[tuple[str, int]], now: datetime | None = None) -> None:
    """Raise :class:`ActivationLimited` when any ``(key, limit)`` window is full."""
    now = now or timezone.now()
    waits = [w for key, limit in keys if (w := _window_minutes_left(key, limit, now)) is not None]
    if waits:
        raise ActivationLimited(max(waits))


def rate_limit_count(*, keys: list[str], now: datetime | None = None) -> None:
    now = now or timezone.now()
    for key in keys:
        _window_count(key, now)


def _identify_keys(tenant_number: str, client: str) -> list[tuple[str, int]]:
    keys = [(_window_key("number", tenant_number), FAILURES_PER_NUMBER)]
    if client:
        keys.append((_window_key("client", client), FAILURES_PER_CLIENT))
    return keys


# ---------------------------------------------------------------- identifying (ACC-1)


@dataclass(frozen=True, slots=True)
class Identification:
    """The outcome of one try with tenant number + code."""

    account_request: AccountRequest
    matched: bool
    account_exists: bool = False


def _why_not(
    household: Household | None, typed: str, now: datetime
) -> tuple[str, ActivationCode | None]:
    """Why ``typed`` does not open ``household`` (empty when it does), and the matching code."""
    if household is None:
        return FAILURE_NUMBER_UNKNOWN, None
    codes = list(ActivationCode.objects.filter(household=household).order_by("-created_at", "-id"))
    if not codes:
        return FAILURE_NO_CODE, None
    match = next(
        (c for c in codes if hmac.compare_digest(code_normalize(c.code), typed)),
        None,
    )
    if match is None:
        return FAILURE_MISMATCH, None
    if match.used_at is not None:
        return FAILURE_USED, match
    if match.voided_at is not None:
        return FAILURE_VOIDED, match
    if match.expires_at <= now:
        return FAILURE_EXPIRED, match
    return "", match


def account_request_identify(
    *,
    tenant_number: str,
    code: str,
    client: str,
    account_request_id: str | None = None,
    now: datetime | None = None,
) -> Identification:
    """Check a tenant number + activation code and record the step (ACC-1, ADM-REQ).

    ``client`` is the client's address (for the rate limit). ``account_request_id``
    is the public id of the request this browser already started, if any; it is
    continued when it is for the same tenant number and not yet identified.
    Raises :class:`ActivationLimited` before looking anything up when too many
    tries failed for this number or this client.
    """
    now = now or timezone.now()
    number = tenant_number_normalize(tenant_number)
    typed = code_normalize(code)
    keys = _identify_keys(number, client)
    rate_limit_check(keys=keys, now=now)
    with transaction.atomic():
        household = (
            Household.objects.filter(tenant_number__iexact=number).first() if number else None
        )
        failure, _code = _why_not(household, typed, now)
        request = None
        if account_request_id:
            request = (
                AccountRequest.objects.select_for_update()
                .filter(
                    public_id=account_request_id,
                    tenant_number=number,
                    identified_at__isnull=True,
                    user__isnull=True,
                )
                .first()
            )
        if request is None:
            request = AccountRequest(tenant_number=number)
        request.household = household
        request.tenant_number_at = now
        account_exists = False
        if not failure and household is not None:
            account_exists = User.objects.filter(household=household, role="").exists()
            if account_exists:
                failure = FAILURE_ACCOUNT_EXISTS
            else:
                request.identified_at = now
        request.failure = failure
        request.save()
        audit_record(
            actor=Actor.system("portal activation"),
            verb=events.ACCOUNT_REQUEST_FAILED if failure else events.ACCOUNT_REQUEST_IDENTIFIED,
            obj=request,
            changes={
                "tenant_number": {"old": None, "new": number},
                "failure": {"old": None, "new": failure or None},
            },
        )
    if failure and not account_exists:
        rate_limit_count(keys=[key for key, _limit in keys], now=now)
    return Identification(
        account_request=request, matched=not failure, account_exists=account_exists
    )


def account_request_for_details(*, public_id: str | None) -> AccountRequest | None:
    """The identified request still waiting for its details, or None. A read."""
    if not public_id:
        return None
    return (
        AccountRequest.objects.filter(
            public_id=public_id,
            identified_at__isnull=False,
            details_at__isnull=True,
            user__isnull=True,
            household__isnull=False,
        )
        .select_related("household")
        .first()
    )


# ---------------------------------------------------------------- the account (ACC-2)


def tenant_password_check(*, password: str, username: str, email: str = "") -> None:
    """The organization's password rules (installed as validators, "not the username"
    among them) for an account that does not exist yet.

    Raises ValidationError with every message that applies.
    """
    password_validation.validate_password(
        password, user=User(username=username, email=email, role="")
    )


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username.strip()).exists()


class ActivationExpired(Exception):
    """The request's code stopped working (voided, expired, used) before the details came."""


def _code_claim(
    *, account_request: AccountRequest, household: Household, now: datetime
) -> tuple[AccountRequest, ActivationCode]:
    """Inside a transaction: lock the household and the request, and use the live code.

    Raises :class:`ActivationExpired` when the request already has its account,
    the household meanwhile has one, or the code typed in step 1 stopped working.
    """
    Household.objects.select_for_update().filter(pk=household.pk).first()
    request = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    if request.details_at is not None or request.user_id is not None:
        raise ActivationExpired
    if User.objects.filter(household=household, role="").exists():
        raise ActivationExpired
    code = activation_code_live(household=household, now=now)
    # The code typed in step 1 must still be the live one: a code made after
    # that step (staff or a new letter) voided it.
    if code is None or request.identified_at is None or code.created_at > request.identified_at:
        raise ActivationExpired
    used = ActivationCode.objects.filter(pk=code.pk, used_at__isnull=True).update(
        used_at=now, updated_at=now
    )
    if not used:
        raise ActivationExpired
    return request, code


def _account_recorded(
    *, request: AccountRequest, code: ActivationCode, user: User, via: str, now: datetime
) -> Actor:
    """Inside a transaction: the request's details step and the audit rows of a new account."""
    request.details_at = now
    request.user = user
    request.username = user.username
    request.email = user.email
    request.failure = ""
    request.save(update_fields=["details_at", "user", "username", "email", "failure", "updated_at"])
    actor = Actor.tenant(user)
    audit_record(
        actor=actor,
        verb=events.ACTIVATION_CODE_USED,
        obj=code,
        changes={"used_at": {"old": None, "new": now.isoformat()}},
    )
    changes = {
        "username": {"old": None, "new": user.username},
        "email": {"old": None, "new": user.email},
        "household": {"old": None, "new": code.household.tenant_number},
    }
    if via:
        changes["signed_up_with"] = {"old": None, "new": via}
    audit_record(actor=actor, verb=events.TENANT_ACCOUNT_CREATED, obj=user, changes=changes)
    return actor


def account_create_from_request(
    *,
    account_request: AccountRequest,
    username: str,
    password: str,
    email: str,
    now: datetime | None = None,
) -> User:
    """Make the tenant's account from an identified request (ACC-2).

    Guarantees, in one transaction: the household's live code becomes used (it
    works once, even with two submits at once), the user exists without a staff
    role and with an unverified primary email address, the request records its
    details and the email step, a confirmation link is in the outbox, and the
    household's account status says "created". Raises ValidationError for a
    taken username or a password the rules refuse, :class:`ActivationExpired`
    when the code no longer works or the household meanwhile has an account.
    """
    now = now or timezone.now()
    username = username.strip()
    email = email.strip()
    household = account_request.household
    if household is None or account_request.identified_at is None:
        raise ActivationExpired
    if username_taken(username):
        raise ValidationError(
            {"username": _("This username is already taken. Choose another one.")}
        )
    tenant_password_check(password=password, username=username, email=email)
    with transaction.atomic():
        request, code = _code_claim(account_request=account_request, household=household, now=now)
        user = User(username=username, email=email, role="", household=household)
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        actor = _account_recorded(request=request, code=code, user=user, via="", now=now)
        account_confirmation_send(actor=actor, user=user, now=now)
        household_account_status_sync(household=household)
    return user


def account_create_with_provider(
    *,
    account_request: AccountRequest,
    email: str,
    provider: str,
    save_user: Callable[[User], User],
    now: datetime | None = None,
) -> User:
    """Make the tenant's account for a first sign-in with a provider (ACC-5).

    As :func:`account_create_from_request`, but the username is the email address,
    there is no password, and ``save_user`` (the sign-in library's) stores the
    user with the provider account and its email addresses. The address is
    confirmed when the provider vouched for it; otherwise the first sign-in asks
    for the confirmation link. Raises ValidationError when another account has
    this email address as username, :class:`ActivationExpired` as above.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    household = account_request.household
    if household is None or account_request.identified_at is None:
        raise ActivationExpired
    if username_taken(email):
        raise ValidationError(
            {
                "email": _(
                    "An account with this email address exists already. Choose another address."
                )
            }
        )
    with transaction.atomic():
        request, code = _code_claim(account_request=account_request, household=household, now=now)
        user = User(username=email, email=email, role="", household=household)
        user.set_unusable_password()
        user = save_user(user)
        _account_recorded(request=request, code=code, user=user, via=provider, now=now)
        household_account_status_sync(household=household)
    return user


def _confirmation_messages(user: User) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(dedupe_key__startswith=f"account:{user.pk}:confirm:").order_by(
            "-created_at", "-id"
        )
    )


def account_confirmation_send(
    *, actor: Actor, user: User, now: datetime | None = None
) -> OutboxMessage | None:
    """Queue an email with a fresh confirmation link to the account's primary address.

    For the sign-up and the back office's "resend confirmation" (ADM-REQ). Returns
    None when there is nothing to confirm (no unverified address, or not a tenant
    account). Clicking twice within a minute queues one message, not two. Records
    the email step on the account's latest request.
    """
    now = now or timezone.now()
    if user.role or user.household_id is None:
        return None
    with transaction.atomic():
        address = (
            EmailAddress.objects.filter(user=user, verified=False)
            .order_by("-primary", "-id")
            .first()
        )
        if address is None:
            return None
        earlier = _confirmation_messages(user)
        if earlier and earlier[0].created_at > now - CONFIRMATION_COOLDOWN:
            return earlier[0]
        key = EmailConfirmationHMAC(address).key
        link = absolute_url(reverse("portal:confirm_email", kwargs={"key": key}))
        household = user.household
        message = notification_queue(
            event=events.TENANT_ACCOUNT_CONFIRMATION_SENT,
            template="tenant.account_confirm",
            recipient=address.email,
            channel="email",
            context={"link": link, "username": user.get_username()},
            dedupe_key=f"account:{user.pk}:confirm:{len(earlier) + 1}",
            recipient_name=household.name if household is not None else "",
            language=user.language or _organization_language(),
        )
        request = (
            AccountRequest.objects.filter(user=user).order_by("-tenant_number_at", "-id").first()
        )
        if request is not None:
            request.email_sent_at = now
            request.save(update_fields=["email_sent_at", "updated_at"])
        audit_record(
            actor=actor,
            verb=events.TENANT_ACCOUNT_CONFIRMATION_SENT,
            obj=user,
            changes={"email": {"old": None, "new": address.email}},
        )
    return message


def _organization_language() -> str:
    return "nb" if organization_current().country == "NO" else "nl"


# ---------------------------------------------------------------- confirming


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a confirmation key is: ``user`` set when it may be confirmed now;
    ``already`` when its address was confirmed before."""

    user: User | None
    already: bool = False


def confirmation_key_check(*, key: str) -> Confirmation:
    """Look at a confirmation key without changing anything (the GET of the link)."""
    confirmation = EmailConfirmationHMAC.from_key(key) if key and len(key) < 200 else None
    if confirmation is not None:
        user = confirmation.email_address.user
        if isinstance(user, User) and user.is_tenant:
            return Confirmation(user=user)
        return Confirmation(user=None)
    try:
        pk = signing.loads(
            key,
            salt=allauth_settings.SALT,
            max_age=60 * 60 * 24 * allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        )
    except (signing.BadSignature, TypeError, ValueError):
        return Confirmation(user=None)
    already = EmailAddress.objects.filter(pk=pk, verified=True, user__role="").exists()
    return Confirmation(user=None, already=already)


def account_email_confirm(*, key: str, request: HttpRequest) -> User | None:
    """Confirm the email address behind ``key`` (the link's POST): the account works.

    Returns the user, or None for a key that is invalid, expired or already used.
    Records the step on the account request and syncs the household status.
    """
    now = timezone.now()
    with transaction.atomic():
        confirmation = EmailConfirmationHMAC.from_key(key) if key and len(key) < 200 else None
        if confirmation is None:
            return None
        user = confirmation.email_address.user
        if not isinstance(user, User) or not user.is_tenant:
            return None
        if confirmation.confirm(request) is None:
            return None
        EmailAddress.objects.filter(pk=confirmation.email_address.pk).update(primary=True)
        if user.email != confirmation.email_address.email:
            user.email = confirmation.email_address.email
            user.save(update_fields=["email"])
        AccountRequest.objects.filter(user=user, confirmed_at__isnull=True).update(
            confirmed_at=now, updated_at=now
        )
        audit_record(
            actor=Actor.tenant(user),
            verb=events.TENANT_ACCOUNT_CONFIRMED,
            obj=user,
            changes={"email": {"old": None, "new": confirmation.email_address.email}},
        )
        if user.household is not None:
            household_account_status_sync(household=user.household)
    return user
