# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""The staff task list of interactions (SPEC ACC-3, A-15): open tasks earliest due
first, "mine" or all, marking one done; permissions and query counts."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meldpunt.accounts.models import StaffRole
from meldpunt.backoffice.tests.test_household_pages import client_as  # noqa: F401  (fixture)
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.interactions.services import interaction_record
from meldpunt.people.models import Household
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

TASKS = reverse("backoffice:interaction_tasks")


def done_url(task: Interaction) -> str:
    return reverse("backoffice:interaction_task_done", args=[task.public_id])


def task_for(household: Household | None, *, kind: str = "code_requested", **values) -> Interaction:  # type: ignore[no-untyped-def]
    task = interaction_record(actor=Actor.system("portal"), household=household, kind=kind)
    if values:
        Interaction.objects.filter(pk=task.pk).update(**values)
        task.refresh_from_db()
    return task


def subjects(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [task.household.name if task.household else "—" for task in response.context["tasks"]]


@pytest.mark.parametrize("role", [StaffRole.USER, StaffRole.AGENT, StaffRole.ADMIN])
def test_open_tasks_are_listed_earliest_due_first(client_as, organization, role):
    late = task_for(HouseholdFactory(name="Fam. Laat"), task_due_on=date(2026, 12, 1))
    early = task_for(HouseholdFactory(name="Fam. Vroeg"), task_due_on=date(2026, 11, 1))
    done = task_for(HouseholdFactory(name="Fam. Klaar"))
    Interaction.objects.filter(pk=done.pk).update(task_open=False)
    interaction_record(  # not a task at all
        actor=Actor.system(), household=HouseholdFactory(name="Fam. Geen"), kind="repair_request"
    )
    response = client_as(role).get(TASKS)
    assert response.status_code == 200
    assert subjects(response) == ["Fam. Vroeg", "Fam. Laat"]
    html = response.content.decode()
    assert reverse("backoffice:household_detail", args=[early.household.public_id]) in html
    assert done_url(late) in html


def test_a_task_without_a_known_household_is_listed_too(client_as, organization):
    task_for(None)
    with translation.override("en"):
        html = client_as(StaffRole.USER).get(TASKS).content.decode()
    assert "Unknown tenant number" in html


@time_machine.travel("2026-11-23 10:00 +01:00", tick=False)
def test_an_overdue_task_is_flagged(client_as, organization):
    task_for(HouseholdFactory(), task_due_on=date(2026, 11, 20))
    with translation.override("en"):
        html = client_as(StaffRole.USER).get(TASKS).content.decode()
    assert "overdue" in html


def test_mine_shows_only_the_tasks_assigned_to_me(client_as, make_staff, organization):
    me = make_staff(role=StaffRole.AGENT)
    colleague = UserFactory(role=StaffRole.AGENT)
    task_for(HouseholdFactory(name="Fam. Mijn"), task_assignee=me)
    task_for(HouseholdFactory(name="Fam. Ander"), task_assignee=colleague)
    task_for(HouseholdFactory(name="Fam. Iedereen"))
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(me)
    assert set(subjects(client.get(TASKS, {"show": "mine"}))) == {"Fam. Mijn"}
    assert set(subjects(client.get(TASKS))) == {"Fam. Mijn", "Fam. Ander", "Fam. Iedereen"}
    assert set(subjects(client.get(TASKS, {"show": "bogus"}))) == {
        "Fam. Mijn",
        "Fam. Ander",
        "Fam. Iedereen",
    }
    Interaction.objects.filter(task_assignee=me).update(task_open=False)
    with translation.override("en"):
        response = client.get(TASKS, {"show": "mine"})
    assert "You have no open tasks." in response.content.decode()


def test_a_user_without_a_staff_role_gets_403(client_as, organization):
    assert client_as("").get(TASKS).status_code == 403


def test_the_task_list_query_count_does_not_grow_with_rows(
    client_as, organization, django_assert_num_queries
):
    assignee = UserFactory(role=StaffRole.AGENT)
    client = client_as(StaffRole.AGENT)
    task_for(HouseholdFactory(), task_assignee=assignee)
    client.get(TASKS)  # warm up
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(TASKS).context["tasks"]) == 1
    for _number in range(19):
        task_for(HouseholdFactory(), task_assignee=UserFactory())
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(TASKS)
    assert len(response.context["tasks"]) == 20


