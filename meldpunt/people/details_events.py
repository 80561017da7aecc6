"""Events of the tenant's own details changed in the portal (SPEC POR-3..5, C-2, A-12).

Kept apart from ``people/events.py`` so the portal's writes declare their own
codes; ``household_services`` imports this module before recording any.
"""

from meldpunt.common.events import declare

HOUSEHOLD_PHONE_CHANGED = declare(
    "household.phone_changed", "A household's phone number was changed in the portal"
)
HOUSEHOLD_ADDRESS_CHANGED = declare(
    "household.address_changed", "A household's correspondence address was changed in the portal"
)
PERSON_ADDED_IN_PORTAL = declare(
    "person.added_in_portal", "A person was added to a household in the portal"
)
PERSON_CHANGED = declare("person.changed", "A person of a household was changed")
PERSON_REMOVED = declare("person.removed", "A person was removed from a household")
