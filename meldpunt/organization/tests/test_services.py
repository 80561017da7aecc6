import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.organization.models import FeatureToggle, Organization
from meldpunt.organization.selectors import features_effective, organization_current
from meldpunt.organization.services import feature_set, organization_ensure, organization_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_ensure_creates_the_organization_once_with_every_feature_toggle():
    first = organization_ensure(actor=Actor.system(), name="Woonstichting A", country="NL")
    second = organization_ensure(actor=Actor.system(), name="Other name")
    assert first.pk == second.pk
    assert second.name == "Woonstichting A"
    assert FeatureToggle.objects.filter(organization=first).count() == 20
    assert AuditEvent.objects.filter(verb="organization.updated").count() == 1


def test_a_second_organization_row_cannot_exist():
    Organization.objects.create(name="One")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Two")


def test_update_records_old_and_new_values_for_the_acting_user():
    admin = UserFactory(role="admin")
    organization = organization_ensure(actor=Actor.system(), name="Woonstichting A")
    organization_update(
        actor=Actor.staff(admin),
        organization=organization,
        name="Woonstichting B",
        urgent_phone="+31800999999",
    )
    event = AuditEvent.objects.filter(actor_user=admin).get()
    assert event.changes["name"] == {"old": "Woonstichting A", "new": "Woonstichting B"}
    assert event.changes["urgent_phone"]["new"] == "+31800999999"


def test_update_rejects_bad_colours_and_keeps_the_old_theme():
    organization = organization_ensure(actor=Actor.system(), name="Woonstichting A")
    with pytest.raises(ValidationError):
        organization_update(
            actor=Actor.system(), organization=organization, colours={"menu-bg": "blue"}
        )
    organization.refresh_from_db()
    assert organization.colours == {}


def test_update_refuses_fields_that_are_not_settings():
    organization = organization_ensure(actor=Actor.system(), name="Woonstichting A")
    with pytest.raises(ValueError):
        organization_update(actor=Actor.system(), organization=organization, singleton=False)


def test_feature_set_switches_a_feature_and_its_children_follow():
    organization = organization_ensure(actor=Actor.system(), name="Woonstichting A")
    feature_set(actor=Actor.system(), organization=organization, key="balance", enabled=False)
    effective = features_effective(organization=organization)
    assert effective["balance"] is False and effective["online_payment"] is False
    with pytest.raises(ValidationError):
        feature_set(actor=Actor.system(), organization=organization, key="nope", enabled=True)


def test_before_configuration_the_current_organization_is_an_unsaved_default():
    organization = organization_current()
    assert organization.pk is None
    assert organization.name == "Meldpunt"
    assert all(features_effective(organization=organization).values())


def test_theme_css_is_public_and_cacheable_only_for_the_current_version(client):
    organization = organization_ensure(actor=Actor.system(), name="Woonstichting A")
    response = client.get("/theme.css", {"v": organization.theme_version})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    stale = client.get("/theme.css", {"v": "old"})
    assert "no-cache" in stale["Cache-Control"]
