from meldpunt.common.events import declare

USER_CREATED = declare("user.created", "A user account was created")
USER_UPDATED = declare("user.updated", "A user account was changed")
