"""Account management services: who may do what, audit rows, household status sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meldpunt.accounts import account_admin as services
from meldpunt.accounts import account_admin_events as events
from meldpunt.accounts.account_selectors import (
    AccountFilters,
    AccountRequestFilters,
    account_detail,
    account_get,
    account_request_search,
    account_search,
    household_account_panel,
)
from meldpunt.accounts.models import AccountRequest, StaffRole, User, ViewAsSession
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import AccountStatus, Household
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def tenant_account(*, verified: bool = True, **kwargs: object) -> User:
    household = kwargs.pop("household", None) or HouseholdFactory()
    user = UserFactory(role="", household=household, **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def lock(user: User, failures: int = 5) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=user.username.lower(),
        ip_address="198.51.100.9",
        user_agent="test",
        failures_since_start=failures,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )


@pytest.fixture
def admin(organization) -> Actor:
    return Actor.staff(UserFactory(role=StaffRole.ADMIN))


@pytest.fixture
def agent(organization) -> Actor:
    return Actor.staff(UserFactory(role=StaffRole.AGENT))


def verbs(obj_id: object) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(obj_id))
        .order_by("id")
        .values_list("verb", flat=True)
    )


# ---------------------------------------------------------------- scope


def test_agents_see_tenant_accounts_only_and_staff_accounts_are_not_found(agent, admin):
    tenant = tenant_account()
    staff = UserFactory(role=StaffRole.USER)
    page = account_search(actor=agent, filters=AccountFilters())
    assert tenant in page.items
    assert staff not in page.items
    from django.http import Http404

    with pytest.raises(Http404):
        account_get(actor=agent, pk=staff.pk)
    assert account_get(actor=admin, pk=staff.pk) == staff


def test_a_staff_user_without_agent_role_sees_nothing():
    from django.http import Http404

    user = Actor.staff(UserFactory(role=StaffRole.USER))
    with pytest.raises(Http404):
        account_search(actor=user, filters=AccountFilters())


def test_search_by_tenant_number_email_and_username(admin):
    tenant = tenant_account(username="fam.pietersen", email="p@example.net")
    other = tenant_account()
    number = tenant.household.tenant_number
    for q in (number, number.lower(), "p@example", "pieters"):
        items = account_search(actor=admin, filters=AccountFilters(q=q)).items
        assert items == [tenant], q
    assert other not in account_search(actor=admin, filters=AccountFilters(q=number)).items


def test_filters_not_confirmed_auto_blocked_manually_blocked_staff_and_tenant(admin):
    confirmed = tenant_account()
    unconfirmed = tenant_account(verified=False)
    locked = tenant_account()
    lock(locked)
    almost = tenant_account()
    lock(almost, failures=4)
    blocked = tenant_account(blocked_at=timezone.now(), block_reason="fraude")
    staff = admin.user

    def found(**filters: str) -> set[User]:
        return set(account_search(actor=admin, filters=AccountFilters(**filters)).items)

    assert unconfirmed in found(state="unconfirmed")
    assert confirmed not in found(state="unconfirmed")
    assert found(state="auto_blocked") == {locked}
    assert found(state="blocked") == {blocked}
    assert staff in found(kind="staff") and confirmed not in found(kind="staff")
    assert staff not in found(kind="tenant") and confirmed in found(kind="tenant")


def test_an_old_lock_no_longer_counts(admin):
    locked = tenant_account()
    attempt = lock(locked)
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )
    detail = account_detail(actor=admin, pk=locked.pk)
    assert not detail.auto_blocked
    assert detail.failures == 0


def test_account_detail_shows_lock_failures_and_confirmation(admin):
    user = tenant_account()
    lock(user, failures=5)
    confirmed_at = timezone.now() - timedelta(days=2)
    AccountRequest.objects.create(
        household=user.household,
        user=user,
        tenant_number=user.household.tenant_number,
        tenant_number_at=confirmed_at,
        confirmed_at=confirmed_at,
    )
    detail = account_detail(actor=admin, pk=user.pk)
    assert detail.auto_blocked and detail.failures == 5
    assert detail.unlocks_at is not None
    assert detail.email_verified
    assert detail.confirmed_at == confirmed_at
    assert detail.latest_request is not None


# ---------------------------------------------------------------- block, unblock, activate


def test_block_needs_a_reason(agent):
    user = tenant_account()
    with pytest.raises(ValidationError) as error:
        services.account_block(actor=agent, user=user, reason="   ")
    assert "reason" in error.value.message_dict
    user.refresh_from_db()
    assert user.blocked_at is None


def test_block_and_unblock_are_audited_and_the_reason_is_cleared(agent):
    user = tenant_account()
    services.account_block(actor=agent, user=user, reason="Misbruik gemeld")
    user.refresh_from_db()
    assert user.is_blocked and user.block_reason == "Misbruik gemeld"
    services.account_unblock(actor=agent, user=user)
    user.refresh_from_db()
    assert not user.is_blocked and user.block_reason == ""
    assert verbs(user.pk) == [events.ACCOUNT_BLOCKED, events.ACCOUNT_UNBLOCKED]


def test_an_agent_may_not_block_a_staff_account_and_nobody_blocks_themselves(agent, admin):
    staff = UserFactory(role=StaffRole.USER)
    with pytest.raises(PermissionDenied):
        services.account_block(actor=agent, user=staff, reason="x")
    with pytest.raises(ValidationError):
        services.account_block(actor=admin, user=admin.user, reason="x")
    services.account_block(actor=admin, user=staff, reason="vertrokken")
    staff.refresh_from_db()
    assert staff.is_blocked


def test_activate_clears_the_axes_lock(agent):
    user = tenant_account()
    lock(user)
    assert services.account_activate(actor=agent, user=user) == 1
    assert not AccessAttempt.objects.filter(username=user.username.lower()).exists()
    event = AuditEvent.objects.get(verb=events.ACCOUNT_ACTIVATED)
    assert event.changes["failures"] == {"old": 5, "new": 0}


def test_a_blocked_users_session_ends(rf):
    from django.contrib.sessions.backends.db import SessionStore

    user = tenant_account(blocked_at=timezone.now(), block_reason="x")
    request = rf.get("/")
    request.user = user
    request.session = SessionStore()
    assert services.blocked_session_end(request)
    assert not request.user.is_authenticated
    fine = tenant_account()
    request.user = fine
    assert not services.blocked_session_end(request)


# ---------------------------------------------------------------- delete and status sync


def test_deleting_a_tenant_account_syncs_the_household_status(agent):
    user = tenant_account()
    household, pk = user.household, user.pk
    Household.objects.filter(pk=household.pk).update(account_status=AccountStatus.CONFIRMED)
    services.account_delete(actor=agent, user=user)
    household.refresh_from_db()
    assert household.account_status == AccountStatus.NONE
    assert not User.objects.filter(pk=pk).exists()
    assert verbs(pk) == [events.ACCOUNT_DELETED]


def test_a_staff_account_with_view_as_history_cannot_be_deleted(admin):
    other_agent = UserFactory(role=StaffRole.AGENT)
    ViewAsSession.objects.create(
        agent=other_agent, household=HouseholdFactory(), expires_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.account_delete(actor=admin, user=other_agent)
    assert User.objects.filter(pk=other_agent.pk).exists()
    assert not AuditEvent.objects.filter(verb=events.ACCOUNT_DELETED).exists()


def test_nobody_deletes_their_own_account(admin):
    with pytest.raises(ValidationError):
        services.account_delete(actor=admin, user=admin.user)


def test_resync_all_reports_the_number_of_households_changed(admin, agent):
    user = tenant_account()
    stale = HouseholdFactory(account_status=AccountStatus.CONFIRMED)
    assert services.account_statuses_resync(actor=admin) == 2
    user.household.refresh_from_db()
    stale.refresh_from_db()
    assert user.household.account_status == AccountStatus.CONFIRMED
    assert stale.account_status == AccountStatus.NONE
    assert AuditEvent.objects.filter(verb=events.ACCOUNT_STATUSES_RESYNCED).count() == 1
    with pytest.raises(PermissionDenied):
        services.account_statuses_resync(actor=agent)


# ---------------------------------------------------------------- edit and email change


def test_editing_the_email_only_sends_a_link_and_changes_nothing_yet(admin):
    user = tenant_account(email="oud@example.net")
    household_email = user.household.email
    result = services.account_edit(
        actor=admin, user=user, username=user.username, email="nieuw@example.net"
    )
    user.refresh_from_db()
    assert user.email == "oud@example.net"
    assert result.email_confirmation is not None
    message = OutboxMessage.objects.get(pk=result.email_confirmation.pk)
    assert message.recipient == "nieuw@example.net"
    assert message.template == "tenant.email_change_confirm"
    assert "/backoffice/accounts/email/" in message.context["link"]
    user.household.refresh_from_db()
    assert user.household.email == household_email


def test_the_link_changes_the_login_email_once_and_leaves_the_household(admin):
    user = tenant_account(email="oud@example.net")
    household_email = user.household.email
    token = services.email_change_token(user=user, new_email="nieuw@example.net")
    changed = services.account_email_change_confirm(token=token)
    assert changed is not None
    user.refresh_from_db()
    assert user.email == "nieuw@example.net"
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    assert addresses == [("nieuw@example.net", True)]
    user.household.refresh_from_db()
    assert user.household.email == household_email
    assert services.account_email_change_confirm(token=token) is None  # used
    assert AuditEvent.objects.filter(verb=events.ACCOUNT_EMAIL_CHANGED).count() == 1


def test_an_email_change_link_expires(admin):
    user = tenant_account()
    token = services.email_change_token(user=user, new_email="later@example.net")
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert services.email_change_check(token=token) is None
    assert services.email_change_check(token=token + "x") is None


def test_edit_refuses_a_taken_username_or_email_and_agents_cannot_set_roles(admin, agent):
    user = tenant_account()
    other = tenant_account(email="bezet@example.net")
    with pytest.raises(ValidationError) as error:
        services.account_edit(
            actor=agent, user=user, username=other.username.upper(), email="bezet@example.net"
        )
    assert set(error.value.message_dict) == {"username", "email"}
    staff = UserFactory(role=StaffRole.USER)
    with pytest.raises(PermissionDenied):
        services.account_edit(actor=agent, user=staff, username="x", email="")
    with pytest.raises(ValidationError):
        services.account_edit(
            actor=admin, user=user, username=user.username, email="", role=StaffRole.ADMIN
        )
    services.account_edit(
        actor=admin, user=staff, username="hernoemd", email=staff.email, role=StaffRole.AGENT
    )
    staff.refresh_from_db()
    assert (staff.username, staff.role) == ("hernoemd", StaffRole.AGENT)


# ---------------------------------------------------------------- new staff account


def test_a_new_staff_account_gets_a_set_password_link(admin, agent):
    user = services.staff_account_create(
        actor=admin, username="nieuw.collega", email="collega@example.org", role=StaffRole.AGENT
    )
    assert user.role == StaffRole.AGENT and not user.has_usable_password()
    message = OutboxMessage.objects.get(recipient="collega@example.org")
    assert "/accounts/password/reset/key/" in message.context["link"]
    with pytest.raises(ValidationError):
        services.staff_account_create(
            actor=admin, username="NIEUW.collega", email="x@example.org", role=StaffRole.USER
        )
    with pytest.raises(PermissionDenied):
        services.staff_account_create(
            actor=agent, username="x", email="y@example.org", role=StaffRole.USER
        )


# ---------------------------------------------------------------- account requests


def _request(**kwargs: object) -> AccountRequest:
    kwargs.setdefault("tenant_number_at", timezone.now())
    return AccountRequest.objects.create(**kwargs)


def test_requests_filter_on_the_first_missing_step_and_search(agent):
    now = timezone.now()
    household = HouseholdFactory()
    entered = _request(tenant_number="H1")
    identified = _request(
        tenant_number=household.tenant_number, household=household, identified_at=now
    )
    filled = _request(tenant_number="H3", identified_at=now, details_at=now, username="jansen3")
    sent = _request(
        tenant_number="H4", identified_at=now, details_at=now, email_sent_at=now, email="h4@x.nl"
    )

    def found(**filters: str) -> list[AccountRequest]:
        return account_request_search(actor=agent, filters=AccountRequestFilters(**filters)).items

    assert found(missing="identified") == [entered]
    assert found(missing="details") == [identified]
    assert found(missing="email_sent") == [filled]
    assert found(missing="confirmed") == [sent]
    assert found(q=household.tenant_number) == [identified]
    assert found(q="jansen") == [filled]
    assert found(q="h4@x") == [sent]


def test_deleting_a_request_is_audited(agent):
    request = _request(tenant_number="H9")
    services.account_request_delete(actor=agent, account_request=request)
    assert not AccountRequest.objects.filter(pk=request.pk).exists()
    assert AuditEvent.objects.filter(verb=events.ACCOUNT_REQUEST_DELETED).count() == 1


def test_resend_needs_an_account_with_an_unconfirmed_address(agent):
    nothing = _request(tenant_number="H10")
    with pytest.raises(ValidationError):
        services.account_request_resend(actor=agent, account_request=nothing)
    user = tenant_account(verified=False)
    request = _request(
        tenant_number=user.household.tenant_number, household=user.household, user=user
    )
    message = services.account_request_resend(actor=agent, account_request=request)
    assert message.recipient == user.email
    request.refresh_from_db()
    assert request.email_sent_at is not None


# ---------------------------------------------------------------- the household panel


def test_the_household_panel_needs_at_most_three_queries(django_assert_max_num_queries):
    user = tenant_account(verified=False)
    _request(tenant_number=user.household.tenant_number, household=user.household, user=user)
    with django_assert_max_num_queries(3):
        panel = household_account_panel(household=user.household)
    assert panel.has_account and not panel.confirmed
    assert panel.first_missing == "identified"
    empty = household_account_panel(household=HouseholdFactory())
    assert not empty.has_account and empty.latest_request is None
