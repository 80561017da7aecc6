from meldpunt.common.events import declare

CONTACT_CREATED = declare("contact.created", "A contact was created")
CONTACT_UPDATED = declare("contact.updated", "A contact was changed")
HOUSEHOLD_CREATED = declare("household.created", "A household was created")
HOUSEHOLD_UPDATED = declare("household.updated", "A household was changed")
PERSON_ADDED = declare("person.added", "A person was added to a household")
CONTACT_PORTAL_ACCESS_CHANGED = declare(
    "contact.portal_access_changed", "Portal access of a supplier or owner was switched on or off"
)
CONTACT_SIGN_IN_LINK_SENT = declare(
    "contact.sign_in_link_sent", "A supplier or owner was sent a link to sign in to the portal"
)
CONTACT_SIGNED_IN = declare("contact.signed_in", "A supplier or owner signed in to the portal")
