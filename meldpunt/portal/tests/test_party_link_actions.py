# ruff: noqa: F811  (the fixtures are imported from test_party_link)
"""What the supplier and the owner do through their link (SPEC INC-10): accept, reject,
plan, report completed, write, approve or decline. Each POST redirects back with a
message, keeps what was typed on an error, tells the responsible staff user about a
status change, and changes nothing when it no longer applies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meldpunt.common.models import AuditEvent
from meldpunt.incidents.models import SubIncident, SubIncidentAttachment, SubIncidentMessage
from meldpunt.incidents.sub_incidents import work_order_cancel
from meldpunt.incidents.tests.conftest import phases, place  # noqa: F401
from meldpunt.notifications.models import OutboxMessage
from meldpunt.portal.tests.test_party_link import (  # noqa: F401
    EN,
    action_url,
    english,
    incident,
    media,
    owner,
    owner_request,
    owner_token,
    page_url,
    png,
    responsible,
    staff,
    supplier,
    token,
    work_order,
)

pytestmark = pytest.mark.django_db

STAFF_TEMPLATE = "staff.work_order_status_changed"


def staff_notices(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=STAFF_TEMPLATE, recipient=user.email))


def audit(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


def follow(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return client.get(response["Location"], **EN).text


# ---------------------------------------------------------------- accept


def test_the_supplier_accepts_and_the_responsible_user_is_told(
    client, work_order, token, responsible
):
    response = client.post(action_url("accept", token), **EN)
    assert response["Location"] == page_url(token)
    assert response["Referrer-Policy"] == "no-referrer"
    text = follow(client, response)
    assert "Thank you. You accepted the work order." in text
    assert 'role="status"' in text
    assert 'data-testid="accept"' not in text
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.ACCEPTED
    assert work_order.next_reminder_at is None
    row = AuditEvent.objects.get(verb="work_order.accepted")
    assert row.actor_kind == "link"
    (notice,) = staff_notices(responsible)
    assert notice.context["work_order_number"] == work_order.number


def test_a_double_click_on_accept_accepts_once(client, work_order, token, responsible):
    client.post(action_url("accept", token), **EN)
    accepted_at = SubIncident.objects.get(pk=work_order.pk).accepted_at
    second = client.post(action_url("accept", token), **EN)
    text = follow(client, second)
    assert "Nothing was changed: this work order is now “Accepted”." in text
    assert audit("work_order.accepted") == 1
    assert len(staff_notices(responsible)) == 1
    assert SubIncident.objects.get(pk=work_order.pk).accepted_at == accepted_at


def test_accepting_a_cancelled_order_changes_nothing(client, work_order, token, staff):
    work_order_cancel(actor=staff, sub_incident=work_order, reason="Huurder heeft het zelf gedaan")
    audit_before = AuditEvent.objects.count()
    outbox_before = OutboxMessage.objects.count()
    text = follow(client, client.post(action_url("accept", token), **EN))
    assert "Nothing was changed: this work order is now “Cancelled”." in text
    assert "Huurder heeft het zelf gedaan" in text  # the reason is in the shared thread
    assert "This work order was cancelled." in text
    assert SubIncident.objects.get(pk=work_order.pk).status == SubIncident.Status.CANCELLED
    assert AuditEvent.objects.count() == audit_before
    assert OutboxMessage.objects.count() == outbox_before


def test_the_lang_choice_survives_the_redirect(client, token):
    response = client.post(action_url("accept", token) + "?lang=nb")
    assert response["Location"] == page_url(token, "nb")


# ---------------------------------------------------------------- reject


def test_rejecting_needs_a_reason_and_keeps_the_form(client, work_order, token, responsible):
    response = client.post(action_url("reject", token), {"reason": "   "}, **EN)
    assert response.status_code == 400
    text = response.text
    assert "Tell us why you cannot take this work order." in text
    assert 'role="alert"' in text
    assert '<details class="party-action" open>' in text
    assert SubIncident.objects.get(pk=work_order.pk).status == SubIncident.Status.SENT
    assert audit("work_order.rejected") == 0
    assert staff_notices(responsible) == []


def test_a_too_long_reason_is_explained_and_kept(client, work_order, token):
    reason = "Te ver weg. " + "x" * 2100
    response = client.post(action_url("reject", token), {"reason": reason}, **EN)
    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters" in response.text
    assert "Te ver weg. xxxx" in response.text


def test_the_supplier_rejects_with_a_reason(client, work_order, token, responsible):
    response = client.post(action_url("reject", token), {"reason": "Geen tijd deze maand"}, **EN)
    text = follow(client, response)
    assert "You rejected the work order." in text
    assert "Geen tijd deze maand" in text
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.REJECTED
    assert work_order.rejection_reason == "Geen tijd deze maand"
    assert audit("work_order.rejected") == 1
    assert len(staff_notices(responsible)) == 1
    for action in ("accept", "reject", "plan", "complete"):
        assert action_url(action, token) not in text
    # No appointment to make any more: the tenant's details are gone from the page.
    assert "Ayşe Yılmaz" not in text
    assert "tel:+31687654321" not in text
    again = client.post(action_url("reject", token), {"reason": ""}, **EN)
    assert "Nothing was changed" in follow(client, again)
    assert audit("work_order.rejected") == 1


# ---------------------------------------------------------------- plan


def test_the_supplier_confirms_the_planned_date(client, work_order, token, responsible):
    planned = work_order.planned_on.isoformat()
    response = client.post(action_url("plan", token), {"planned_on": planned}, **EN)
    text = follow(client, response)
    assert "Thank you. You confirmed the date." in text
    assert 'data-testid="confirm-date"' not in text
    work_order.refresh_from_db()
    assert work_order.planned_confirmed_at is not None
    assert work_order.status == SubIncident.Status.ACCEPTED  # confirming accepts a waiting order
    assert audit("work_order.planned") == 1
    assert len(staff_notices(responsible)) == 1
    again = client.post(action_url("plan", token), {"planned_on": planned}, **EN)
    assert "Nothing was changed" in follow(client, again)
    assert audit("work_order.planned") == 1


def test_the_supplier_proposes_another_date(client, work_order, token, responsible):
    other = timezone.localdate() + timedelta(days=10)
    response = client.post(action_url("plan", token), {"planned_on": other.isoformat()}, **EN)
    assert "We passed on the date you proposed." in follow(client, response)
    work_order.refresh_from_db()
    assert work_order.planned_on == other
    assert len(staff_notices(responsible)) == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Choose a date."),
        ("morgen", "Enter a valid date."),
        ("2001-01-01", "Choose a date from today up to a year ahead."),
    ],
)
def test_a_bad_date_is_explained(client, work_order, token, value, message):
    response = client.post(action_url("plan", token), {"planned_on": value}, **EN)
    assert response.status_code == 400
    assert message in response.text
    if value:
        assert f'value="{value}"' in response.text
    work_order.refresh_from_db()
    assert work_order.planned_confirmed_at is None
    assert audit("work_order.planned") == 0


def test_the_date_field_is_a_native_date_input(client, token):
    text = client.get(page_url(token), **EN).text
    assert 'type="date" name="planned_on"' in text
    assert f'min="{timezone.localdate().isoformat()}"' in text


# ---------------------------------------------------------------- complete


def test_the_supplier_reports_completion_with_before_and_after_photos(
    client, work_order, token, responsible
):
    client.post(action_url("accept", token))
    response = client.post(
        action_url("complete", token),
        {
            "note": "Mengkraan vervangen, lekt niet meer",
            "before": [
                SimpleUploadedFile("voor1.png", png((200, 0, 0))),
                SimpleUploadedFile("voor2.png", png((0, 200, 0))),
            ],
            "after": [SimpleUploadedFile("na.png", png())],
        },
        **EN,
    )
    text = follow(client, response)
    assert "You reported the work as completed." in text
    assert "Mengkraan vervangen, lekt niet meer" in text
    assert "Before: voor1.jpg" in text
    assert "After: na.jpg" in text
    work_order.refresh_from_db()
    assert work_order.status == SubIncident.Status.COMPLETED
    stages = sorted(SubIncidentAttachment.objects.values_list("stage", flat=True))
    assert stages == ["after", "before", "before"]
    assert audit("work_order.completed") == 1
    assert len(staff_notices(responsible)) == 2  # accepted, completed
    assert 'data-testid="complete"' not in text


def test_completion_needs_a_note(client, work_order, token):
    response = client.post(action_url("complete", token), {"note": ""}, **EN)
    assert response.status_code == 400
    assert "Say in a few words what was done." in response.text
    assert SubIncident.objects.get(pk=work_order.pk).status == SubIncident.Status.SENT


def test_a_bad_photo_is_explained_and_the_note_kept(client, work_order, token):
    response = client.post(
        action_url("complete", token),
        {
            "note": "Kraan vervangen",
            "after": [SimpleUploadedFile("na.jpg", b"\x7fELF" + b"0" * 50)],
        },
        **EN,
    )
    assert response.status_code == 400
    assert "na.jpg: This file is a program or an archive" in response.text
    assert "Kraan vervangen" in response.text
    assert not SubIncidentAttachment.objects.exists()
    assert SubIncident.objects.get(pk=work_order.pk).status == SubIncident.Status.SENT
    assert audit("work_order.completed") == 0


# ---------------------------------------------------------------- comments


def test_the_supplier_writes_with_a_file(client, work_order, token, responsible):
    response = client.post(
        action_url("comment", token),
        {"body": "Onderdeel besteld", "photos": [SimpleUploadedFile("bon.png", png())]},
        **EN,
    )
    text = follow(client, response)
    assert "Thank you. Your message was sent." in text
    assert "Onderdeel besteld" in text
    assert "bon.jpg" in text
    message = SubIncidentMessage.objects.get(body="Onderdeel besteld")
    assert (message.from_party, message.visibility) == (True, "external")
    assert message.attachments.count() == 1
    assert audit("sub_incident.reply_received") == 1
    assert len(staff_notices(responsible)) == 1
    # A message is not a status change: the order still waits.
    assert SubIncident.objects.get(pk=work_order.pk).status == SubIncident.Status.SENT


def test_an_empty_comment_is_explained(client, work_order, token):
    response = client.post(action_url("comment", token), {"body": " "}, **EN)
    assert response.status_code == 400
    assert "Write a message or add a file." in response.text
    assert not SubIncidentMessage.objects.filter(from_party=True).exists()


def test_no_comments_on_a_cancelled_order(client, work_order, token, staff):
    work_order_cancel(actor=staff, sub_incident=work_order, reason="Niet meer nodig")
    text = client.get(page_url(token), **EN).text
    assert action_url("comment", token) not in text
    response = client.post(action_url("comment", token), {"body": "Toch nog iets"}, **EN)
    assert "messages can no longer be sent here" in follow(client, response)
    assert not SubIncidentMessage.objects.filter(body="Toch nog iets").exists()


# ---------------------------------------------------------------- the owner


def test_the_owner_gives_permission(client, owner_request, owner_token, responsible):
    response = client.post(action_url("approve", owner_token), **EN)
    text = follow(client, response)
    assert "Thank you. You gave permission." in text
    assert action_url("approve", owner_token) not in text
    owner_request.refresh_from_db()
    assert owner_request.permission == SubIncident.Permission.APPROVED
    assert audit("owner.permission_answered") == 1
    assert len(staff_notices(responsible)) == 1
    again = client.post(action_url("approve", owner_token), **EN)
    assert "You have answered this question already" in follow(client, again)
    assert len(staff_notices(responsible)) == 1


def test_declining_needs_a_reason(client, owner_request, owner_token, responsible):
    response = client.post(action_url("decline", owner_token), {"reason": ""}, **EN)
    assert response.status_code == 400
    assert "Tell us why you do not give permission." in response.text
    owner_request.refresh_from_db()
    assert owner_request.permission == SubIncident.Permission.REQUESTED
    assert staff_notices(responsible) == []


def test_the_owner_declines_with_a_reason(client, owner_request, owner_token, responsible):
    response = client.post(
        action_url("decline", owner_token), {"reason": "Eerst een offerte graag"}, **EN
    )
    text = follow(client, response)
    assert "Thank you. We received your answer." in text
    assert "Eerst een offerte graag" in text
    assert "You did not give permission" in text
    owner_request.refresh_from_db()
    assert owner_request.permission == SubIncident.Permission.DECLINED
    assert len(staff_notices(responsible)) == 1


def test_work_order_actions_on_an_owner_link_change_nothing(
    client, owner_request, owner_token, responsible
):
    for name, data in (
        ("accept", {}),
        ("reject", {"reason": "x"}),
        ("plan", {"planned_on": timezone.localdate().isoformat()}),
        ("complete", {"note": "x"}),
    ):
        response = client.post(action_url(name, owner_token), data, **EN)
        assert response.status_code == 302
    owner_request.refresh_from_db()
    assert owner_request.status == SubIncident.Status.OPEN
    assert staff_notices(responsible) == []


def test_owner_actions_on_a_work_order_link_change_nothing(client, work_order, token):
    for name, data in (("approve", {}), ("decline", {"reason": "x"})):
        response = client.post(action_url(name, token), data, **EN)
        assert response.status_code == 302
    work_order.refresh_from_db()
    assert work_order.permission == ""


def test_the_owner_writes_a_message(client, owner_request, owner_token):
    response = client.post(action_url("comment", owner_token), {"body": "Bel mij even"}, **EN)
    assert "Bel mij even" in follow(client, response)
