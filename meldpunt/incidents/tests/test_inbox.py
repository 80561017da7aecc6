"""The inbox services: receiving a report, duplicates, converting one or many,
deleting and merging (SPEC INC-13)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from PIL import Image

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents import events
from meldpunt.incidents.inbox import (
    InboxFilters,
    inbox_page,
    inbox_report_convert,
    inbox_report_create,
    inbox_report_delete,
    inbox_report_get,
    inbox_report_merge,
    inbox_reports_convert_bulk,
    inbox_reports_delete_bulk,
    inbox_waiting_count,
)
from meldpunt.incidents.models import Attachment, Category, InboxAttachment, InboxReport, Incident
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

VISITOR = Actor(kind=AuditEvent.ActorKind.TENANT, label="report form")


def photo(name: str = "lekkage.png"):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return upload_clean(data=buffer.getvalue(), original_name=name)


def receive(place=None, category=None, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": VISITOR,
        "source": InboxReport.Source.PUBLIC_FORM,
        "category": category,
        "unit": place.unit if place else None,
        "household": place.household if place else None,
        "subject": "",
        "description": "De kraan in de keuken lekt.\nAl twee dagen.",
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.net",
        "phone": "+31687654321",
        "language": "nl",
    }
    values.update(overrides)
    return inbox_report_create(**values)


def age(report: InboxReport, hours: float) -> InboxReport:
    InboxReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )
    report.refresh_from_db()
    return report


def convert(actor, report, **overrides):  # type: ignore[no-untyped-def]
    values = {
        "actor": actor,
        "report": report,
        "title": "Lekkende kraan keuken",
        "description": report.description,
        "category": report.category,
        "unit": report.unit,
        "household": report.household,
        "contact_name": report.name,
        "contact_email": report.email,
        "contact_phone": report.phone,
        "contact_language": "nl",
        "responsible": None,
        "notify_tenant": False,
        "notify_supplier": None,
    }
    values.update(overrides)
    return inbox_report_convert(**values)


@pytest.fixture
def bulk_category(categories) -> Category:  # type: ignore[no-untyped-def]
    warranty = categories["Warranty"]
    warranty.is_bulk_default = True
    warranty.save(update_fields=["is_bulk_default"])
    return warranty


# ---------------------------------------------------------------- receiving


def test_a_report_is_stored_waiting_with_its_photos_and_an_audit_row(place, categories):
    report = receive(place, categories["Repair"], uploads=[photo(), photo("tweede.png")])
    assert report.status == InboxReport.Status.WAITING
    assert report.duplicate_of is None
    files = list(report.attachments.all())
    assert [f.original_name for f in files] == ["lekkage.jpg", "tweede.jpg"]
    assert all(f.file.storage.exists(f.file.name) for f in files)
    event = AuditEvent.objects.get(verb=events.INBOX_REPORT_RECEIVED, object_id=report.public_id)
    assert event.changes["attachments"]["new"] == 2
    assert inbox_waiting_count() == 1


def test_an_unknown_source_or_overlong_name_is_refused(place):
    with pytest.raises(ValidationError) as error:
        receive(place, source="fax", name="x" * 161)
    assert set(error.value.message_dict) == {"source", "name"}
    assert not InboxReport.objects.exists()


def test_an_unknown_language_falls_back_to_dutch(place):
    assert receive(place, language="xx").language == "nl"


def test_same_unit_and_category_within_the_window_is_a_possible_duplicate(place, categories):
    first = age(receive(place, categories["Repair"]), hours=70)
    second = receive(place, categories["Repair"])
    third = receive(place, categories["Repair"])
    assert second.duplicate_of == first
    assert third.duplicate_of == first  # points at the original, not at a chain


def test_outside_the_window_or_another_category_is_no_duplicate(place, categories, organization):
    age(receive(place, categories["Repair"]), hours=73)
    assert receive(place, categories["Repair"]).duplicate_of is None
    assert receive(place, categories["Nuisance"]).duplicate_of is None


def test_the_window_is_the_organizations_setting(place, categories, organization):
    organization.duplicate_window_hours = 2
    organization.save(update_fields=["duplicate_window_hours"])
    age(receive(place, categories["Repair"]), hours=3)
    assert receive(place, categories["Repair"]).duplicate_of is None


def test_a_deleted_report_is_no_duplicate_target(place, categories, staff_actor):
    first = receive(place, categories["Repair"])
    inbox_report_delete(actor=staff_actor, report=first)
    assert receive(place, categories["Repair"]).duplicate_of is None


def test_a_recent_incident_about_the_same_unit_flags_the_report(
    place, categories, staff_actor, make_incident
):
    make_incident(unit=place.unit, category=categories["Repair"])
    report = receive(place, categories["Repair"])
    other = receive(place, categories["Nuisance"])
    page = inbox_page(actor=staff_actor, cursor=None, filters=InboxFilters(duplicates=True))
    assert [r.pk for r in page.items] == [report.pk]
    assert other.pk not in [r.pk for r in page.items]


# ---------------------------------------------------------------- converting one


def test_convert_without_notifications_creates_an_internal_incident(place, categories, staff_actor):
    report = receive(place, categories["Repair"], uploads=[photo()])
    incident = convert(staff_actor, report, title="Kraan lekt")
    report.refresh_from_db()
    assert report.status == InboxReport.Status.CONVERTED
    assert report.incident == incident
    assert incident.kind == Incident.Kind.INTERNAL
    assert incident.source == Incident.Source.PUBLIC_FORM
    assert incident.unit == place.unit and incident.household == place.household
    assert not OutboxMessage.objects.exists()
    assert AuditEvent.objects.filter(
        verb=events.INBOX_REPORT_CONVERTED, object_id=report.public_id
    ).exists()


def test_convert_moves_the_files_to_the_incident_as_external_attachments(
    place, categories, staff_actor
):
    report = receive(place, categories["Repair"], uploads=[photo(), photo("b.png")])
    stored = sorted(InboxAttachment.objects.values_list("file", flat=True))
    incident = convert(staff_actor, report)
    attachments = list(Attachment.objects.filter(incident=incident))
    assert sorted(a.file.name for a in attachments) == stored
    assert {a.visibility for a in attachments} == {"external"}
    assert not InboxAttachment.objects.exists()
    assert all(a.file.storage.exists(a.file.name) for a in attachments)


def test_convert_with_notify_tenant_thanks_the_tenant(place, categories, staff_actor):
    report = receive(place, categories["Repair"])
    incident = convert(staff_actor, report, notify_tenant=True)
    assert incident.kind == Incident.Kind.ON_BEHALF
    sent = OutboxMessage.objects.filter(template="tenant.report_received")
    assert {m.channel for m in sent} == {"email", "sms"}


def test_notify_tenant_without_contact_details_is_refused_and_nothing_changes(
    categories, staff_actor
):
    report = receive(None, categories["Repair"], email="", phone="")
    with pytest.raises(ValidationError) as error:
        convert(staff_actor, report, notify_tenant=True, contact_email="", contact_phone="")
    assert "notify_tenant" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == InboxReport.Status.WAITING
    assert not Incident.objects.exists()


def test_convert_with_a_supplier_queues_a_message_on_their_channel(place, categories, staff_actor):
    supplier = ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        name="Loodgieter Bakker",
        email="bakker@example.com",
        phone="+31611112222",
        preferred_channel="sms",
        language="en",
    )
    report = receive(place, categories["Repair"])
    incident = convert(staff_actor, report, notify_supplier=supplier)
    message = OutboxMessage.objects.get(template="supplier.message")
    assert (message.channel, message.recipient, message.language) == (
        "sms",
        "+31611112222",
        "en",
    )
    assert message.context["work_order_number"] == incident.pk
    assert "Merelstraat" in message.context["message_text"]


def test_a_contact_that_is_no_supplier_is_refused(place, categories, staff_actor):
    tenant = ContactFactory(kind=Contact.Kind.TENANT, email="t@example.com")
    report = receive(place, categories["Repair"])
    with pytest.raises(ValidationError):
        convert(staff_actor, report, notify_supplier=tenant)


def test_a_report_cannot_be_converted_twice(place, categories, staff_actor):
    report = receive(place, categories["Repair"])
    stale = InboxReport.objects.get(pk=report.pk)
    convert(staff_actor, report)
    with pytest.raises(ValidationError):
        convert(staff_actor, stale)
    assert Incident.objects.count() == 1


def test_only_staff_convert(place, categories):
    report = receive(place, categories["Repair"])
    with pytest.raises(PermissionDenied):
        convert(VISITOR, report)


# ---------------------------------------------------------------- many at once


def test_bulk_convert_uses_the_default_category_and_the_reports_own_text(
    place, categories, staff_actor, bulk_category
):
    one = receive(place, None, subject="Deurbel kapot")
    two = receive(None, categories["Repair"], description="Lamp in de gang\nis stuk")
    outcome = inbox_reports_convert_bulk(actor=staff_actor, reports=[one, two])
    assert outcome.failed == []
    assert len(outcome.incidents) == 2
    titles = sorted(i.title for i in Incident.objects.all())
    assert titles == ["Deurbel kapot", "Lamp in de gang"]
    assert {i.category for i in Incident.objects.all()} == {bulk_category}
    assert {i.kind for i in Incident.objects.all()} == {Incident.Kind.INTERNAL}
    assert inbox_waiting_count() == 0
    assert not OutboxMessage.objects.exists()


def test_bulk_convert_without_a_default_category_is_a_clear_error(place, categories, staff_actor):
    report = receive(place, categories["Repair"])
    with pytest.raises(ValidationError) as error:
        inbox_reports_convert_bulk(actor=staff_actor, reports=[report])
    assert "bulk" in error.value.messages[0]
    assert not Incident.objects.exists()


def test_one_failing_report_does_not_block_the_others(
    place, categories, staff_actor, bulk_category
):
    good = receive(place, None, subject="Goed")
    # An address the incident service refuses, as an old import might have left it.
    bad = receive(place, None, subject="Slecht")
    InboxReport.objects.filter(pk=bad.pk).update(email="not-an-address")
    bad.refresh_from_db()
    also_good = receive(None, None, subject="Ook goed")
    outcome = inbox_reports_convert_bulk(actor=staff_actor, reports=[good, bad, also_good])
    assert [r.pk for r in outcome.done] == [good.pk, also_good.pk]
    assert [r.pk for r, _reason in outcome.failed] == [bad.pk]
    assert "mail" in outcome.failed[0][1].lower()
    bad.refresh_from_db()
    assert bad.status == InboxReport.Status.WAITING
    assert Incident.objects.count() == 2


# ---------------------------------------------------------------- deleting


def test_delete_is_soft_and_the_audit_keeps_subject_and_sender(place, categories, staff_actor):
    report = receive(place, categories["Repair"], subject="Schimmel")
    inbox_report_delete(actor=staff_actor, report=report)
    report.refresh_from_db()
    assert report.status == InboxReport.Status.DELETED
    event = AuditEvent.objects.get(verb=events.INBOX_REPORT_DELETED)
    assert event.changes["subject"]["old"] == "Schimmel"
    assert event.changes["sender"]["old"] == "Ayşe Yılmaz"
    assert event.actor_user == staff_actor.user
    with pytest.raises(Http404):
        inbox_report_get(actor=staff_actor, public_id=report.public_id)


def test_bulk_delete_skips_what_was_already_handled(place, categories, staff_actor):
    one, two = receive(place, None), receive(place, None)
    convert(staff_actor, InboxReport.objects.get(pk=two.pk))
    outcome = inbox_reports_delete_bulk(actor=staff_actor, reports=[one, two])
    assert [r.pk for r in outcome.done] == [one.pk]
    assert len(outcome.failed) == 1
    assert inbox_waiting_count() == 0


# ---------------------------------------------------------------- merging


def test_merge_into_a_waiting_report_moves_text_and_files(place, categories, staff_actor):
    first = receive(place, categories["Repair"], description="Kraan lekt")
    second = receive(
        place, categories["Repair"], description="Nog steeds lekkage", uploads=[photo()]
    )
    assert second.duplicate_of == first
    inbox_report_merge(actor=staff_actor, report=second, into=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert "Nog steeds lekkage" in first.description
    assert first.attachments.count() == 1
    assert second.status == InboxReport.Status.CONVERTED
    assert second.duplicate_of == first
    assert inbox_waiting_count() == 1
    # Converting the survivor later links the merged report to the same incident.
    incident = convert(staff_actor, first)
    second.refresh_from_db()
    assert second.incident == incident
    assert incident.attachments.count() == 1


def test_merge_into_a_converted_report_adds_a_note_and_internal_files(
    place, categories, staff_actor
):
    first = receive(place, categories["Repair"])
    incident = convert(staff_actor, first)
    second = receive(place, categories["Repair"], description="Ook de buren", uploads=[photo()])
    assert second.duplicate_of == first
    inbox_report_merge(actor=staff_actor, report=second, into=first)
    second.refresh_from_db()
    assert second.incident == incident
    note = incident.messages.get(kind="note")
    assert "Ook de buren" in note.body
    assert list(incident.attachments.values_list("visibility", flat=True)) == ["internal"]
    assert AuditEvent.objects.filter(verb=events.INBOX_REPORT_MERGED).count() == 1


def test_a_report_cannot_be_merged_into_itself(place, staff_actor):
    report = receive(place, None)
    with pytest.raises(ValidationError):
        inbox_report_merge(actor=staff_actor, report=report, into=report)


# ---------------------------------------------------------------- reads


def test_non_staff_see_nothing(place, categories):
    report = receive(place, categories["Repair"])
    with pytest.raises(Http404):
        inbox_report_get(actor=VISITOR, public_id=report.public_id)
    assert inbox_page(actor=VISITOR, cursor=None, filters=InboxFilters()).items == []


def test_the_page_is_newest_first_and_pages_by_cursor(place, staff_actor):
    reports = [age(receive(place, None, subject=f"R{n}"), hours=10 - n) for n in range(5)]
    first = inbox_page(actor=staff_actor, cursor=None, filters=InboxFilters(), size=3)
    assert [r.subject for r in first.items] == ["R4", "R3", "R2"]
    second = inbox_page(actor=staff_actor, cursor=first.next_cursor, filters=InboxFilters(), size=3)
    assert [r.subject for r in second.items] == ["R1", "R0"]
    assert second.next_cursor is None and second.has_previous
    assert len(reports) == 5


def test_the_page_filters_by_source_and_category(place, categories, staff_actor):
    receive(place, categories["Repair"], source="email")
    wanted = receive(place, categories["Nuisance"], source="portal")
    by_source = inbox_page(actor=staff_actor, cursor=None, filters=InboxFilters(source="portal"))
    by_category = inbox_page(
        actor=staff_actor, cursor=None, filters=InboxFilters(category=categories["Nuisance"].pk)
    )
    assert [r.pk for r in by_source.items] == [wanted.pk]
    assert [r.pk for r in by_category.items] == [wanted.pk]


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
