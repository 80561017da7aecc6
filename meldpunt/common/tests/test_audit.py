import pytest

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between
from meldpunt.common.events import declare, declared_events, is_declared
from meldpunt.common.models import AuditEvent
from meldpunt.common.request_context import reset_request_id, set_request_id
from tests.factories import OrganizationFactory, UserFactory


def test_changes_between_keeps_only_changed_fields_with_old_and_new_values():
    changes = changes_between({"name": "A", "city": "Utrecht"}, {"name": "B", "city": "Utrecht"})
    assert changes == {"name": {"old": "A", "new": "B"}}


def test_changes_between_redacts_secrets():
    changes = changes_between({"password": "old-secret"}, {"password": "new-secret"})
    assert changes == {"password": {"old": "[redacted]", "new": "[redacted]"}}


def test_event_codes_must_be_dotted_entity_and_past_tense_verb():
    with pytest.raises(ValueError):
        declare("IncidentCreated", "not dotted")
    with pytest.raises(ValueError):
        declare("incident.created.twice", "too many dots")
    assert is_declared("organization.updated")
    assert "user.created" in declared_events()


@pytest.mark.django_db
def test_audit_record_refuses_an_undeclared_event_code():
    organization = OrganizationFactory()
    with pytest.raises(ValueError, match="undeclared"):
        audit_record(actor=Actor.system(), verb="organization.exploded", obj=organization)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_audit_record_stores_actor_object_changes_and_request_id():
    user = UserFactory(role="admin")
    organization = OrganizationFactory()
    token = set_request_id("req-12345678")
    try:
        event = audit_record(
            actor=Actor.staff(user),
            verb="organization.updated",
            obj=organization,
            changes={"name": {"old": "A", "new": "B"}},
        )
    finally:
        reset_request_id(token)
    event.refresh_from_db()
    assert event.actor_kind == "staff"
    assert event.actor_user == user
    assert event.actor_label == user.username
    assert event.object_type == "organization.organization"
    assert event.object_id == str(organization.pk)
    assert event.changes == {"name": {"old": "A", "new": "B"}}
    assert event.request_id == "req-12345678"


def test_actor_roles():
    admin = UserFactory.build(role="admin")
    agent = UserFactory.build(role="agent")
    assert Actor.staff(admin).is_admin
    assert Actor.staff(agent).is_staff and not Actor.staff(agent).is_admin
    assert not Actor.system().is_staff
    assert Actor.system().role == ""
