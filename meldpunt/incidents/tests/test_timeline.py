"""The timeline merges messages, notes, files and recorded changes, in a fixed number of queries;
the tenant's thread holds external messages and files only."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.models import Incident
from meldpunt.incidents.thread import (
    attachment_add,
    incident_handler_set,
    incident_phase_change,
    incident_responsible_set,
    message_post,
    note_add,
    task_add,
    task_done,
    task_reopen,
    tenant_reply_post,
)
from meldpunt.incidents.timeline import incident_timeline, tenant_thread

pytestmark = pytest.mark.django_db


def photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def incident(make_incident, place, phases) -> Incident:
    return make_incident(
        unit=place.unit, household=place.household, contact_email="ayse@example.net"
    )


@pytest.fixture
def link_actor() -> Actor:
    return Actor(kind=AuditEvent.ActorKind.LINK, label="tenant link")


@pytest.fixture
def busy(incident, staff_actor, link_actor, phases, make_staff, settings, tmp_path):
    """An incident with one of everything, in a known order."""
    settings.MEDIA_ROOT = tmp_path
    other = make_staff(first_name="Rob", last_name="Vos")
    message_post(actor=staff_actor, incident=incident, body="intern bericht", visibility="internal")
    message_post(
        actor=staff_actor,
        incident=incident,
        body="extern bericht",
        visibility="external",
        uploads=[upload_clean(data=photo(), original_name="bij bericht.png")],
    )
    note_add(actor=staff_actor, incident=incident, body="notitie")
    incident_phase_change(actor=staff_actor, incident=incident, phase=phases["in_progress"])
    incident_handler_set(actor=staff_actor, incident=incident, handler=other)
    incident_responsible_set(actor=staff_actor, incident=incident, responsible=other)
    task = task_add(actor=staff_actor, incident=incident, title="Bel loodgieter", assignee=other)
    task_done(actor=staff_actor, task=task)
    task_reopen(actor=staff_actor, task=task)
    attachment_add(
        actor=staff_actor,
        incident=incident,
        upload=upload_clean(data=photo(), original_name="los intern.png"),
        visibility="internal",
    )
    attachment_add(
        actor=staff_actor,
        incident=incident,
        upload=upload_clean(data=photo(), original_name="los extern.png"),
        visibility="external",
    )
    tenant_reply_post(actor=link_actor, incident=incident, body="antwoord huurder")
    return incident


def test_the_timeline_merges_everything_in_order(busy, staff_actor):
    with translation.override("en"):
        entries = incident_timeline(actor=staff_actor, incident=busy)
    kinds = [entry.kind for entry in entries]
    assert kinds == [
        "message",
        "handler",  # automatic: the first responder
        "message",
        "note",
        "phase",
        "handler",
        "responsible",
        "task_added",
        "task_done",
        "task_reopened",
        "file",
        "file",
        "message",
    ]
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    phase = entries[4]
    assert (phase.old, phase.new) == ("New", "In progress")
    assert entries[1].details["automatic"] is True
    assert entries[5].new == "Rob Vos"
    assert entries[7].new == "Bel loodgieter"
    assert entries[7].details["assignee"] == "Rob Vos"
    assert [a.original_name for a in entries[2].attachments] == ["bij bericht.jpg"]
    assert entries[-1].message.from_tenant


def test_phase_names_follow_the_reader_s_language(busy, staff_actor):
    with translation.override("nl"):
        phase = next(
            e for e in incident_timeline(actor=staff_actor, incident=busy) if e.kind == "phase"
        )
    assert phase.new == "In behandeling"


def test_the_timeline_runs_a_fixed_number_of_queries(
    busy, staff_actor, django_assert_num_queries, make_incident, phases, settings, tmp_path
):
    with django_assert_num_queries(5):
        incident_timeline(actor=staff_actor, incident=busy)
    for number in range(10):
        message_post(actor=staff_actor, incident=busy, body=f"meer {number}", visibility="internal")
        incident_phase_change(
            actor=staff_actor,
            incident=busy,
            phase=phases["waiting_tenant"] if number % 2 else phases["in_progress"],
        )
    with django_assert_num_queries(5):
        incident_timeline(actor=staff_actor, incident=busy)


def test_a_deleted_phase_still_shows_by_its_recorded_name(busy, staff_actor, phases):
    AuditEvent.objects.filter(verb="incident.phase_changed").update(
        changes={"phase_id": {"old": 999998, "new": 999999}, "phase": {"old": "Oud", "new": "Weg"}}
    )
    phase = next(
        e for e in incident_timeline(actor=staff_actor, incident=busy) if e.kind == "phase"
    )
    assert (phase.old, phase.new) == ("Oud", "Weg")


def test_only_staff_get_the_timeline(busy, link_actor):
    assert incident_timeline(actor=link_actor, incident=busy) == []


def test_the_tenant_thread_holds_external_messages_and_files_only(busy, django_assert_num_queries):
    with django_assert_num_queries(2):
        thread = tenant_thread(incident=busy)
    bodies = [message.body for message in thread.messages]
    assert bodies == ["extern bericht", "antwoord huurder"]
    names = [a.original_name for a in thread.loose_attachments]
    assert names == ["los extern.jpg"]
    entries = thread.entries()
    assert [entry.kind for entry in entries] == ["message", "file", "message"]
    assert [a.original_name for a in entries[0].attachments] == ["bij bericht.jpg"]


def test_an_external_file_on_an_internal_message_is_not_in_the_tenant_thread(
    incident, staff_actor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    message = message_post(actor=staff_actor, incident=incident, body="x", visibility="internal")
    attachment = attachment_add(
        actor=staff_actor,
        incident=incident,
        upload=upload_clean(data=photo(), original_name="a.png"),
        visibility="internal",
        message=message,
    )
    # Even if the row were marked external by hand, the internal message keeps it hidden.
    type(attachment).objects.filter(pk=attachment.pk).update(visibility="external")
    thread = tenant_thread(incident=incident)
    assert thread.messages == []
    assert thread.loose_attachments == []
    assert thread.attachments_by_message == {}


def test_another_incident_s_messages_never_show(incident, make_incident, staff_actor):
    other = make_incident()
    message_post(actor=staff_actor, incident=other, body="elders", visibility="external")
    assert tenant_thread(incident=incident).messages == []
    assert incident_timeline(actor=staff_actor, incident=incident) == []


def test_a_new_sub_incident_shows_on_the_incidents_timeline_and_not_to_the_tenant(
    incident, staff_actor
):
    from meldpunt.incidents.sub_incidents import SubIncidentDraft, sub_incident_create
    from tests.factories import ContactFactory

    supplier = ContactFactory(email="plan@waterman.example")
    sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=SubIncidentDraft(kind="external", title="Kraan vervangen", contact=supplier),
    )
    [entry] = [
        e
        for e in incident_timeline(actor=staff_actor, incident=incident)
        if e.kind == "sub_incident"
    ]
    assert entry.new == f"{incident.pk}-1"
    assert tenant_thread(incident=incident).entries() == []
