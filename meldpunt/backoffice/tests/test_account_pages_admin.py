"""Account management pages (SPEC ADM-ACC, ADM-REQ, ADM-SYNC, A-8, A-9, A-10)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts import account_admin as services
from meldpunt.accounts.models import AccountRequest, StaffRole, User
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import AccountStatus, Household
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def tenant_account(*, verified: bool = True, **kwargs: object) -> User:
    user = UserFactory(role="", household=HouseholdFactory(), **kwargs)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def signed_in(role: str) -> tuple[Client, User]:
    user = UserFactory(role=role)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client, user


@pytest.fixture
def agent(organization) -> Client:
    return signed_in(StaffRole.AGENT)[0]


@pytest.fixture
def admin(organization) -> Client:
    return signed_in(StaffRole.ADMIN)[0]


def detail_url(user: User) -> str:
    return reverse("backoffice:account_detail", kwargs={"pk": user.pk})


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------- who gets in


@pytest.mark.parametrize("name", ["backoffice:account_list", "backoffice:account_request_list"])
def test_staff_users_and_tenants_get_403_agents_and_admins_200(organization, name):
    for role, status in [(StaffRole.USER, 403), ("", 403), (StaffRole.AGENT, 200), ("admin", 200)]:
        client, _user = signed_in(role)
        assert client.get(reverse(name)).status_code == status, role


def test_agents_see_tenant_accounts_and_never_staff_accounts(agent):
    tenant = tenant_account()
    staff = UserFactory(role=StaffRole.ADMIN, username="de.baas")
    response = agent.get(reverse("backoffice:account_list"))
    content = response.content.decode()
    assert tenant.username in content
    assert "de.baas" not in content
    assert agent.get(detail_url(staff)).status_code == 404
    assert (
        agent.post(
            reverse("backoffice:account_block", kwargs={"pk": staff.pk}), {"reason": "x"}
        ).status_code
        == 404
    )
    assert (
        agent.post(reverse("backoffice:account_delete", kwargs={"pk": staff.pk})).status_code == 404
    )
    assert agent.get(reverse("backoffice:account_edit", kwargs={"pk": staff.pk})).status_code == 404
    staff.refresh_from_db()
    assert not staff.is_blocked


def test_an_unknown_account_is_404(admin):
    assert admin.get(reverse("backoffice:account_detail", kwargs={"pk": 987654})).status_code == 404


def test_the_list_costs_the_same_queries_for_3_or_30_accounts(admin, django_assert_num_queries):
    for _ in range(3):
        tenant_account()
    admin.get(reverse("backoffice:account_list"))  # warm caches (organization, session)
    with CaptureQueriesContext(connection) as few:
        admin.get(reverse("backoffice:account_list"))
    for _ in range(27):
        tenant_account()
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin.get(reverse("backoffice:account_list"))
    assert response.status_code == 200


def test_search_and_filters_from_the_query_string(agent):
    locked = tenant_account(username="op.slot")
    AccessAttempt.objects.create(
        username="op.slot",
        ip_address="198.51.100.9",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    free = tenant_account(username="vrij.man")
    content = agent.get(
        reverse("backoffice:account_list"), {"state": "auto_blocked"}
    ).content.decode()
    assert "op.slot" in content and "vrij.man" not in content
    number = free.household.tenant_number
    content = agent.get(reverse("backoffice:account_list"), {"q": number}).content.decode()
    assert "vrij.man" in content and "op.slot" not in content
    # A bad filter value is dropped, not an error.
    assert agent.get(reverse("backoffice:account_list"), {"state": "nonsense"}).status_code == 200
    assert locked


def test_the_detail_page_shows_the_account_facts(agent):
    user = tenant_account(blocked_at=timezone.now(), block_reason="Dubbel account")
    response = agent.get(detail_url(user))
    content = response.content.decode()
    assert response.status_code == 200
    assert user.household.tenant_number in content
    assert "Dubbel account" in content
    assert 'data-testid="unblock"' in content
    assert 'data-testid="view-as-start"' in content


# ---------------------------------------------------------------- actions


def test_block_without_a_reason_keeps_the_page_with_a_message(agent):
    user = tenant_account()
    response = agent.post(
        reverse("backoffice:account_block", kwargs={"pk": user.pk}), {"reason": ""}
    )
    assert response.status_code == 422
    assert b"Say why the account is blocked." in response.content
    user.refresh_from_db()
    assert not user.is_blocked


def test_block_then_unblock(agent):
    user = tenant_account()
    response = agent.post(
        reverse("backoffice:account_block", kwargs={"pk": user.pk}), {"reason": "Misbruik"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_blocked and user.block_reason == "Misbruik"
    agent.post(reverse("backoffice:account_unblock", kwargs={"pk": user.pk}))
    user.refresh_from_db()
    assert not user.is_blocked and user.block_reason == ""


def test_a_blocked_tenant_is_not_served_the_portal(organization):
    user = tenant_account()
    client = Client()
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 200
    services.account_block(
        actor=services.Actor.staff(UserFactory(role=StaffRole.ADMIN)), user=user, reason="x"
    )
    assert client.get(reverse("portal:home")).status_code == 302


def test_activate_clears_the_lock(agent):
    user = tenant_account()
    AccessAttempt.objects.create(
        username=user.username.lower(),
        ip_address="198.51.100.9",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    assert b'data-testid="activate"' in agent.get(detail_url(user)).content
    response = agent.post(reverse("backoffice:account_activate", kwargs={"pk": user.pk}))
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


def test_delete_a_tenant_account_syncs_the_household(agent):
    user = tenant_account()
    household = user.household
    Household.objects.filter(pk=household.pk).update(account_status=AccountStatus.CONFIRMED)
    response = agent.post(reverse("backoffice:account_delete", kwargs={"pk": user.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:account_list")
    household.refresh_from_db()
    assert household.account_status == AccountStatus.NONE


def test_an_admin_cannot_delete_or_block_themselves(organization):
    client, me = signed_in(StaffRole.ADMIN)
    response = client.post(reverse("backoffice:account_delete", kwargs={"pk": me.pk}))
    assert response.status_code == 302
    assert User.objects.filter(pk=me.pk).exists()
    response = client.post(
        reverse("backoffice:account_block", kwargs={"pk": me.pk}), {"reason": "x"}
    )
    assert response.status_code == 422
    me.refresh_from_db()
    assert not me.is_blocked


@pytest.mark.parametrize(
    "name",
    [
        "backoffice:account_block",
        "backoffice:account_unblock",
        "backoffice:account_activate",
        "backoffice:account_delete",
    ],
)
def test_writes_answer_405_to_get(agent, name):
    user = tenant_account()
    assert agent.get(reverse(name, kwargs={"pk": user.pk})).status_code == 405


def test_resync_all_says_how_many_households_changed(admin, agent):
    HouseholdFactory(account_status=AccountStatus.CONFIRMED)
    HouseholdFactory(account_status=AccountStatus.CREATED)
    response = admin.post(reverse("backoffice:account_status_resync"))
    assert response.status_code == 302
    assert "2 households updated." in messages_of(response)
    assert agent.post(reverse("backoffice:account_status_resync")).status_code == 403
    assert admin.get(reverse("backoffice:account_status_resync")).status_code == 405


# ---------------------------------------------------------------- new staff account, edit


def test_only_admins_make_staff_accounts(admin, agent):
    assert agent.get(reverse("backoffice:account_create")).status_code == 403
    assert admin.get(reverse("backoffice:account_create")).status_code == 200
    bad = admin.post(
        reverse("backoffice:account_create"),
        {"username": "nieuw", "email": "geen-adres", "role": StaffRole.AGENT, "first_name": "Anna"},
    )
    assert bad.status_code == 422
    assert b'value="Anna"' in bad.content  # what was typed stays
    good = admin.post(
        reverse("backoffice:account_create"),
        {"username": "nieuw", "email": "nieuw@example.org", "role": StaffRole.AGENT},
    )
    assert good.status_code == 302
    user = User.objects.get(username="nieuw")
    assert good["Location"] == detail_url(user)
    assert OutboxMessage.objects.filter(recipient="nieuw@example.org").exists()


def test_an_email_edit_asks_the_new_address_and_the_link_confirms_it(admin):
    user = tenant_account(email="oud@example.net")
    household_email = user.household.email
    response = admin.post(
        reverse("backoffice:account_edit", kwargs={"pk": user.pk}),
        {"username": user.username, "email": "nieuw@example.net"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "oud@example.net"
    link = OutboxMessage.objects.get(recipient="nieuw@example.net").context["link"]
    path = link[link.index("/backoffice/") :]
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    shown = anonymous.get(path)
    assert shown.status_code == 200
    assert shown["Referrer-Policy"] == "no-referrer"
    user.refresh_from_db()
    assert user.email == "oud@example.net"  # GET changes nothing
    done = anonymous.post(path)
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.email == "nieuw@example.net"
    user.household.refresh_from_db()
    assert user.household.email == household_email
    assert anonymous.post(path).status_code == 404  # used up


def test_a_bad_email_link_is_404(organization):
    url = reverse("backoffice:account_email_confirm", kwargs={"token": "nonsense"})
    assert Client().get(url).status_code == 404


def test_the_edit_form_keeps_bad_input(agent):
    user = tenant_account()
    other = tenant_account()
    response = agent.post(
        reverse("backoffice:account_edit", kwargs={"pk": user.pk}),
        {"username": other.username, "email": "ok@example.net"},
    )
    assert response.status_code == 422
    assert b"already taken" in response.content
    assert b'value="ok@example.net"' in response.content


# ---------------------------------------------------------------- account requests


def test_requests_list_search_delete_and_resend(agent):
    user = tenant_account(verified=False)
    now = timezone.now()
    request = AccountRequest.objects.create(
        household=user.household,
        user=user,
        tenant_number=user.household.tenant_number,
        tenant_number_at=now,
        identified_at=now,
        details_at=now,
        email_sent_at=now,
    )
    stray = AccountRequest.objects.create(tenant_number="X999", tenant_number_at=now)
    content = agent.get(
        reverse("backoffice:account_request_list"), {"q": user.household.tenant_number}
    ).content.decode()
    assert user.username in content and "X999" not in content
    content = agent.get(
        reverse("backoffice:account_request_list"), {"missing": "identified"}
    ).content.decode()
    assert "X999" in content and user.username not in content

    resend = agent.post(
        reverse("backoffice:account_request_resend", kwargs={"public_id": request.public_id})
    )
    assert resend.status_code == 302
    assert OutboxMessage.objects.filter(recipient=user.email).exists()
    nothing = agent.post(
        reverse("backoffice:account_request_resend", kwargs={"public_id": stray.public_id})
    )
    assert nothing.status_code == 302
    assert any("no account yet" in text for text in messages_of(nothing))

    agent.post(reverse("backoffice:account_request_delete", kwargs={"public_id": stray.public_id}))
    assert not AccountRequest.objects.filter(pk=stray.pk).exists()
    unknown = reverse("backoffice:account_request_delete", kwargs={"public_id": "doesNotExist1"})
    assert agent.post(unknown).status_code == 404


# ---------------------------------------------------------------- the household's panel


def _panel(household: Household, user: User) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "backoffice/households/_account_panel.html", {"household": household}, request=request
    )


def test_the_panel_says_when_there_is_no_account_and_how_far_the_request_got(organization):
    household = HouseholdFactory()
    AccountRequest.objects.create(
        household=household,
        tenant_number=household.tenant_number,
        tenant_number_at=timezone.now(),
        identified_at=timezone.now(),
    )
    html = _panel(household, UserFactory(role=StaffRole.AGENT))
    assert 'data-testid="no-account"' in html
    assert 'data-testid="request-steps"' in html
    assert 'data-testid="view-as-start"' in html


def test_the_panel_shows_the_account_and_hides_view_as_from_staff_users(organization):
    user = tenant_account(verified=False)
    AccountRequest.objects.create(
        household=user.household,
        user=user,
        tenant_number=user.household.tenant_number,
        tenant_number_at=timezone.now(),
    )
    html = _panel(user.household, UserFactory(role=StaffRole.USER))
    assert user.username in html
    assert detail_url(user) in html
    assert 'data-testid="resend-confirmation"' in html
    assert 'data-testid="view-as-start"' not in html


def test_the_new_staff_member_chooses_a_password_with_the_link(admin):
    admin.post(
        reverse("backoffice:account_create"),
        {"username": "nieuwe.agent", "email": "agent@example.org", "role": StaffRole.AGENT},
    )
    link = OutboxMessage.objects.get(recipient="agent@example.org").context["link"]
    path = link[link.index("/accounts/") :]
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    form_page = browser.get(path, follow=True)
    assert form_page.status_code == 200
    password = "een lang en sterk wachtwoord 42"
    done = browser.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": password, "password2": password},
    )
    assert done.status_code == 302
    user = User.objects.get(username="nieuwe.agent")
    assert user.check_password(password)
