"""Reads for the public report form (SPEC INT-1) and the reporter's personal link (INT-3).

Unit resolution answers only "which home is this" for the service; it never
hands the caller who lives there. Pages show a unit's address only when the
visitor typed that address themselves (postcode and house number), never for a
tenant number, so a guessed tenant number does not reveal where someone lives.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.common.links import link_resolve
from meldpunt.common.models import AccessLink
from meldpunt.common.network import client_ip  # noqa: F401  (re-exported for the report form)
from meldpunt.incidents.models import InboxReport
from meldpunt.people.models import Household
from meldpunt.properties.models import Unit
from meldpunt.properties.postcodes import normalize_postcode
from meldpunt.tenancy.models import Contract

REPORT_LINK_PURPOSE = "report_tenant"
RATE_WINDOW = timedelta(hours=1)
# "12", "12A", "12 a", "12-2", "12 bis": a number and an optional addition.
_HOUSE_NUMBER = re.compile(r"^\s*(\d{1,5})\s*[-/ ]?\s*([A-Za-z0-9]{0,6})\s*$")
_ADDITION = re.compile(r"^[A-Za-z0-9]{1,6}$")


@dataclass(frozen=True, slots=True)
class UnitQuery:
    """What the visitor typed to say where the problem is."""

    postcode: str = ""
    house_number: str = ""
    addition: str = ""
    tenant_number: str = ""


@dataclass(frozen=True, slots=True)
class UnitMatch:
    unit: Unit
    household: Household | None
    # True when the visitor typed the address, so showing it back reveals nothing.
    address_typed: bool


def split_house_number(raw: str) -> tuple[int | None, str]:
    """``"12a"`` → ``(12, "A")``; anything else that is not a house number → ``(None, "")``."""
    match = _HOUSE_NUMBER.match(raw or "")
    if not match:
        return None, ""
    return int(match.group(1)), match.group(2).upper()


def clean_addition(raw: str) -> str:
    return re.sub(r"[\s\-/]", "", raw or "").upper()


def _running_household(unit: Unit, today: date) -> Household | None:
    contract = (
        Contract.objects.running_on(today)
        .filter(unit=unit)
        .select_related("household")
        .order_by("-start_date", "-id")
        .first()
    )
    return contract.household if contract else None


def _by_tenant_number(tenant_number: str, today: date) -> UnitMatch:
    number = tenant_number.strip()
    contract = (
        Contract.objects.running_on(today)
        .filter(household__tenant_number__iexact=number)
        .select_related("unit", "household")
        .order_by("-start_date", "-id")
        .first()
        if 0 < len(number) <= 20
        else None
    )
    if contract is None:
        raise ValidationError(
            {
                "tenant_number": ValidationError(
                    _(
                        "We cannot find this tenant number. Check it, or fill in your "
                        "postcode and house number instead."
                    ),
                    code="unknown_tenant_number",
                )
            }
        )
    return UnitMatch(unit=contract.unit, household=contract.household, address_typed=False)


def _by_address(query: UnitQuery, country: str, today: date) -> UnitMatch:
    errors: dict[str, ValidationError] = {}
    postcode = ""
    try:
        postcode = normalize_postcode(query.postcode, country=country)
    except ValidationError as error:
        errors["postcode"] = error
    number, typed_addition = split_house_number(query.house_number)
    if number is None:
        errors["house_number"] = ValidationError(
            _("Enter your house number, for example 12."), code="invalid_house_number"
        )
    addition = clean_addition(query.addition) or typed_addition
    if addition and not _ADDITION.match(addition):
        errors["addition"] = ValidationError(
            _("An addition is a few letters or digits, for example A or 2."),
            code="invalid_addition",
        )
    if errors:
        raise ValidationError(errors)
    units = list(
        Unit.objects.filter(postcode=postcode, house_number=number).order_by(
            "house_number_addition", "id"
        )[:50]
    )
    if not units:
        raise ValidationError(
            {
                "postcode": ValidationError(
                    _(
                        "We cannot find a home of ours at this postcode and house number. "
                        "Check them, or use your tenant number."
                    ),
                    code="unknown_address",
                )
            }
        )
    if addition:
        matching = [u for u in units if u.house_number_addition.upper() == addition]
        if not matching:
            raise ValidationError(
                {
                    "addition": ValidationError(
                        _("This addition does not exist at this address. Check it."),
                        code="unknown_addition",
                    )
                }
            )
        unit = matching[0]
    elif len(units) == 1:
        unit = units[0]
    else:
        # A blank addition means the home without one, if there is such a home;
        # otherwise the visitor has to say which of the homes it is.
        plain = [u for u in units if not u.house_number_addition]
        if not plain:
            raise ValidationError(
                {
                    "addition": ValidationError(
                        _(
                            "There are several homes at this house number. Enter the addition, "
                            "for example A or 2."
                        ),
                        code="addition_needed",
                    )
                }
            )
        unit = plain[0]
    return UnitMatch(unit=unit, household=_running_household(unit, today), address_typed=True)


def unit_resolve(*, query: UnitQuery, country: str = "NL", today: date | None = None) -> UnitMatch:
    """The home a public report is about, and the household renting it now (if any).

    A tenant number wins over an address when both are given. Raises
    ``ValidationError`` keyed by field (``postcode``, ``house_number``,
    ``addition``, ``tenant_number``) with a message for the visitor; the message
    is the same whether a home is let or empty.
    """
    today = today or timezone.localdate()
    if query.tenant_number.strip():
        return _by_tenant_number(query.tenant_number, today)
    if not (query.postcode.strip() or query.house_number.strip()):
        raise ValidationError(
            {
                "postcode": ValidationError(
                    _(
                        "Fill in your postcode and house number, or your tenant number, "
                        "so we know which home this is about."
                    ),
                    code="no_address",
                )
            }
        )
    return _by_address(query, country, today)


# ---------------------------------------------------------------- abuse protection


def client_ip_hash(ip: str) -> str:
    """A keyed hash of ``ip``: counts reports per sender without storing the address."""
    if not ip:
        return ""
    key = f"meldpunt.intake.client:{settings.SECRET_KEY}".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def reports_from_client_since(*, client_hash: str, since: datetime) -> int:
    if not client_hash:
        return 0
    return InboxReport.objects.filter(client_ip_hash=client_hash, created_at__gte=since).count()


def reports_for_unit_since(*, unit: Unit, since: datetime) -> int:
    return InboxReport.objects.filter(
        unit=unit, source=InboxReport.Source.PUBLIC_FORM, created_at__gte=since
    ).count()


# ---------------------------------------------------------------- the reporter's link


def report_reference(report: InboxReport) -> str:
    """The reference a reporter quotes on the phone; readable, not a secret."""
    return f"R-{report.pk:06d}"


def report_for_link(*, token: str) -> tuple[AccessLink, InboxReport]:
    """The report behind a reporter's link; a wrong, expired or revoked token, or a
    deleted report, is 404."""
    link = link_resolve(token=token, purpose=REPORT_LINK_PURPOSE)
    if link.object_type != InboxReport._meta.label_lower:
        raise Http404
    report = (
        InboxReport.objects.select_related("category", "incident", "incident__phase")
        .exclude(status=InboxReport.Status.DELETED)
        .filter(public_id=link.object_id)
        .first()
    )
    if report is None:
        raise Http404
    return link, report
