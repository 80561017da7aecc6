from meldpunt.common.events import declare

UNIT_CREATED = declare("unit.created", "A unit was created")
UNIT_UPDATED = declare("unit.updated", "A unit was changed")
