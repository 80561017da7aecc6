from meldpunt.common.events import declare

ORGANIZATION_UPDATED = declare("organization.updated", "Organization settings changed")
FEATURE_TOGGLED = declare("feature.toggled", "A portal feature was switched on or off")
CLOSED_DAY_ADDED = declare("closed_day.added", "A closed day was added")
