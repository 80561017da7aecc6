import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meldpunt.common.actors import Actor
from meldpunt.notifications.services import staff_channels, staff_preference_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_defaults_send_handled_incidents_and_work_orders_by_email_only():
    user = UserFactory(phone="+31612345678")
    assert staff_channels(user=user, topic="new_incident") == []
    assert staff_channels(user=user, topic="handled_incident") == ["email"]
    assert staff_channels(user=user, topic="work_order") == ["email"]


def test_a_staff_user_chooses_whatsapp_for_new_incidents():
    user = UserFactory(phone="+31612345678")
    staff_preference_set(
        actor=Actor.staff(user), user=user, topic="new_incident", by_email=True, by_whatsapp=True
    )
    assert staff_channels(user=user, topic="new_incident") == ["email", "whatsapp"]


def test_whatsapp_needs_a_mobile_number():
    user = UserFactory(phone="")
    with pytest.raises(ValidationError):
        staff_preference_set(
            actor=Actor.staff(user),
            user=user,
            topic="work_order",
            by_email=False,
            by_whatsapp=True,
        )


def test_only_admins_change_someone_elses_preferences():
    user = UserFactory()
    colleague = UserFactory(role="user")
    admin = UserFactory(role="admin")
    with pytest.raises(PermissionDenied):
        staff_preference_set(
            actor=Actor.staff(colleague),
            user=user,
            topic="work_order",
            by_email=False,
            by_whatsapp=False,
        )
    staff_preference_set(
        actor=Actor.staff(admin),
        user=user,
        topic="work_order",
        by_email=False,
        by_whatsapp=False,
    )
    assert staff_channels(user=user, topic="work_order") == []


def test_staff_channels_reads_prefetched_preferences_without_queries(django_assert_num_queries):
    from meldpunt.accounts.models import User

    UserFactory()
    user = User.objects.prefetch_related("notification_preferences").get()
    with django_assert_num_queries(0):
        staff_channels(user=user, topic="work_order")
