"""A tenant changes their email address (SPEC ACC-9, REP-9, POR-4).

1. :func:`email_change_request` checks the password and mails a link to the
   *new* address. Nothing else changes: the old address stays in force for the
   account, the sign-in, the household record and every message.
2. The link carries a signed token (``django.core.signing``, 3 days) naming the
   account, its address at the time and the new address. It works without being
   signed in; opening it changes nothing (scanners open links too).
3. :func:`email_change_confirm` (the link page's button) makes the new address
   the account's primary, verified address *and* the household's email, records a
   "contact changed" interaction and audits it. A link stops working once the
   account's address changed (so it works once), when it expired, and when a
   newer request replaced it.

The pending request is read back from the audit trail (the newest request since
the last change), so no extra table is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.accounts import login_events as events
from meldpunt.accounts.models import User
from meldpunt.accounts.status import household_account_status_sync
from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import ShippedKind
from meldpunt.interactions.services import interaction_record
from meldpunt.notifications.services import notification_queue
from meldpunt.people.services import household_update

SALT = "meldpunt.accounts.email_change"
VALID = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class EmailChangeLink:
    """What a valid link would change."""

    user: User
    old_email: str
    new_email: str
    request_event_id: int


@dataclass(frozen=True, slots=True)
class PendingEmailChange:
    new_email: str
    requested_at: datetime


def _user_events(user: User, verb: str) -> Any:
    return AuditEvent.objects.filter(
        object_type=User._meta.label_lower, object_id=str(user.pk), verb=verb
    )


def email_change_pending(*, user: User, now: datetime | None = None) -> PendingEmailChange | None:
    """The newest unconfirmed request of ``user`` whose link still works, if any."""
    now = now or timezone.now()
    request = (
        _user_events(user, events.EMAIL_CHANGE_REQUESTED)
        .filter(created_at__gt=now - VALID)
        .order_by("-created_at", "-id")
        .first()
    )
    if request is None:
        return None
    email = (request.changes or {}).get("email") or {}
    if str(email.get("old") or "").lower() != (user.email or "").lower():
        return None  # the address changed since: that request is spent
    return PendingEmailChange(
        new_email=str(email.get("new") or ""), requested_at=request.created_at
    )


def email_change_token(*, user: User, new_email: str, request_event_id: int) -> str:
    return signing.dumps(
        {"u": user.pk, "o": (user.email or "").lower(), "n": new_email, "r": request_event_id},
        salt=SALT,
        compress=True,
    )


def _normalized(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"new_email": _("Enter a valid email address.")}) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_change_request(*, actor: Actor, user: User, password: str, new_email: str) -> None:
    """Mail a confirmation link to ``new_email``; nothing changes until it is clicked.

    For the tenant's own account (the portal's account page, the repair wizard's
    contact step, the my-details page). ValidationError keyed by field:
    ``password`` when the password is wrong, ``new_email`` when the address is
    invalid or already the account's. A newer request replaces an older link.
    """
    if user.role or user.household_id is None:
        raise ValidationError(_("Only a tenant's portal account can change its email here."))
    if not password or not user.check_password(password):
        raise ValidationError({"password": _("This is not your password.")})
    email = _normalized(new_email)
    if email.lower() == (user.email or "").lower():
        raise ValidationError({"new_email": _("This is already your email address.")})
    with transaction.atomic():
        event = audit_record(
            actor=actor,
            verb=events.EMAIL_CHANGE_REQUESTED,
            obj=user,
            changes={"email": {"old": user.email, "new": email}},
        )
        token = email_change_token(user=user, new_email=email, request_event_id=event.pk)
        link = absolute_url(reverse("portal:email_change_confirm", kwargs={"token": token}))
        notification_queue(
            event=events.EMAIL_CHANGE_REQUESTED,
            template="tenant.email_change_confirm",
            recipient=email,
            channel="email",
            context={"link": link, "new_email": email},
            dedupe_key=f"account:{user.pk}:portal_email_change:{event.pk}",
            recipient_name=user.household.name if user.household is not None else "",
            language=user.language or translation.get_language() or "nl",
        )


def email_change_check(*, token: str, now: datetime | None = None) -> EmailChangeLink | None:
    """What the link would change, or None when it does not work. No writes."""
    if not token or len(token) > 500:
        return None
    try:
        data: Any = signing.loads(token, salt=SALT, max_age=VALID)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not {"u", "o", "n", "r"} <= set(data):
        return None
    user = (
        User.objects.filter(pk=data["u"], role="", household__isnull=False, is_active=True)
        .select_related("household")
        .first()
    )
    if user is None or (user.email or "").lower() != data["o"]:
        return None
    newest = (
        _user_events(user, events.EMAIL_CHANGE_REQUESTED)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if newest != data["r"]:
        return None  # a newer request replaced this link
    return EmailChangeLink(
        user=user, old_email=user.email, new_email=str(data["n"]), request_event_id=data["r"]
    )


class EmailTaken(Exception):
    """Another account uses the new address."""


def _taken(email: str, *, other_than: User) -> bool:
    return (
        User.objects.filter(email__iexact=email).exclude(pk=other_than.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=other_than).exists()
    )


def email_change_confirm(*, token: str) -> User | None:
    """The new address clicked its link: account, sign-in address and household change.

    Returns None when the link does not work (see :func:`email_change_check`);
    raises :class:`EmailTaken` when another account took the address meanwhile.
    One transaction: account email, allauth's address (primary, verified), the
    household's email (audited by the people service), a "contact changed"
    interaction and an ``account.email_changed`` audit row.
    """
    with transaction.atomic():
        change = email_change_check(token=token)
        if change is None:
            return None
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("household")
            .get(pk=change.user.pk)
        )
        if (user.email or "").lower() != change.old_email.lower():
            return None
        if _taken(change.new_email, other_than=user):
            raise EmailTaken
        actor = Actor.tenant(user)
        user.email = change.new_email
        user.save(update_fields=["email"])
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=change.new_email, primary=True, verified=True)
        household = user.household
        assert household is not None
        household_update(actor=actor, household=household, email=change.new_email)
        interaction_record(
            actor=actor,
            household=household,
            kind=ShippedKind.CONTACT_CHANGED,
            subject=_("Email address changed"),
            description=_("New email address: %(email)s") % {"email": change.new_email},
        )
        audit_record(
            actor=actor,
            verb=events.EMAIL_CHANGED,
            obj=user,
            changes={"email": {"old": change.old_email, "new": change.new_email}},
        )
        household_account_status_sync(household=household)
    return user
