"""A reply to a report's confirmation email joins the report, or its incident once
staff made one of it; a deleted report leaves the mail for staff."""

from __future__ import annotations

import pytest

from meldpunt.common.actors import Actor
from meldpunt.incidents.inbox import inbox_report_convert, inbox_report_delete
from meldpunt.incidents.models import InboxReport, Message
from meldpunt.notifications.inbound import inbound_mail_receive
from meldpunt.notifications.models import InboundMail, OutboxMessage
from meldpunt.notifications.tests.mails import make_mail
from meldpunt.notifications.transports import reply_address

from .test_services import submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mail_settings(settings, tmp_path):
    settings.MELDPUNT_MAIL_DOMAIN = "meldpunt.localhost"
    settings.MELDPUNT_REPLY_ADDRESS = "reply+{token}@meldpunt.localhost"
    settings.MEDIA_ROOT = tmp_path / "media"


def reply_to_confirmation(report: InboxReport, text: str) -> InboundMail:
    confirmation = OutboxMessage.objects.get(
        template="tenant.inbox_report_received", channel="email"
    )
    assert confirmation.thread_key == f"inbox_report:{report.public_id}"
    raw = make_mail(
        to=reply_address(confirmation.reply_token), sender="ayse@example.net", text=text
    )
    mail = inbound_mail_receive(raw=raw, source="webhook")
    mail.refresh_from_db()
    return mail


def test_a_reply_before_processing_joins_the_report(place, categories, organization):
    report = submit(categories).report
    mail = reply_to_confirmation(report, "Het lekt nu ook bij de meterkast.")
    assert mail.outcome == InboundMail.Outcome.THREADED
    assert mail.target_ref == f"report:{report.public_id}"
    report.refresh_from_db()
    assert "meterkast" in report.description
    assert "Lekkage onder het aanrecht" in report.description


def test_a_reply_after_conversion_lands_on_the_incident(
    place, categories, organization, phases, make_staff
):
    report = submit(categories).report
    incident = inbox_report_convert(
        actor=Actor.staff(make_staff()),
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
    mail = reply_to_confirmation(report, "Wanneer komt de loodgieter?")
    assert mail.outcome == InboundMail.Outcome.THREADED
    message = Message.objects.get(incident=incident, from_tenant=True)
    assert message.body == "Wanneer komt de loodgieter?"
    assert message.via == Message.Via.EMAIL


def test_a_reply_to_a_deleted_report_is_left_for_staff(place, categories, organization, make_staff):
    report = submit(categories).report
    inbox_report_delete(actor=Actor.staff(make_staff()), report=report)
    mail = reply_to_confirmation(report, "Nog iets")
    assert mail.outcome == InboundMail.Outcome.UNROUTED
    assert mail.outcome_detail
