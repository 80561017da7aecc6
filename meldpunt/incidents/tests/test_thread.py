"""Thread services: messages per visibility, notes, the handler rule, phases, tasks, files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from PIL import Image

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.links import link_resolve
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents import events
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Attachment, Incident, Message, Task
from meldpunt.incidents.thread import (
    attachment_add,
    incident_handler_set,
    incident_phase_change,
    incident_responsible_set,
    incident_status_set,
    message_post,
    note_add,
    task_add,
    task_done,
    task_reopen,
    tenant_reply_post,
)
from meldpunt.notifications.models import OutboxMessage, StaffPreference
from meldpunt.organization.models import Organization

pytestmark = pytest.mark.django_db


def audit_rows(incident: Incident, verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_id=incident.public_id, verb=verb).order_by("pk"))


def photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 0)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def incident(make_incident, place, phases) -> Incident:
    return make_incident(
        kind=Incident.Kind.ON_BEHALF,
        unit=place.unit,
        household=place.household,
        contact_name="Ayşe Yılmaz",
        contact_email="ayse@example.net",
        contact_phone="+31687654321",
        contact_language="en",
    )


@pytest.fixture
def link_actor() -> Actor:
    return Actor(kind=AuditEvent.ActorKind.LINK, label="tenant link")


# ---------------------------------------------------------------- messages


def test_an_external_message_goes_to_the_tenant_by_email_and_sms_with_a_fresh_link(
    incident, staff_actor
):
    message = message_post(
        actor=staff_actor, incident=incident, body="We komen dinsdag.", visibility="external"
    )
    outbox = {row.channel: row for row in OutboxMessage.objects.all()}
    assert set(outbox) == {"email", "sms"}
    email = outbox["email"]
    assert email.recipient == "ayse@example.net"
    assert email.template == "tenant.message"
    assert email.language == "en"
    assert email.thread_key == incident.thread_key
    assert email.reply_token  # a reply by mail finds its way back
    assert outbox["sms"].recipient == "+31687654321"
    context = email.context
    assert context["incident_number"] == incident.pk
    assert context["incident_title"] == incident.title
    token = context["link"].rsplit("/m/", 1)[1].strip("/")
    link = link_resolve(token=token, purpose=INCIDENT_LINK_PURPOSE)
    assert link.object_id == incident.public_id
    assert message.body == "We komen dinsdag."
    assert message.visibility == "external"
    assert message.author == staff_actor.user


def test_each_external_message_issues_its_own_link(incident, staff_actor):
    message_post(actor=staff_actor, incident=incident, body="Een", visibility="external")
    message_post(actor=staff_actor, incident=incident, body="Twee", visibility="external")
    assert AccessLink.objects.filter(purpose=INCIDENT_LINK_PURPOSE).count() == 2
    assert OutboxMessage.objects.count() == 4


def test_an_internal_message_is_never_sent(incident, staff_actor):
    message_post(
        actor=staff_actor, incident=incident, body="Alleen voor ons", visibility="internal"
    )
    assert OutboxMessage.objects.count() == 0
    assert AccessLink.objects.count() == 0


def test_a_note_is_internal_and_never_sent(incident, staff_actor):
    note = note_add(actor=staff_actor, incident=incident, body="Bel eerst de VvE")
    assert note.kind == "note"
    assert note.visibility == "internal"
    assert OutboxMessage.objects.count() == 0
    assert audit_rows(incident, events.NOTE_ADDED)


def test_a_landline_gets_no_text_message(make_incident, phases, staff_actor):
    incident = make_incident(contact_email="", contact_phone="+31201234567")
    message_post(actor=staff_actor, incident=incident, body="Hallo", visibility="external")
    assert OutboxMessage.objects.count() == 0


def test_external_on_an_internal_incident_without_contact_details_is_refused(
    make_incident, phases, staff_actor
):
    incident = make_incident(kind=Incident.Kind.INTERNAL)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        message_post(actor=staff_actor, incident=incident, body="Hoi", visibility="external")
    assert "only be internal" in caught.value.message_dict["visibility"][0]
    assert not Message.objects.filter(incident=incident, body="Hoi").exists()


def test_external_on_an_internal_incident_with_contact_details_is_sent(
    make_incident, phases, staff_actor
):
    incident = make_incident(kind=Incident.Kind.INTERNAL, contact_email="a@example.net")
    message_post(actor=staff_actor, incident=incident, body="Hoi", visibility="external")
    assert OutboxMessage.objects.get().recipient == "a@example.net"


def test_the_household_contact_details_are_used_when_the_incident_has_none(
    make_incident, place, staff_actor
):
    incident = make_incident(household=place.household, kind=Incident.Kind.INTERNAL)
    message_post(actor=staff_actor, incident=incident, body="Hoi", visibility="external")
    recipients = set(OutboxMessage.objects.values_list("recipient", flat=True))
    assert recipients == {"yilmaz@example.net", "+31612345678"}


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_empty_or_huge_messages_are_refused(incident, staff_actor, body):
    with pytest.raises(ValidationError):
        message_post(actor=staff_actor, incident=incident, body=body, visibility="internal")
    assert Message.objects.count() == 0


def test_an_unknown_visibility_is_refused(incident, staff_actor):
    with pytest.raises(ValidationError):
        message_post(actor=staff_actor, incident=incident, body="x", visibility="public")


def test_only_staff_post_messages(incident, link_actor):
    with pytest.raises(PermissionDenied):
        message_post(actor=link_actor, incident=incident, body="x", visibility="internal")
    with pytest.raises(PermissionDenied):
        note_add(actor=Actor.system(), incident=incident, body="x")


def test_a_message_moves_last_activity_and_refreshes_the_search_text(incident, staff_actor):
    before = incident.last_activity_at
    message_post(
        actor=staff_actor,
        incident=incident,
        body="Zwamvlok onder het aanrecht",
        visibility="internal",
    )
    incident.refresh_from_db()
    assert incident.last_activity_at > before
    assert "zwamvlok" in incident.search_text.lower()


def test_a_message_is_audited_with_its_visibility_and_channels(incident, staff_actor):
    message = message_post(actor=staff_actor, incident=incident, body="x", visibility="external")
    [row] = audit_rows(incident, events.MESSAGE_POSTED)
    assert row.changes["message"]["new"] == message.public_id
    assert row.changes["visibility"]["new"] == "external"
    assert sorted(row.changes["sent_to"]["new"]) == ["email", "sms"]
    assert row.actor_user == staff_actor.user


def test_files_sent_with_a_message_belong_to_it(incident, staff_actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = upload_clean(data=photo(), original_name="lek.png")
    message = message_post(
        actor=staff_actor,
        incident=incident,
        body="Zie foto",
        visibility="external",
        uploads=[upload],
    )
    attachment = Attachment.objects.get()
    assert attachment.message == message
    assert attachment.visibility == "external"
    assert attachment.original_name == "lek.jpg"


# ---------------------------------------------------------------- tenant replies


def test_a_tenant_reply_is_an_external_message_from_the_tenant(incident, link_actor):
    message = tenant_reply_post(actor=link_actor, incident=incident, body="Dinsdag kan ik.")
    assert message is not None
    assert message.from_tenant is True
    assert message.via == "link"
    assert message.visibility == "external"
    assert message.author is None
    assert message.author_name == "Ayşe Yılmaz"
    assert audit_rows(incident, events.REPLY_RECEIVED)[0].actor_kind == "link"
    assert OutboxMessage.objects.count() == 0


def test_a_tenant_may_send_photos_without_text(incident, link_actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = upload_clean(data=photo(), original_name="x.png")
    assert tenant_reply_post(actor=link_actor, incident=incident, body="", uploads=[upload]) is None
    attachment = Attachment.objects.get()
    assert attachment.visibility == "external"
    assert attachment.uploaded_by is None
    assert attachment.uploaded_by_name == "Ayşe Yılmaz"


def test_staff_cannot_pose_as_the_tenant(incident, staff_actor):
    with pytest.raises(PermissionDenied):
        tenant_reply_post(actor=staff_actor, incident=incident, body="x")


def test_a_tenant_reply_needs_text_or_a_photo(incident, link_actor):
    with pytest.raises(ValidationError):
        tenant_reply_post(actor=link_actor, incident=incident, body=" ")


# ---------------------------------------------------------------- handler rule (INC-7)


def test_the_first_staff_user_who_responds_becomes_handler(incident, staff_actor, make_staff):
    assert incident.handler is None
    message_post(actor=staff_actor, incident=incident, body="Ik pak het op", visibility="internal")
    incident.refresh_from_db()
    assert incident.handler == staff_actor.user
    [row] = audit_rows(incident, events.INCIDENT_HANDLER_CHANGED)
    assert row.changes["automatic"]["new"] is True
    assert OutboxMessage.objects.count() == 0  # nobody is told they took it themselves

    second = Actor.staff(make_staff())
    note_add(actor=second, incident=incident, body="Ook gezien")
    incident.refresh_from_db()
    assert incident.handler == staff_actor.user  # the first one stays


def test_a_note_and_a_phase_change_also_count_as_responding(make_incident, phases, staff_actor):
    by_note = make_incident()
    note_add(actor=staff_actor, incident=by_note, body="x")
    by_phase = make_incident()
    incident_phase_change(actor=staff_actor, incident=by_phase, phase=phases["in_progress"])
    for incident in (by_note, by_phase):
        incident.refresh_from_db()
        assert incident.handler == staff_actor.user


def test_the_rule_is_off_when_the_organization_switches_it_off(incident, staff_actor):
    Organization.objects.update(first_responder_becomes_handler=False)
    message_post(actor=staff_actor, incident=incident, body="x", visibility="internal")
    incident.refresh_from_db()
    assert incident.handler is None


def test_a_tenant_reply_never_makes_a_handler(incident, link_actor):
    tenant_reply_post(actor=link_actor, incident=incident, body="x")
    incident.refresh_from_db()
    assert incident.handler is None


def test_setting_a_handler_notifies_them_on_their_channels(incident, staff_actor, make_staff):
    handler = make_staff(phone="+31611111111", language="en")
    StaffPreference.objects.create(
        user=handler, topic="handled_incident", by_email=True, by_whatsapp=True
    )
    incident_handler_set(actor=staff_actor, incident=incident, handler=handler)
    incident.refresh_from_db()
    assert incident.handler == handler
    rows = {row.channel: row for row in OutboxMessage.objects.all()}
    assert set(rows) == {"email", "whatsapp"}
    assert rows["email"].template == "staff.incident_assigned"
    assert rows["email"].recipient == handler.email
    assert rows["email"].language == "en"
    assert rows["whatsapp"].recipient == "+31611111111"
    assert "/backoffice/incidents/" in rows["email"].context["link"]
    [row] = audit_rows(incident, events.INCIDENT_HANDLER_CHANGED)
    assert row.changes["user_id"] == {"old": None, "new": handler.pk}


def test_a_handler_who_wants_no_messages_gets_none(incident, staff_actor, make_staff):
    handler = make_staff()
    StaffPreference.objects.create(
        user=handler, topic="handled_incident", by_email=False, by_whatsapp=False
    )
    incident_handler_set(actor=staff_actor, incident=incident, handler=handler)
    assert OutboxMessage.objects.count() == 0


def test_setting_the_same_handler_again_changes_nothing(incident, staff_actor, make_staff):
    handler = make_staff()
    incident_handler_set(actor=staff_actor, incident=incident, handler=handler)
    incident_handler_set(actor=staff_actor, incident=incident, handler=handler)
    assert len(audit_rows(incident, events.INCIDENT_HANDLER_CHANGED)) == 1
    assert OutboxMessage.objects.count() == 1


def test_the_handler_must_be_staff(incident, staff_actor, make_staff):
    with pytest.raises(ValidationError):
        incident_handler_set(actor=staff_actor, incident=incident, handler=make_staff(role=""))


def test_the_handler_can_be_removed(incident, staff_actor, make_staff):
    incident_handler_set(actor=staff_actor, incident=incident, handler=make_staff())
    incident_handler_set(actor=staff_actor, incident=incident, handler=None)
    incident.refresh_from_db()
    assert incident.handler is None


def test_the_responsible_person_change_is_recorded(incident, staff_actor, make_staff):
    person = make_staff(first_name="Rob", last_name="Vos")
    incident_responsible_set(actor=staff_actor, incident=incident, responsible=person)
    incident.refresh_from_db()
    assert incident.responsible == person
    [row] = audit_rows(incident, events.INCIDENT_RESPONSIBLE_CHANGED)
    assert row.changes["user"] == {"old": "", "new": "Rob Vos"}


# ---------------------------------------------------------------- phases (INC-5)


def test_a_phase_change_records_old_and_new(incident, staff_actor, phases):
    incident_phase_change(actor=staff_actor, incident=incident, phase=phases["in_progress"])
    incident.refresh_from_db()
    assert incident.phase == phases["in_progress"]
    assert incident.is_open
    [row] = audit_rows(incident, events.INCIDENT_PHASE_CHANGED)
    assert row.changes["phase_id"] == {"old": phases["new"].pk, "new": phases["in_progress"].pk}
    assert row.changes["phase"]["new"] == phases["in_progress"].name_nl


def test_a_closed_phase_closes_the_incident_and_an_open_one_reopens_it(
    incident, staff_actor, phases
):
    incident_phase_change(actor=staff_actor, incident=incident, phase=phases["resolved"])
    incident.refresh_from_db()
    assert not incident.is_open
    assert incident.closed_at is not None
    [row] = audit_rows(incident, events.INCIDENT_PHASE_CHANGED)
    assert row.changes["is_open"] == {"old": True, "new": False}

    closed_at = incident.closed_at
    incident_phase_change(actor=staff_actor, incident=incident, phase=phases["closed"])
    incident.refresh_from_db()
    assert incident.closed_at == closed_at  # closed since the first closing phase

    incident_phase_change(actor=staff_actor, incident=incident, phase=phases["in_progress"])
    incident.refresh_from_db()
    assert incident.is_open
    assert incident.closed_at is None


def test_a_phase_change_with_a_note_adds_the_note(incident, staff_actor, phases):
    incident_phase_change(
        actor=staff_actor, incident=incident, phase=phases["waiting_tenant"], note="Foto gevraagd"
    )
    note = Message.objects.get(incident=incident)
    assert note.kind == "note"
    assert note.body == "Foto gevraagd"


def test_moving_to_the_current_phase_is_a_no_op(incident, staff_actor, phases):
    incident_phase_change(actor=staff_actor, incident=incident, phase=phases["new"])
    assert not audit_rows(incident, events.INCIDENT_PHASE_CHANGED)


def test_an_inactive_phase_cannot_be_chosen(incident, staff_actor, phases):
    phase = phases["waiting_supplier"]
    phase.active = False
    phase.save()
    with pytest.raises(ValidationError):
        incident_phase_change(actor=staff_actor, incident=incident, phase=phase)


def test_the_status_dialog_changes_only_what_differs(incident, staff_actor, phases, make_staff):
    other = make_staff()
    incident_status_set(
        actor=staff_actor,
        incident=incident,
        phase=phases["in_progress"],
        handler=other,
        responsible=None,
        note="",
    )
    incident.refresh_from_db()
    assert incident.handler == other  # the chosen handler, not the first responder
    assert incident.phase == phases["in_progress"]
    assert len(audit_rows(incident, events.INCIDENT_HANDLER_CHANGED)) == 1
    assert not audit_rows(incident, events.INCIDENT_RESPONSIBLE_CHANGED)


# ---------------------------------------------------------------- tasks


def test_task_flow_add_done_reopen(incident, staff_actor, make_staff):
    assignee = make_staff(role=StaffRole.AGENT)
    task = task_add(
        actor=staff_actor,
        incident=incident,
        title="  Bel   de loodgieter ",
        assignee=assignee,
        due_on=date(2026, 3, 1),
    )
    assert task.title == "Bel de loodgieter"
    assert task.created_by == staff_actor.user

    task_done(actor=staff_actor, task=task)
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.done_by == staff_actor.user
    task_done(actor=staff_actor, task=task)  # a second click changes nothing
    assert len(audit_rows(incident, events.TASK_DONE)) == 1

    task_reopen(actor=staff_actor, task=task)
    task.refresh_from_db()
    assert task.done_at is None
    assert task.done_by is None
    verbs = [row.verb for row in AuditEvent.objects.filter(object_id=incident.public_id)]
    assert verbs.count(events.TASK_ADDED) == 1
    assert verbs.count(events.TASK_REOPENED) == 1


def test_a_task_needs_a_title_and_a_staff_assignee(incident, staff_actor, make_staff):
    with pytest.raises(ValidationError) as caught:
        task_add(actor=staff_actor, incident=incident, title=" ", assignee=make_staff(role=""))
    assert set(caught.value.message_dict) == {"title", "assignee"}
    assert Task.objects.count() == 0


# ---------------------------------------------------------------- files


def test_an_attachment_is_stored_under_a_random_name_and_audited(
    incident, staff_actor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = upload_clean(data=photo(), original_name="kapotte tegel.png")
    attachment = attachment_add(
        actor=staff_actor, incident=incident, upload=upload, visibility="internal"
    )
    assert "tegel" not in attachment.file.name
    assert attachment.original_name == "kapotte tegel.jpg"
    assert attachment.content_type == "image/jpeg"
    assert attachment.uploaded_by == staff_actor.user
    assert (tmp_path / attachment.file.name).exists()
    [row] = audit_rows(incident, events.ATTACHMENT_ADDED)
    assert row.changes["name"]["new"] == "kapotte tegel.jpg"


def test_a_file_on_an_internal_message_stays_internal(incident, staff_actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    message = message_post(actor=staff_actor, incident=incident, body="x", visibility="internal")
    attachment = attachment_add(
        actor=staff_actor,
        incident=incident,
        upload=upload_clean(data=photo(), original_name="a.png"),
        visibility="external",
        message=message,
    )
    assert attachment.visibility == "internal"


def test_a_message_of_another_incident_is_refused(
    incident, make_incident, staff_actor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    other = make_incident()
    message = message_post(actor=staff_actor, incident=other, body="x", visibility="internal")
    with pytest.raises(ValidationError):
        attachment_add(
            actor=staff_actor,
            incident=incident,
            upload=upload_clean(data=photo(), original_name="a.png"),
            visibility="internal",
            message=message,
        )
    assert list(tmp_path.rglob("*.jpg")) == []


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
