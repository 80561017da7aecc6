from meldpunt.common.events import declare

INCIDENT_CREATED = declare("incident.created", "An incident was created")
INCIDENT_CHANGED = declare("incident.changed", "An incident's details were changed")
INCIDENT_PHASE_CHANGED = declare("incident.phase_changed", "An incident moved to another phase")
INCIDENT_HANDLER_CHANGED = declare("incident.handler_changed", "An incident got another handler")
INCIDENT_RESPONSIBLE_CHANGED = declare(
    "incident.responsible_changed", "An incident got another responsible person"
)
MESSAGE_POSTED = declare("incident.message_posted", "A message was added to an incident")
NOTE_ADDED = declare("incident.note_added", "A note was added to an incident")
REPLY_RECEIVED = declare("incident.reply_received", "The tenant replied on an incident")
TASK_ADDED = declare("incident.task_added", "A task was added to an incident")
TASK_DONE = declare("incident.task_done", "A task on an incident was done")
TASK_REOPENED = declare("incident.task_reopened", "A task on an incident was reopened")
ATTACHMENT_ADDED = declare("incident.attachment_added", "A file was added to an incident")
CATEGORY_SAVED = declare("category.saved", "An incident category was created or changed")
CATEGORY_DELETED = declare("category.deleted", "An incident category was removed")
PHASE_SAVED = declare("phase.saved", "An incident phase was created or changed")
PHASE_DELETED = declare("phase.deleted", "An incident phase was removed")
INBOX_REPORT_RECEIVED = declare("inbox_report.received", "A report arrived in the inbox")
INBOX_REPORT_CONVERTED = declare(
    "inbox_report.converted", "A report in the inbox was turned into an incident"
)
INBOX_REPORT_DELETED = declare("inbox_report.deleted", "A report in the inbox was deleted")
INBOX_REPORT_MERGED = declare(
    "inbox_report.merged", "A report in the inbox was merged into its duplicate"
)
INBOX_REPORTS_BULK_CONVERTED = declare(
    "inbox_report.bulk_converted", "Several reports in the inbox were turned into incidents"
)
SAVED_VIEW_CREATED = declare("saved_view.created", "A staff user saved an incident-list view")
SAVED_VIEW_DELETED = declare("saved_view.deleted", "A staff user removed a saved list view")
SUB_INCIDENT_CREATED = declare("sub_incident.created", "A sub-incident or work order was created")
SUB_INCIDENT_CHANGED = declare("sub_incident.changed", "A sub-incident's details were changed")
SUB_INCIDENT_PHASE_CHANGED = declare(
    "sub_incident.phase_changed", "A sub-incident moved to another phase"
)
SUB_INCIDENT_MESSAGE_POSTED = declare(
    "sub_incident.message_posted", "A message was added to a sub-incident"
)
SUB_INCIDENT_REPLY_RECEIVED = declare(
    "sub_incident.reply_received", "A supplier or owner wrote on a sub-incident"
)
SUB_INCIDENT_ATTACHMENT_ADDED = declare(
    "sub_incident.attachment_added", "A file was added to a sub-incident"
)
SUB_INCIDENT_LINK_REVOKED = declare(
    "sub_incident.link_revoked", "The supplier's or owner's links to a sub-incident were revoked"
)
SUB_INCIDENT_LINK_REISSUED = declare(
    "sub_incident.link_reissued", "A new link to a sub-incident was sent"
)
WORK_ORDER_ACCEPTED = declare("work_order.accepted", "The supplier accepted a work order")
WORK_ORDER_REJECTED = declare("work_order.rejected", "The supplier rejected a work order")
WORK_ORDER_PLANNED = declare("work_order.planned", "The supplier confirmed or proposed a date")
WORK_ORDER_COMPLETED = declare("work_order.completed", "A work order was reported completed")
WORK_ORDER_CANCELLED = declare("work_order.cancelled", "A work order was cancelled")
WORK_ORDER_REMINDED = declare("work_order.reminded", "A supplier was reminded of a work order")
OWNER_PERMISSION_ANSWERED = declare(
    "owner.permission_answered", "An owner answered a permission request"
)
