"""The signed-in supplier or owner in the session (SPEC INC-12); the sign-in
itself and what they may see are in ``meldpunt.incidents.party_accounts``."""

from __future__ import annotations

from django.http import HttpRequest

from meldpunt.incidents.party_accounts import portal_contact_get
from meldpunt.people.models import Contact

SESSION_KEY = "party_contact"


def session_sign_in(request: HttpRequest, contact: Contact) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = contact.public_id


def session_sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def session_contact(request: HttpRequest) -> Contact | None:
    """The signed-in supplier or owner, read afresh: access switched off ends it."""
    public_id = request.session.get(SESSION_KEY)
    if not public_id:
        return None
    contact = portal_contact_get(public_id=public_id)
    if contact is None:
        request.session.pop(SESSION_KEY, None)
    return contact
