"""Event codes of account management and view-as-tenant (SPEC ADM-ACC, ADM-REQ, ADM-KCC).

Imported by ``account_admin`` and ``view_as_services`` before any of these
codes is recorded.
"""

from meldpunt.common.events import declare

ACCOUNT_BLOCKED = declare("account.blocked", "Staff blocked an account (reason given)")
ACCOUNT_UNBLOCKED = declare("account.unblocked", "Staff unblocked an account")
ACCOUNT_ACTIVATED = declare(
    "account.activated", "Staff activated an account locked after too many wrong passwords"
)
ACCOUNT_DELETED = declare("account.deleted", "Staff deleted an account")
ACCOUNT_EMAIL_CHANGE_REQUESTED = declare(
    "account.email_change_requested",
    "Staff asked to change an account's email; a confirmation went to the new address",
)
ACCOUNT_EMAIL_CHANGED = declare(
    "account.email_changed", "The new address confirmed an email change made by staff"
)
ACCOUNT_PASSWORD_LINK_SENT = declare(
    "account.password_link_sent", "A link to choose a password was sent to a new account"
)
ACCOUNT_REQUEST_DELETED = declare("account_request.deleted", "Staff deleted an account request")
ACCOUNT_STATUSES_RESYNCED = declare(
    "account_status.resynced", "Staff recomputed every household's portal account status"
)
VIEW_AS_STARTED = declare("view_as.started", "An agent started viewing the portal as a tenant")
VIEW_AS_REFUSED = declare(
    "view_as.refused", "Viewing as a tenant was refused (wrong password or address)"
)
VIEW_AS_ENDED = declare("view_as.ended", "An agent stopped viewing the portal as a tenant")
TENANT_VIEWED_BY_AGENT = declare(
    "tenant.viewed_by_agent", "An agent viewing as a tenant opened a portal page (INC-16)"
)
