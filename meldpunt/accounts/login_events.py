"""Events of tenant sign-in and account security (SPEC ACC-6..ACC-11, POR-6).

Kept apart from ``accounts/events.py``, which holds the staff side's codes;
``tenant_login`` and ``email_change`` import it before recording any.
"""

from meldpunt.common.events import declare

LOGIN_REFUSED = declare(
    "account.login_refused",
    "A sign-in with the right password was refused (wrong sign-in page, blocked, unconfirmed)",
)
CONFIRMATION_RESENT = declare(
    "account.confirmation_resent", "A tenant's account confirmation link was sent again"
)
EMAIL_SYNCED = declare(
    "account.email_synced", "At sign-in the account took the email address of the tenant record"
)
PASSWORD_RESET_REQUESTED = declare(
    "account.password_reset_requested", "A link to choose a new password was sent"
)
PASSWORD_RESET_DONE = declare(
    "account.password_reset_done", "A new password was chosen with a reset link"
)
PASSWORD_CHANGED = declare("account.password_changed", "A tenant changed their password")
EMAIL_CHANGE_REQUESTED = declare(
    "account.email_change_requested", "A tenant asked to change their email address"
)
EMAIL_CHANGED = declare(
    "account.email_changed", "A tenant confirmed a new email address with the link"
)
