"""Event codes of tenant account activation (SPEC ACC-1 … ACC-4, C-3, ADM-REQ)."""

from meldpunt.common.events import declare

ACTIVATION_CODE_GENERATED = declare(
    "activation_code.generated", "A new activation code was made for a household"
)
ACTIVATION_CODE_REVEALED = declare(
    "activation_code.revealed", "Staff looked at a household's activation code"
)
ACTIVATION_CODE_USED = declare(
    "activation_code.used", "A tenant used an activation code to make an account"
)
ACTIVATION_LETTER_PRINTED = declare(
    "activation_letter.printed", "Activation letters were made for a household"
)
ACCOUNT_REQUEST_IDENTIFIED = declare(
    "account_request.identified", "A tenant proved their tenant number with an activation code"
)
ACCOUNT_REQUEST_FAILED = declare(
    "account_request.failed", "A tenant number and activation code did not match"
)
TENANT_ACCOUNT_CREATED = declare(
    "tenant_account.created", "A tenant made a portal account with their activation code"
)
TENANT_ACCOUNT_CONFIRMATION_SENT = declare(
    "tenant_account.confirmation_sent", "A link to confirm a tenant's account was sent"
)
TENANT_ACCOUNT_CONFIRMED = declare(
    "tenant_account.confirmed", "A tenant confirmed their account's email address"
)
