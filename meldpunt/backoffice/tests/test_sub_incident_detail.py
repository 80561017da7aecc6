# ruff: noqa: F811  (the shared fixtures are imported and used as arguments)
"""The sub-incident page: what it shows, every write it offers, files, permissions
and its query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meldpunt.backoffice.tests.test_sub_incident_support import (  # noqa: F401
    _media,
    client_,
    detail_url,
    incident,
    make_sub_incident,
    owner,
    phases,
    place,
    png,
    staff,
    supplier,
    work_order,
)
from meldpunt.common.actors import Actor
from meldpunt.common.models import AccessLink
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.models import SubIncident, SubIncidentMessage
from meldpunt.incidents.sub_incidents import (
    PARTY_LINK_PURPOSE,
    sub_incident_attachments_add,
    sub_incident_message_post,
)
from meldpunt.incidents.tests.conftest import incident_make
from meldpunt.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

DETAIL_QUERIES = 10
WRITES = [
    "sub_incident_message_create",
    "sub_incident_files_add",
    "sub_incident_phase",
    "sub_incident_details",
    "sub_incident_cancel",
    "sub_incident_complete",
    "sub_incident_links_revoke",
    "sub_incident_link_reissue",
    "sub_incident_draft_send",
]


def live_links(sub_incident: SubIncident) -> int:
    return AccessLink.objects.filter(
        purpose=PARTY_LINK_PURPOSE, object_id=sub_incident.public_id, revoked_at__isnull=True
    ).count()


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_order_its_party_and_the_main_incident(client_, work_order, incident):
    SubIncident.objects.filter(pk=work_order.pk).update(
        planned_on=timezone.localdate() + timedelta(days=3), cost_limit="250.00"
    )
    response = client_.get(detail_url(work_order))
    assert response.status_code == 200
    text = response.text
    assert work_order.number in text
    assert "Lekkage verhelpen" in text
    assert "Work order" in text
    assert "Waiting for acceptance" in text
    assert "New" in text  # the phase
    assert "Piet Loodgieter" in text
    assert "piet@example.com" in text
    assert "Sanne de Boer" in text  # responsible
    assert "not confirmed yet" in text
    assert "€250.00" in text
    assert "next one" in text  # a reminder is scheduled
    assert "0 sent" in text
    assert reverse("backoffice:incident_detail", args=[incident.public_id]) in text


def test_the_cost_limit_follows_the_reader_s_language(client_, work_order):
    SubIncident.objects.filter(pk=work_order.pk).update(cost_limit="1250.50")
    text = client_.get(detail_url(work_order), HTTP_ACCEPT_LANGUAGE="nl").text
    assert "€\xa01.250,50" in text


def test_an_owner_contact_shows_the_permission_state(client_, staff, incident, owner):
    contact = make_sub_incident(
        Actor.staff(staff),
        incident,
        kind="owner",
        contact=owner,
        permission_question="Mag de kraan vervangen worden?",
    )
    text = client_.get(detail_url(contact)).text
    assert "Asked, no answer yet" in text
    assert "Mag de kraan vervangen worden?" in text
    assert "Cancel the work order" not in text


def test_messages_show_their_visibility_clearly(client_, work_order, staff):
    actor = Actor.staff(staff)
    sub_incident_message_post(
        actor=actor, sub_incident=work_order, body="Voor collega's", visibility="internal"
    )
    sub_incident_message_post(
        actor=actor, sub_incident=work_order, body="Voor de loodgieter", visibility="external"
    )
    SubIncidentMessage.objects.create(
        sub_incident=work_order, visibility="external", from_party=True, body="Ik kom morgen"
    )
    text = client_.get(detail_url(work_order)).text
    assert "entry--internal" in text
    assert "entry--external" in text
    assert "Internal · staff only" in text
    assert "External · shared with the party" in text
    assert "From the supplier" in text
    assert "Ik kom morgen" in text


def test_the_page_costs_the_same_queries_for_2_and_20_messages(
    client_, work_order, staff, django_assert_num_queries
):
    actor = Actor.staff(staff)

    def add(count: int) -> None:
        for number in range(count):
            sub_incident_message_post(
                actor=actor,
                sub_incident=work_order,
                body=f"Bericht {number}",
                visibility="internal",
                uploads=[upload_clean(data=png(), original_name=f"foto{number}.png")],
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        client_.get(detail_url(work_order))
    # Session, user, sub-incident, thread, files of the thread, the file list,
    # phases, staff, organization and the inbox badge.
    assert len(few.captured_queries) == DETAIL_QUERIES
    add(18)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client_.get(detail_url(work_order))
    assert response.text.count('data-testid="sub-incident-message"') == 20


# ---------------------------------------------------------------- who may


def test_anonymous_visitors_go_to_the_login_page(client, work_order):
    response = client.get(detail_url(work_order))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    response = client.post(
        detail_url(work_order, "sub_incident_message_create"),
        {"message-visibility": "internal", "message-body": "x"},
    )
    assert response.status_code == 302
    assert not SubIncidentMessage.objects.exists()


def test_a_user_without_a_staff_role_gets_403(staff_client, work_order):
    client = staff_client("")
    assert client.get(detail_url(work_order)).status_code == 403
    response = client.post(detail_url(work_order, "sub_incident_cancel"), {"cancel-reason": "x"})
    assert response.status_code == 403
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.SENT


@pytest.mark.parametrize("name", ["sub_incident_detail", *WRITES])
def test_an_unknown_sub_incident_is_404(client_, organization, name):
    url = reverse(f"backoffice:{name}", args=["unknown00000000"])
    response = client_.get(url) if name == "sub_incident_detail" else client_.post(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", WRITES)
def test_writes_answer_405_to_get(client_, work_order, name):
    assert client_.get(detail_url(work_order, name)).status_code == 405


def test_the_detail_page_answers_405_to_post(client_, work_order):
    assert client_.post(detail_url(work_order)).status_code == 405


# ---------------------------------------------------------------- messages and files


def test_an_internal_message_is_added_and_sends_nothing(client_, work_order):
    before = OutboxMessage.objects.count()
    response = client_.post(
        detail_url(work_order, "sub_incident_message_create"),
        {"message-visibility": "internal", "message-body": "Even checken"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#thread")
    message = SubIncidentMessage.objects.get()
    assert message.visibility == "internal"
    assert OutboxMessage.objects.count() == before
    assert "The internal message was added." in client_.get(response["Location"]).text


def test_an_external_message_is_sent_to_the_supplier(client_, work_order):
    response = client_.post(
        detail_url(work_order, "sub_incident_message_create"),
        {
            "message-visibility": "external",
            "message-body": "Kunt u dinsdag?",
            "message-photos": SimpleUploadedFile("kraan.png", png(), "image/png"),
        },
    )
    assert response.status_code == 302
    sent = OutboxMessage.objects.get(template="supplier.message")
    assert sent.recipient == "piet@example.com"
    assert sent.context["message_text"] == "Kunt u dinsdag?"
    message = SubIncidentMessage.objects.get()
    assert [a.original_name for a in message.attachments.all()] == ["kraan.jpg"]
    assert "The message was sent to Piet Loodgieter" in client_.get(response["Location"]).text


def test_an_empty_message_keeps_the_form_and_says_why(client_, work_order):
    response = client_.post(
        detail_url(work_order, "sub_incident_message_create"),
        {"message-visibility": "external", "message-body": "   "},
    )
    assert response.status_code == 422
    assert "Write a message first." in response.text
    assert 'value="external" id="id_message-visibility_1" required checked' in response.text
    assert not SubIncidentMessage.objects.exists()


def test_an_external_message_on_an_internal_assignment_keeps_the_text(
    client_, staff, incident, make_staff
):
    assignment = make_sub_incident(
        Actor.staff(staff), incident, kind="internal", assignee=make_staff()
    )
    response = client_.post(
        detail_url(assignment, "sub_incident_message_create"),
        {"message-visibility": "external", "message-body": "Mijn tekst blijft"},
    )
    assert response.status_code == 422
    assert "has no supplier or owner to write to" in response.text
    assert "Mijn tekst blijft" in response.text


def test_files_are_uploaded_listed_and_downloaded(client_, work_order):
    response = client_.post(
        detail_url(work_order, "sub_incident_files_add"),
        {
            "files-photos": SimpleUploadedFile("meterkast.png", png(), "image/png"),
            "files-visibility": "external",
        },
    )
    assert response.status_code == 302
    file = work_order.attachments.get()
    assert file.visibility == "external"
    text = client_.get(detail_url(work_order)).text
    url = reverse("backoffice:sub_incident_file", args=[work_order.public_id, file.public_id])
    assert url in text
    download = client_.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content)[:2] == b"\xff\xd8"


def test_an_upload_without_files_says_why(client_, work_order):
    response = client_.post(
        detail_url(work_order, "sub_incident_files_add"), {"files-visibility": "internal"}
    )
    assert response.status_code == 422
    assert "This field is required." in response.text


def test_a_file_of_another_sub_incident_is_404(client_, work_order, staff, incident, supplier):
    actor = Actor.staff(staff)
    other = make_sub_incident(actor, incident, contact=supplier, title="Ander werk")
    [file] = sub_incident_attachments_add(
        actor=actor,
        sub_incident=other,
        uploads=[upload_clean(data=png(), original_name="ander.png")],
        visibility="internal",
    )
    wrong = reverse("backoffice:sub_incident_file", args=[work_order.public_id, file.public_id])
    assert client_.get(wrong).status_code == 404
    right = reverse("backoffice:sub_incident_file", args=[other.public_id, file.public_id])
    assert client_.get(right).status_code == 200


# ---------------------------------------------------------------- actions


def test_changing_the_phase_to_a_closed_one_closes_it(client_, work_order, phases):
    response = client_.post(
        detail_url(work_order, "sub_incident_phase"), {"phase-phase": phases["closed"].pk}
    )
    assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.phase == phases["closed"]
    assert work_order.is_open is False
    assert work_order.next_reminder_at is None


def test_an_unknown_phase_keeps_the_form(client_, work_order):
    response = client_.post(detail_url(work_order, "sub_incident_phase"), {"phase-phase": "999"})
    assert response.status_code == 422
    assert "Select a valid choice." in response.text


def test_editing_the_details(client_, work_order, make_staff):
    colleague = make_staff(first_name="Kees", last_name="Collega")
    planned = timezone.localdate() + timedelta(days=5)
    response = client_.post(
        detail_url(work_order, "sub_incident_details"),
        {
            "details-responsible": colleague.pk,
            "details-planned_on": planned.isoformat(),
            "details-cost_limit": "99.95",
            "details-instructions": "Via de achterdeur",
            "details-access_instructions": "Sleutel bij nr. 14",
        },
    )
    assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.responsible == colleague
    assert work_order.planned_on == planned
    assert str(work_order.cost_limit) == "99.95"
    assert work_order.reminders_on is False  # unticked
    assert work_order.next_reminder_at is None
    assert work_order.access_instructions == "Sleutel bij nr. 14"


def test_a_negative_cost_limit_keeps_what_was_typed(client_, work_order):
    response = client_.post(
        detail_url(work_order, "sub_incident_details"),
        {
            "details-cost_limit": "-5",
            "details-instructions": "Mijn instructie",
            "details-reminders_on": "on",
        },
    )
    assert response.status_code == 422
    assert "A cost limit cannot be negative." in response.text
    assert "Mijn instructie" in response.text
    work_order.refresh_from_db()
    assert work_order.instructions == ""


def test_cancelling_needs_a_reason_and_tells_the_supplier(client_, work_order):
    url = detail_url(work_order, "sub_incident_cancel")
    response = client_.post(url, {"cancel-reason": ""})
    assert response.status_code == 422
    assert "Say why the work order is cancelled" in response.text
    response = client_.post(url, {"cancel-reason": "Huurder heeft het zelf gemaakt"})
    assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.CANCELLED
    assert work_order.next_reminder_at is None
    assert OutboxMessage.objects.filter(
        template="supplier.message", context__message_text="Huurder heeft het zelf gemaakt"
    ).exists()
    # Cancelling twice is explained, not a crash.
    again = client_.post(url, {"cancel-reason": "Nog eens"})
    assert again.status_code == 422
    assert "Only a running work order can be cancelled." in again.text


def test_marking_a_work_order_completed_on_the_supplier_s_behalf(client_, work_order):
    url = detail_url(work_order, "sub_incident_complete")
    response = client_.post(url, {"complete-note": "Telefonisch gemeld: klaar"})
    assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.COMPLETED
    assert work_order.completion_note == "Telefonisch gemeld: klaar"
    again = client_.post(url, {"complete-note": ""})
    assert again.status_code == 302
    assert "Nothing changed" in client_.get(again["Location"]).text


def test_an_internal_assignment_is_completed_without_a_note(client_, staff, incident, make_staff):
    assignment = make_sub_incident(
        Actor.staff(staff), incident, kind="internal", assignee=make_staff()
    )
    response = client_.post(detail_url(assignment, "sub_incident_complete"), {})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == SubIncident.Status.COMPLETED


def test_revoking_and_sending_a_new_link(client_, work_order):
    assert live_links(work_order) == 1
    response = client_.post(detail_url(work_order, "sub_incident_links_revoke"))
    assert response.status_code == 302
    assert live_links(work_order) == 0
    assert "The links were revoked" in client_.get(response["Location"]).text
    before = OutboxMessage.objects.filter(template="supplier.work_order_new").count()
    response = client_.post(detail_url(work_order, "sub_incident_link_reissue"))
    assert response.status_code == 302
    assert live_links(work_order) == 1
    after = OutboxMessage.objects.filter(template="supplier.work_order_new").count()
    assert after == before + 1
    assert "A new link was sent to Piet Loodgieter" in client_.get(response["Location"]).text


def test_a_new_link_for_a_closed_sub_incident_is_explained(client_, work_order, phases):
    client_.post(detail_url(work_order, "sub_incident_phase"), {"phase-phase": phases["closed"].pk})
    response = client_.post(detail_url(work_order, "sub_incident_link_reissue"))
    assert response.status_code == 302
    assert (
        "Reopen the sub-incident before sending a new link."
        in client_.get(response["Location"]).text
    )


def test_a_sub_incident_of_another_incident_is_its_own_page(client_, work_order, staff, supplier):
    other_incident = incident_make(title="Ander incident")
    other = make_sub_incident(Actor.staff(staff), other_incident, contact=supplier)
    text = client_.get(detail_url(other)).text
    assert f"#{other_incident.pk}" in text
    assert f"#{work_order.incident_id}" not in text.split("<main", 1)[1]
