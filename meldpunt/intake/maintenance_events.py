"""Event codes of a tenant's own repair requests in the portal (SPEC REP-13, REP-14).

Imported by ``meldpunt.intake.repair_request_services`` (so they are declared
before any audit row is written). The incident's side of a withdrawal uses the
incidents' own codes (``incident.phase_changed``, ``work_order.cancelled``), so
the incident timeline shows it like any other close.
"""

from meldpunt.common.events import declare

REPAIR_REQUEST_CHANGED = declare(
    "repair_request.changed", "A tenant changed their repair request in the portal"
)
REPAIR_REQUEST_PHOTO_REMOVED = declare(
    "repair_request.photo_removed", "A tenant removed a photo from their repair request"
)
REPAIR_REQUEST_WITHDRAWN = declare(
    "repair_request.withdrawn", "A tenant withdrew their repair request in the portal"
)