def test_a_long_backlog_pages_in_due_order(client_as, organization, monkeypatch):
    from meldpunt.backoffice import task_views

    monkeypatch.setattr(task_views, "TASKS_SHOWN", 2)
    for day in (3, 1, 4, 1, 5):  # two on one day: the id decides between them
        task_for(HouseholdFactory(), task_due_on=date(2026, 12, day))
    client = client_as(StaffRole.USER)
    seen: list[int] = []
    url = TASKS
    for _page in range(3):
        response = client.get(url)
        page = response.context["page"]
        seen += [task.pk for task in page.items]
        if page.next_cursor is None:
            break
        assert 'rel="next"' in response.content.decode()
        url = f"{TASKS}?cursor={page.next_cursor}"
    expected = Interaction.objects.filter(task_open=True).order_by("task_due_on", "pk")
    assert seen == [task.pk for task in expected]
    assert len(seen) == 5
    assert client.get(f"{TASKS}?cursor=not-a-cursor").status_code == 200


# ---------------------------------------------------------------- marking done


@pytest.mark.parametrize("role", [StaffRole.USER, StaffRole.AGENT, StaffRole.ADMIN])
def test_any_staff_member_marks_a_task_done(client_as, organization, role):
    task = task_for(HouseholdFactory())
    with translation.override("en"):
        response = client_as(role).post(done_url(task), follow=True)
    assert response.redirect_chain[-1][0] == TASKS
    assert "The task is done." in response.content.decode()
    task.refresh_from_db()
    assert task.task_open is False
    assert task.task_done_by is not None and task.task_done_by.role == role
    assert AuditEvent.objects.filter(
        verb="interaction.task_done", object_id=task.public_id
    ).exists()
    assert response.context["tasks"] == []


def test_marking_done_from_mine_returns_to_mine(client_as, organization):
    task = task_for(HouseholdFactory())
    response = client_as(StaffRole.AGENT).post(done_url(task), {"show": "mine"})
    assert response["Location"] == f"{TASKS}?show=mine"


def test_marking_a_done_task_again_changes_nothing(client_as, organization):
    task = task_for(HouseholdFactory())
    client = client_as(StaffRole.AGENT)
    client.post(done_url(task))
    task.refresh_from_db()
    first_done = task.task_done_at
    with translation.override("en"):
        response = client.post(done_url(task), follow=True)
    assert "This task was already done." in response.content.decode()
    task.refresh_from_db()
    assert task.task_done_at == first_done
    assert AuditEvent.objects.filter(verb="interaction.task_done").count() == 1


def test_an_interaction_that_is_no_task_is_404(client_as, organization):
    plain = interaction_record(
        actor=Actor.system(), household=HouseholdFactory(), kind="repair_request"
    )
    assert client_as(StaffRole.ADMIN).post(done_url(plain)).status_code == 404


def test_an_unknown_task_is_404_and_get_is_405(client_as, organization):
    client = client_as(StaffRole.ADMIN)
    unknown = reverse("backoffice:interaction_task_done", args=["doesNotExist1"])
    assert client.post(unknown).status_code == 404
    task = task_for(HouseholdFactory())
    assert client.get(done_url(task)).status_code == 405


def test_a_kind_with_a_named_assignee_shows_them(client_as, organization):
    assignee = UserFactory(role=StaffRole.AGENT, first_name="Kim", last_name="de Boer")
    InteractionKind.objects.filter(code="code_requested").update(task_assignee=assignee)
    task_for(HouseholdFactory())
    html = client_as(StaffRole.USER).get(TASKS).content.decode()
    assert "Kim de Boer" in html
