from meldpunt.common.events import declare

INBOX_REPORT_REPLIED = declare(
    "inbox_report.replied", "The reporter added text or photos to a report through their link"
)

# The repair wizard's content, edited by administrators (ADM-CAT, REP-17).
REPAIR_TREE_IMPORTED = declare(
    "repair_tree.imported", "A question tree was loaded from a JSON or Excel file"
)
REPAIR_TREE_SAVED = declare(
    "repair_tree.saved", "A question tree was created or its names or unit types changed"
)
REPAIR_TREE_DEFAULT_SET = declare(
    "repair_tree.default_set", "A question tree became the default for units without their own"
)
TREE_NODE_SAVED = declare("tree_node.saved", "An option of a question tree was added or changed")
TREE_NODE_DELETED = declare(
    "tree_node.deleted", "An option of a question tree was removed with everything below it"
)
REPAIR_TEMPLATE_SAVED = declare("repair_template.saved", "A repair template was added or changed")
REPAIR_TEMPLATE_DELETED = declare("repair_template.deleted", "A repair template was removed")
REPAIR_TIP_SAVED = declare("repair_tip.saved", "A self-help tip was added or changed")
REPAIR_TIP_DELETED = declare("repair_tip.deleted", "A self-help tip was removed")
REPAIR_CAUSE_SAVED = declare("repair_cause.saved", "A cause of defects was added or changed")
REPAIR_CAUSE_DELETED = declare("repair_cause.deleted", "A cause of defects was removed")
ACTION_CODE_SAVED = declare("action_code.saved", "An action code was added or changed")
ACTION_CODE_DELETED = declare("action_code.deleted", "An action code was removed")
MAINTENANCE_FORM_SAVED = declare(
    "maintenance_form.saved", "A maintenance form was added or changed"
)
MAINTENANCE_FORM_DELETED = declare("maintenance_form.deleted", "A maintenance form was removed")
REPAIR_SETTINGS_UPDATED = declare(
    "repair_settings.updated", "The repair wizard's settings or texts were changed"
)

# A tenant's pass through the repair wizard (REP-1 … REP-11).
REPAIR_REQUEST_SUBMITTED = declare(
    "repair_request.submitted", "A tenant sent a repair request through the repair wizard"
)
REPAIR_REQUEST_ADDED = declare(
    "repair_request.added", "A repair wizard report was added to an open repair request"
)
REPAIR_REQUEST_RESOLVED = declare(
    "repair_request.resolved", "A tip in the repair wizard solved the tenant's problem"
)
REPAIR_REQUEST_PREFERENCE_GIVEN = declare(
    "repair_request.preference_given", "The tenant gave a preferred date for a repair"
)
REPAIR_WIZARD_STOPPED = declare(
    "repair_wizard.stopped", "The repair wizard ended with a message instead of a request"
)
