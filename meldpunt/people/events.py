from meldpunt.common.events import declare

CONTACT_CREATED = declare("contact.created", "A contact was created")
CONTACT_UPDATED = declare("contact.updated", "A contact was changed")
HOUSEHOLD_CREATED = declare("household.created", "A household was created")
HOUSEHOLD_UPDATED = declare("household.updated", "A household was changed")
PERSON_ADDED = declare("person.added", "A person was added to a household")
