"""Submitting the public report form (SPEC INT-1) and adding to it through the link (INT-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.common.links import link_resolve
from meldpunt.common.models import AuditEvent, PendingUpload
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.inbox import inbox_report_convert, inbox_report_merge
from meldpunt.incidents.models import InboxAttachment, InboxReport, Message
from meldpunt.intake import events
from meldpunt.intake.selectors import REPORT_LINK_PURPOSE, UnitQuery, client_ip_hash
from meldpunt.intake.services import (
    ReportLimited,
    link_actor,
    pending_upload_add,
    pending_upload_remove,
    public_report_submit,
    report_reply_post,
    subject_from,
)
from meldpunt.notifications.models import OutboxMessage, StaffPreference
from meldpunt.notifications.services import outbox_deliver

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db

ADDRESS = UnitQuery(postcode="3521KL", house_number="12", addition="A")


def submit(categories, **overrides):
    values = {
        "category": categories["Repair"],
        "query": ADDRESS,
        "description": "Lekkage onder het aanrecht\nHet druppelt sinds gisteren.",
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.net",
        "phone": "06 12345678",
        "language": "nl",
        "client_hash": client_ip_hash("192.0.2.7"),
    }
    values.update(overrides)
    return public_report_submit(**values)


def test_a_report_lands_in_the_inbox_with_unit_household_and_a_personal_link(
    place, categories, organization
):
    receipt = submit(categories)
    report = receipt.report
    report.refresh_from_db()
    assert report.source == InboxReport.Source.PUBLIC_FORM
    assert report.status == InboxReport.Status.WAITING
    assert report.unit == place.unit and report.household == place.household
    assert report.subject == "Lekkage onder het aanrecht"
    assert report.phone == "+31612345678"
    assert report.client_ip_hash == client_ip_hash("192.0.2.7")
    assert receipt.reference == f"R-{report.pk:06d}"
    token = receipt.link.rstrip("/").rsplit("/", 1)[-1]
    link = link_resolve(token=token, purpose=REPORT_LINK_PURPOSE)
    assert link.object_id == report.public_id
    assert AuditEvent.objects.filter(
        verb="inbox_report.received", object_id=report.public_id
    ).exists()


def test_the_confirmation_goes_by_email_and_by_sms_to_a_mobile(place, categories, organization):
    receipt = submit(categories)
    rows = {
        row.channel: row
        for row in OutboxMessage.objects.filter(template="tenant.inbox_report_received")
    }
    assert set(rows) == {"email", "sms"}
    assert rows["email"].recipient == "ayse@example.net"
    assert rows["sms"].recipient == "+31612345678"
    assert rows["email"].context == {
        "report_reference": receipt.reference,
        "report_subject": "Lekkage onder het aanrecht",
        "link": receipt.link,
    }
    assert receipt.channels == ("email", "sms")


def test_a_landline_gets_no_text_and_no_email_means_no_confirmation(
    place, categories, organization
):
    receipt = submit(categories, email="", phone="030 123 4567")
    assert receipt.channels == ()
    assert not OutboxMessage.objects.exists()
    assert receipt.link.startswith("http")


def test_the_confirmation_speaks_the_reporters_language(place, categories, organization):
    submit(categories, language="nb", phone="")
    row = OutboxMessage.objects.get(template="tenant.inbox_report_received")
    assert row.language == "nb"
    outbox_deliver(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT
    assert "Takk for henvendelsen din" in row.subject


def test_staff_who_asked_for_new_reports_are_told(place, categories, organization, make_staff):
    wants = make_staff(email="wants@example.org", language="en")
    StaffPreference.objects.create(
        user=wants, topic=StaffPreference.Topic.NEW_INCIDENT, by_email=True, by_whatsapp=False
    )
    make_staff(email="quiet@example.org")
    receipt = submit(categories)
    rows = list(OutboxMessage.objects.filter(template="staff.incident_new"))
    assert [row.recipient for row in rows] == ["wants@example.org"]
    assert rows[0].context["incident_number"] == receipt.reference
    assert rows[0].context["category"] == "Repair"
    assert rows[0].context["address"] == "Merelstraat 12-A, Utrecht"
    assert rows[0].context["link"].endswith(f"/backoffice/inbox/{receipt.report.public_id}/")


def test_nothing_is_lost_when_the_mail_server_is_down(
    place, categories, organization, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    settings.MELDPUNT_TRANSPORTS = {**settings.MELDPUNT_TRANSPORTS, "email": "email"}
    with django_capture_on_commit_callbacks(execute=True):
        receipt = submit(categories, phone="")
    assert InboxReport.objects.filter(pk=receipt.report.pk).exists()
    row = OutboxMessage.objects.get(template="tenant.inbox_report_received")
    assert row.status == OutboxMessage.Status.QUEUED
    assert row.attempts == 1 and row.last_error


def test_every_field_error_is_reported_at_once(place, categories, organization):
    with pytest.raises(ValidationError) as caught:
        submit(
            categories,
            category=None,
            query=UnitQuery(postcode="9999ZZ", house_number="1"),
            description="  ",
            name="",
            email="not an address",
            phone="12",
        )
    assert set(caught.value.message_dict) == {
        "category",
        "postcode",
        "description",
        "name",
        "email",
        "phone",
    }
    assert not InboxReport.objects.exists()


def test_a_way_to_reach_the_reporter_is_required(place, categories, organization):
    with pytest.raises(ValidationError) as caught:
        submit(categories, email="", phone="")
    assert list(caught.value.message_dict) == ["email"]


def test_an_inactive_category_is_refused(place, categories, organization):
    repair = categories["Repair"]
    repair.active = False
    repair.save()
    with pytest.raises(ValidationError) as caught:
        submit(categories)
    assert "category" in caught.value.message_dict


def test_arabic_text_and_emoji_are_stored_as_typed(place, categories, organization):
    text = "تسرب المياه في المطبخ 💧🚿\nمنذ أمس"
    receipt = submit(categories, description=text, name="فاطمة 😊")
    receipt.report.refresh_from_db()
    assert receipt.report.description == text
    assert receipt.report.subject == "تسرب المياه في المطبخ 💧🚿"
    assert receipt.report.name == "فاطمة 😊"


def test_a_long_first_line_is_shortened_for_the_subject(categories):
    subject = subject_from("x" * 300, None)
    assert len(subject) == 80 and subject.endswith("…")
    assert subject_from("", categories["Repair"]) == categories["Repair"].name_nl


def test_more_than_the_hourly_limit_per_client_is_refused(
    place, categories, organization, settings
):
    settings.MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR = 2
    settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = 100
    submit(categories)
    submit(categories)
    with pytest.raises(ReportLimited) as caught:
        submit(categories)
    assert caught.value.code == "client_limit"
    assert InboxReport.objects.count() == 2
    # Another sender is not affected; an hour later the first may report again.
    submit(categories, client_hash=client_ip_hash("192.0.2.99"))
    InboxReport.objects.update(created_at=timezone.now() - timedelta(hours=2))
    submit(categories)


def test_more_than_the_hourly_limit_per_home_is_refused(place, categories, organization, settings):
    settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = 2
    submit(categories, client_hash="a" * 64)
    submit(categories, client_hash="b" * 64)
    with pytest.raises(ReportLimited) as caught:
        submit(categories, client_hash="c" * 64)
    assert caught.value.code == "unit_limit"


def test_kept_photos_go_with_the_report_and_leave_the_pending_store(
    place, categories, organization, django_capture_on_commit_callbacks
):
    batch = "b" * 32
    for colour in ((200, 0, 0), (0, 200, 0)):
        pending_upload_add(
            batch=batch,
            upload=upload_clean(data=jpeg_bytes(colour=colour), original_name="lek.jpg"),
        )
    pending_upload_add(
        batch="other-batch-0000000000",
        upload=upload_clean(data=jpeg_bytes(), original_name="x.jpg"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        receipt = submit(categories, pending_batch=batch)
    files = list(InboxAttachment.objects.filter(report=receipt.report))
    assert [f.original_name for f in files] == ["lek.jpg", "lek.jpg"]
    assert all(f.file.read()[:3] == b"\xff\xd8\xff" for f in files)
    assert not PendingUpload.objects.filter(batch=batch).exists()
    assert PendingUpload.objects.filter(batch="other-batch-0000000000").count() == 1


def test_photos_of_forms_never_sent_are_cleared_after_a_day(organization):
    stale = pending_upload_add(
        batch="s" * 32, upload=upload_clean(data=jpeg_bytes(), original_name="old.jpg")
    )
    PendingUpload.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    stored = stale.file.name
    fresh = pending_upload_add(
        batch="f" * 32, upload=upload_clean(data=jpeg_bytes(), original_name="new.jpg")
    )
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not stale.file.storage.exists(stored)


def test_a_photo_is_removed_only_from_its_own_batch(organization):
    kept = pending_upload_add(
        batch="a" * 32, upload=upload_clean(data=jpeg_bytes(), original_name="a.jpg")
    )
    assert pending_upload_remove(batch="z" * 32, upload_id=kept.pk) is False
    assert PendingUpload.objects.filter(pk=kept.pk).exists()
    assert pending_upload_remove(batch="a" * 32, upload_id=kept.pk) is True
    assert not PendingUpload.objects.filter(pk=kept.pk).exists()


# ---------------------------------------------------------------- adding through the link


def test_a_reply_before_conversion_is_added_to_the_description_with_its_photos(
    place, categories, organization
):
    report = submit(categories).report
    photo = upload_clean(data=jpeg_bytes(), original_name="erger.jpg")
    report_reply_post(
        actor=link_actor("Ayşe"), report=report, body="Het is erger geworden.", uploads=[photo]
    )
    report.refresh_from_db()
    assert report.description.startswith("Lekkage onder het aanrecht")
    assert report.description.endswith("Het is erger geworden.")
    assert "---" in report.description
    assert [a.original_name for a in report.attachments.all()] == ["erger.jpg"]
    event = AuditEvent.objects.get(verb=events.INBOX_REPORT_REPLIED)
    assert event.object_id == report.public_id


def test_a_reply_after_conversion_goes_to_the_incident_thread(
    place, categories, organization, phases, make_staff
):
    report = submit(categories).report
    staff = Actor.staff(make_staff())
    incident = inbox_report_convert(
        actor=staff,
        report=report,
        title="Lekkage keuken",
        description=report.description,
        category=categories["Repair"],
        unit=place.unit,
        household=place.household,
        contact_name=report.name,
        contact_email=report.email,
        contact_phone=report.phone,
        contact_language="nl",
        responsible=None,
        notify_tenant=False,
        notify_supplier=None,
    )
    report.refresh_from_db()
    report_reply_post(actor=link_actor("Ayşe"), report=report, body="Wanneer komen jullie?")
    message = Message.objects.get(incident=incident, from_tenant=True)
    assert message.body == "Wanneer komen jullie?"
    assert message.visibility == Message.Visibility.EXTERNAL


def test_a_reply_on_a_merged_report_goes_to_the_report_it_was_merged_into(
    place, categories, organization, make_staff
):
    first = submit(categories, client_hash="d" * 64).report
    second = submit(categories, client_hash="e" * 64).report
    inbox_report_merge(actor=Actor.staff(make_staff()), report=second, into=first)
    second.refresh_from_db()
    report_reply_post(actor=link_actor("Ayşe"), report=second, body="Nog steeds nat.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.description.endswith("Nog steeds nat.")
    assert "Nog steeds nat." not in second.description


def test_only_a_link_holder_may_reply_and_an_empty_reply_is_refused(
    place, categories, organization
):
    report = submit(categories).report
    with pytest.raises(PermissionDenied):
        report_reply_post(actor=Actor.system(), report=report, body="x")
    with pytest.raises(ValidationError):
        report_reply_post(actor=link_actor("x"), report=report, body="   ")


@pytest.mark.django_db(transaction=True)
def test_parallel_submits_cannot_pass_the_limit_together(place, organization, settings):
    """Six submits at once from one sender with room for three: three are stored."""
    import threading

    from django.db import connection as default_connection
    from django.db import connections

    from meldpunt.incidents.models import Category

    # Transactional tests run last and after a flush: the shipped categories may be gone.
    repair, _created = Category.objects.get_or_create(name_nl="Reparatie", name_en="Repair")
    categories = {"Repair": repair}

    if default_connection.vendor == "sqlite" and default_connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite database")
    settings.MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR = 3
    settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = 100
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def one() -> None:
        try:
            start.wait()
            submit(categories)
            outcomes.append("stored")
        except ReportLimited:
            outcomes.append("limited")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["limited"] * 3 + ["stored"] * 3
    assert InboxReport.objects.count() == 3
