"""Who acts: one small type passed to every service and selector.

Services record it in the audit trail; selectors narrow their queries by it,
so whatever an actor may not see is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from meldpunt.common.models import AuditEvent

if TYPE_CHECKING:
    from meldpunt.accounts.models import User


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str
    user: User | None = None
    label: str = ""

    @classmethod
    def staff(cls, user: User) -> Actor:
        return cls(kind=AuditEvent.ActorKind.STAFF, user=user, label=user.get_username())

    @classmethod
    def tenant(cls, user: User) -> Actor:
        """A tenant acting through their own portal account."""
        return cls(kind=AuditEvent.ActorKind.TENANT, user=user, label=user.get_username())

    @classmethod
    def agent_as_tenant(cls, agent: User, *, tenant_number: str) -> Actor:
        """An agent acting in the portal as a household (SPEC ADM-KCC): the agent is
        the one recorded, with whom they acted for."""
        return cls(
            kind=AuditEvent.ActorKind.AGENT_AS_TENANT,
            user=agent,
            label=f"{agent.get_username()} → {tenant_number}",
        )

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind=AuditEvent.ActorKind.SYSTEM, label=label)

    @property
    def is_staff(self) -> bool:
        return self.kind == AuditEvent.ActorKind.STAFF and self.user is not None

    @property
    def is_agent_as_tenant(self) -> bool:
        return self.kind == AuditEvent.ActorKind.AGENT_AS_TENANT

    @property
    def role(self) -> str:
        return getattr(self.user, "role", "") if self.user is not None else ""

    @property
    def is_admin(self) -> bool:
        return self.is_staff and self.role == "admin"
