"""Received email is visible to staff, so mail that could not be placed is not lost."""

import pytest
from django.urls import reverse

from meldpunt.notifications.models import InboundMail

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:received_mail")


@pytest.fixture
def agent_client(staff_client):
    return staff_client("agent")


def mail(number: int, outcome: str, detail: str = "") -> InboundMail:
    return InboundMail.objects.create(
        source=InboundMail.Source.IMAP,
        message_id=f"<m{number}@example.net>",
        sender=f"huurder{number}@example.net",
        subject=f"Onderwerp {number}",
        outcome=outcome,
        outcome_detail=detail,
    )


def test_staff_see_unplaced_mail_with_its_reason(agent_client):
    mail(1, InboundMail.Outcome.UNROUTED, "No conversation matches this reply token.")
    mail(2, InboundMail.Outcome.THREADED)
    content = agent_client.get(URL + "?outcome=unrouted").content.decode()
    assert "huurder1@example.net" in content
    assert "No conversation matches this reply token." in content
    assert "huurder2@example.net" not in content


def test_the_list_costs_the_same_for_few_and_many(agent_client, django_assert_max_num_queries):
    for number in range(3):
        mail(number, InboundMail.Outcome.REPORTED)
    with django_assert_max_num_queries(5):
        agent_client.get(URL)
    for number in range(3, 40):
        mail(number, InboundMail.Outcome.REPORTED)
    with django_assert_max_num_queries(5):
        assert agent_client.get(URL).status_code == 200


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_writes_are_not_accepted(agent_client):
    assert agent_client.post(URL).status_code == 405
