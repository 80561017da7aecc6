from meldpunt.common.events import declare

USER_CREATED = declare("user.created", "A user account was created")
USER_UPDATED = declare("user.updated", "A user account was changed")
ACCOUNT_LOCKED = declare("account.locked", "Too many wrong passwords locked an account")
ACCOUNT_UNLOCKED = declare("account.unlocked", "An administrator unlocked an account")
STAFF_LOGIN_REFUSED = declare(
    "staff_login.refused", "A staff sign-in came from outside the role's address ranges"
)
STAFF_SESSION_ENDED = declare(
    "staff_session.ended", "A staff session was ended: its address left the role's ranges"
)
STAFF_IP_RANGE_ADDED = declare("staff_ip_range.added", "A staff address range was added")
STAFF_IP_RANGE_REMOVED = declare("staff_ip_range.removed", "A staff address range was removed")
