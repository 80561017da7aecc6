# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""A draft work order (prepared by the repair wizard, no supplier yet) is sent by staff
choosing the supplier: from then on it is an ordinary work order."""

from __future__ import annotations

import pytest

from meldpunt.backoffice.tests.test_sub_incident_support import (  # noqa: F401
    _media,
    client_,
    detail_url,
    incident,
    phases,
    place,
    staff,
    supplier,
)
from meldpunt.common.actors import Actor
from meldpunt.common.models import AccessLink
from meldpunt.incidents.models import SubIncident
from meldpunt.incidents.sub_incidents import PARTY_LINK_PURPOSE, work_order_draft_create
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(incident) -> SubIncident:  # type: ignore[no-untyped-def]
    return work_order_draft_create(
        actor=Actor.system("repair wizard"),
        incident=incident,
        title="Lekkende kraan repareren",
        description="Keuken › Kraan › Lekt",
    )


def test_the_page_offers_to_send_a_draft(client_, draft) -> None:  # type: ignore[no-untyped-def]
    response = client_.get(detail_url(draft))
    assert response.status_code == 200
    assert 'id="draft-send"' in response.text


def test_sending_a_draft_sends_the_link_and_makes_it_a_work_order(
    client_, draft, supplier, staff
) -> None:  # type: ignore[no-untyped-def]
    response = client_.post(
        detail_url(draft, "sub_incident_draft_send"),
        {"contact": supplier.pk, "reminders_on": "on"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == SubIncident.Status.SENT
    assert draft.contact == supplier
    assert draft.sent_at is not None
    assert draft.responsible == staff
    assert draft.next_reminder_at is not None
    assert AccessLink.objects.filter(
        purpose=PARTY_LINK_PURPOSE, object_id=draft.public_id, revoked_at__isnull=True
    ).exists()
    assert OutboxMessage.objects.filter(recipient=supplier.email).count() == 1
    page = client_.get(detail_url(draft))
    assert 'id="draft-send"' not in page.text

    again = client_.post(detail_url(draft, "sub_incident_draft_send"), {"contact": supplier.pk})
    assert again.status_code == 422
    assert "already been sent" in again.text
    assert OutboxMessage.objects.filter(recipient=supplier.email).count() == 1


def test_no_supplier_chosen_keeps_the_draft(client_, draft) -> None:  # type: ignore[no-untyped-def]
    response = client_.post(detail_url(draft, "sub_incident_draft_send"), {"contact": ""})
    assert response.status_code == 422
    assert "Choose the supplier." in response.text
    draft.refresh_from_db()
    assert draft.status == SubIncident.Status.OPEN and draft.contact is None


def test_an_owner_is_not_a_supplier(client_, draft) -> None:  # type: ignore[no-untyped-def]
    owner = Contact.objects.create(kind=Contact.Kind.OWNER, name="Fonds", email="f@example.com")
    response = client_.post(detail_url(draft, "sub_incident_draft_send"), {"contact": owner.pk})
    assert response.status_code == 422
    draft.refresh_from_db()
    assert draft.contact is None
