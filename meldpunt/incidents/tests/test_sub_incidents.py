"""Sub-incidents and work orders (SPEC INC-9, INC-10, X-2, C-6): what staff create
and change, what a supplier or owner does through their link, who is told."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.common.links import link_issue, link_resolve
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.common.uploads import CleanUpload, upload_clean
from meldpunt.incidents import sub_incident_party as party_services
from meldpunt.incidents import sub_incidents as services
from meldpunt.incidents.models import (
    Attachment,
    Incident,
    Message,
    SubIncident,
    SubIncidentAttachment,
)
from meldpunt.incidents.sub_incidents import SubIncidentDraft
from meldpunt.notifications.models import OutboxMessage, StaffPreference
from meldpunt.notifications.rendering import render_message
from meldpunt.notifications.tests.mails import PDF_BYTES, png_bytes
from meldpunt.people.models import Channel, Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def incident(organization, place, make_incident) -> Incident:
    return make_incident(
        title="Lekkage in de badkamer",
        description="Water druppelt door het plafond.",
        unit=place.unit,
        household=place.household,
    )


@pytest.fixture
def supplier() -> Contact:
    return ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        name="Piet Loodgieter",
        company="Van Dam Installatie",
        email="planning@vandam.example.com",
        phone="+31612340000",
        preferred_channel=Channel.SMS,
        language="en",
    )


@pytest.fixture
def owner() -> Contact:
    return ContactFactory(
        kind=Contact.Kind.OWNER,
        name="Mevr. Jansen",
        company="",
        email="jansen@example.net",
        phone="+31201234567",  # a landline: no text messages
        trade="",
    )


@pytest.fixture
def colleague(make_staff) -> User:
    return make_staff(role=StaffRole.USER, first_name="Kees", last_name="Monteur")


def draft(kind: str, **values: Any) -> SubIncidentDraft:
    values.setdefault("title", "Lekkage verhelpen")
    values.setdefault("description", "Kraan in de badkamer lekt.")
    return SubIncidentDraft(kind=kind, **values)


def work_order(staff_actor: Actor, incident: Incident, supplier: Contact, **values: Any):
    return services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.EXTERNAL, contact=supplier, **values),
    )


def outbox(template: str | None = None) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.order_by("pk")
    if template is not None:
        rows = rows.filter(template=template)
    return list(rows)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def party(sub_incident: SubIncident) -> Actor:
    """The actor of a supplier or owner holding a live link to ``sub_incident``."""
    link, _token = link_issue(
        obj=sub_incident,
        purpose=services.PARTY_LINK_PURPOSE,
        party=str(sub_incident.contact),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return services.party_actor(link)


def photo(name: str = "foto.png", colour: str = "red") -> CleanUpload:
    return upload_clean(data=png_bytes(colour), original_name=name)


def audits(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


# ---------------------------------------------------------------- creating the three kinds


def test_a_work_order_waits_for_acceptance_and_goes_to_the_supplier_by_email_and_sms(
    staff_actor, staff_user, incident, supplier
):
    order = work_order(
        staff_actor,
        incident,
        supplier,
        planned_on=timezone.localdate() + timedelta(days=3),
        cost_limit=Decimal("450.00"),
    )
    order.refresh_from_db()
    assert order.sequence == 1
    assert order.number == f"{incident.pk}-1"
    assert order.status == SubIncident.Status.SENT
    assert order.is_open
    assert order.phase.is_initial
    assert order.contact == supplier
    assert order.responsible == staff_user
    assert order.created_by == staff_user
    assert order.reminders_on
    assert order.next_reminder_at is not None
    assert order.sent_at is not None

    sent = outbox("supplier.work_order_new")
    assert [(m.channel, m.recipient) for m in sent] == [
        ("email", "planning@vandam.example.com"),
        ("sms", "+31612340000"),
    ]
    for message in sent:
        assert message.thread_key == f"sub_incident:{order.public_id}"
        assert message.language == "en"
        assert message.recipient_name == "Piet Loodgieter"
        assert message.context["work_order_number"] == order.number
        assert "Merelstraat 12" in message.context["address"]
        link = link_resolve(
            token=token_of(message.context["link"]), purpose=services.PARTY_LINK_PURPOSE
        )
        assert services.party_link_resolve(link) == order
        assert render_message(message)  # every variable the text needs is there
    assert sent[0].reply_token and not sent[1].reply_token
    assert [a.object_id for a in audits("sub_incident.created")] == [
        order.public_id,
        incident.public_id,
    ]


def test_numbering_runs_one_two_three_per_incident(
    staff_actor, incident, supplier, owner, colleague, make_incident
):
    first = work_order(staff_actor, incident, supplier)
    second = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.OWNER, contact=owner),
    )
    third = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.INTERNAL, assignee=colleague),
    )
    other = work_order(staff_actor, make_incident(title="Andere melding"), supplier)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert other.sequence == 1
    assert third.number == f"{incident.pk}-3"


def test_an_owner_permission_request_goes_out_with_the_question(staff_actor, incident, owner):
    request = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(
            SubIncident.Kind.OWNER,
            contact=owner,
            permission_question="Mogen wij de cv-ketel vervangen?",
        ),
    )
    assert request.status == SubIncident.Status.OPEN
    assert request.permission == SubIncident.Permission.REQUESTED
    assert not request.reminders_on and request.next_reminder_at is None
    [sent] = outbox()
    assert sent.template == "owner.permission_request"
    assert (sent.channel, sent.recipient) == ("email", "jansen@example.net")
    assert sent.context["message_text"] == "Mogen wij de cv-ketel vervangen?"
    assert render_message(sent)


def test_an_owner_contact_without_a_question_sends_an_owner_message(staff_actor, incident, owner):
    contact = services.sub_incident_create(
        actor=staff_actor, incident=incident, draft=draft(SubIncident.Kind.OWNER, contact=owner)
    )
    assert contact.permission == SubIncident.Permission.NONE
    assert [m.template for m in outbox()] == ["owner.message"]


def test_an_internal_assignment_tells_the_employee_and_nobody_outside(
    staff_actor, incident, colleague, supplier
):
    assignment = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.INTERNAL, assignee=colleague, contact=supplier),
    )
    assert assignment.contact is None
    assert assignment.assignee == colleague
    assert assignment.status == SubIncident.Status.OPEN
    assert assignment.sent_at is None
    assert not assignment.reminders_on
    [sent] = outbox()
    assert sent.template == "staff.incident_assigned"
    assert (sent.channel, sent.recipient) == ("email", colleague.email)
    assert sent.context["incident_number"] == assignment.number
    assert sent.context["assigned_by"] == "Sanne de Boer"
    assert not AccessLink.objects.exists()
    assert render_message(sent)


def test_the_assignee_who_creates_it_is_not_told(staff_actor, staff_user, incident):
    services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.INTERNAL, assignee=staff_user),
    )
    assert not outbox()


@pytest.mark.parametrize(
    ("kind", "field", "values"),
    [
        (SubIncident.Kind.EXTERNAL, "contact", {}),
        (SubIncident.Kind.OWNER, "contact", {}),
        (SubIncident.Kind.INTERNAL, "assignee", {}),
        (SubIncident.Kind.EXTERNAL, "title", {"title": "  "}),
        ("invoice", "kind", {}),
    ],
)
def test_missing_choices_are_field_errors(staff_actor, incident, kind, field, values):
    with pytest.raises(ValidationError) as error:
        services.sub_incident_create(
            actor=staff_actor, incident=incident, draft=draft(kind, **values)
        )
    assert field in error.value.message_dict
    assert not SubIncident.objects.exists()
    assert not outbox()


def test_the_wrong_kind_of_contact_is_refused(staff_actor, incident, supplier, owner):
    with pytest.raises(ValidationError) as error:
        work_order(staff_actor, incident, owner)
    assert error.value.message_dict == {"contact": ["That contact is not a supplier."]}
    with pytest.raises(ValidationError) as error:
        services.sub_incident_create(
            actor=staff_actor,
            incident=incident,
            draft=draft(SubIncident.Kind.OWNER, contact=supplier),
        )
    assert error.value.message_dict == {"contact": ["That contact is not an owner."]}


def test_a_contact_that_cannot_be_reached_is_refused(staff_actor, incident):
    unreachable = ContactFactory(kind=Contact.Kind.SUPPLIER, email="", phone="+31301234567")
    with pytest.raises(ValidationError) as error:
        work_order(staff_actor, incident, unreachable)
    assert "no email address or mobile number" in error.value.message_dict["contact"][0]
    assert not SubIncident.objects.exists()


def test_an_inactive_assignee_is_refused(staff_actor, incident, colleague):
    colleague.is_active = False
    colleague.save()
    with pytest.raises(ValidationError) as error:
        services.sub_incident_create(
            actor=staff_actor,
            incident=incident,
            draft=draft(SubIncident.Kind.INTERNAL, assignee=colleague),
        )
    assert "assignee" in error.value.message_dict


def test_dates_limits_and_questions_are_checked(staff_actor, incident, supplier):
    with pytest.raises(ValidationError) as error:
        work_order(
            staff_actor,
            incident,
            supplier,
            planned_on=timezone.localdate() - timedelta(days=1),
            cost_limit=Decimal("-1"),
            permission_question="Mag dit?",
        )
    assert set(error.value.message_dict) == {"planned_on", "cost_limit", "permission_question"}


def test_only_staff_create(incident, supplier):
    with pytest.raises(PermissionDenied):
        services.sub_incident_create(
            actor=Actor.system(),
            incident=incident,
            draft=draft(SubIncident.Kind.EXTERNAL, contact=supplier),
        )


def test_shared_incident_files_are_copied_as_external_files(
    staff_actor, incident, supplier, make_incident
):
    shared = Attachment(
        incident=incident,
        visibility=Message.Visibility.INTERNAL,
        original_name="plafond.jpg",
        content_type="image/jpeg",
        size=1234,
        uploaded_by_name="Sanne de Boer",
    )
    upload = photo()
    shared.file.save("plafond.jpg", upload.content, save=True)
    order = work_order(staff_actor, incident, supplier, shared_attachments=(shared,))
    [copy] = order.attachments.all()
    assert copy.visibility == Message.Visibility.EXTERNAL
    assert (copy.original_name, copy.content_type, copy.size) == ("plafond.jpg", "image/jpeg", 1234)
    assert copy.file.storage.exists(copy.file.name)

    foreign = make_incident(title="Andere melding")
    with pytest.raises(ValidationError) as error:
        work_order(staff_actor, foreign, supplier, shared_attachments=(shared,))
    assert "shared_attachments" in error.value.message_dict


# ---------------------------------------------------------------- party recipients


@pytest.mark.parametrize(
    ("email", "phone", "preferred", "expected"),
    [
        ("a@example.com", "+31612340000", Channel.EMAIL, [("email", "a@example.com")]),
        (
            "a@example.com",
            "+31612340000",
            Channel.WHATSAPP,
            [("email", "a@example.com"), ("whatsapp", "+31612340000")],
        ),
        ("", "+31612340000", Channel.EMAIL, [("sms", "+31612340000")]),
        ("", "+31301234567", Channel.SMS, []),
        ("a@example.com", "+31301234567", Channel.SMS, [("email", "a@example.com")]),
    ],
)
def test_party_recipients_follow_the_contacts_preference(email, phone, preferred, expected):
    contact = Contact(kind=Contact.Kind.SUPPLIER, email=email, phone=phone)
    contact.preferred_channel = preferred
    assert services.party_recipients(contact) == expected


# ---------------------------------------------------------------- staff messages


def test_an_internal_staff_message_is_not_sent(staff_actor, incident, supplier):
    order = work_order(staff_actor, incident, supplier)
    before = OutboxMessage.objects.count()
    message = services.sub_incident_message_post(
        actor=staff_actor,
        sub_incident=order,
        body="Leverancier reageert traag.",
        visibility=Message.Visibility.INTERNAL,
        uploads=[photo()],
    )
    assert message.visibility == Message.Visibility.INTERNAL
    assert OutboxMessage.objects.count() == before
    [file] = order.attachments.all()
    assert file.visibility == Message.Visibility.INTERNAL and file.message == message


def test_an_external_staff_message_goes_to_the_party_with_a_link(staff_actor, incident, supplier):
    order = work_order(staff_actor, incident, supplier)
    message = services.sub_incident_message_post(
        actor=staff_actor,
        sub_incident=order,
        body="De sleutel ligt bij de buren.",
        visibility=Message.Visibility.EXTERNAL,
    )
    sent = outbox("supplier.message")
    assert [m.channel for m in sent] == ["email", "sms"]
    assert sent[0].context["message_text"] == "De sleutel ligt bij de buren."
    link = link_resolve(
        token=token_of(sent[0].context["link"]), purpose=services.PARTY_LINK_PURPOSE
    )
    assert link.object_id == order.public_id
    assert message.author_name == "Sanne de Boer"
    assert not message.from_party


def test_an_internal_assignment_has_nobody_to_write_to(staff_actor, incident, colleague):
    assignment = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.INTERNAL, assignee=colleague),
    )
    with pytest.raises(ValidationError) as error:
        services.sub_incident_message_post(
            actor=staff_actor,
            sub_incident=assignment,
            body="Hallo",
            visibility=Message.Visibility.EXTERNAL,
        )
    assert "visibility" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.sub_incident_message_post(
            actor=staff_actor,
            sub_incident=assignment,
            body="  ",
            visibility=Message.Visibility.INTERNAL,
        )
    assert "body" in error.value.message_dict


# ---------------------------------------------------------------- the supplier's actions


@pytest.fixture
def order(staff_actor, incident, supplier) -> SubIncident:
    order = work_order(staff_actor, incident, supplier)
    OutboxMessage.objects.all().delete()
    return order


def status_mails() -> list[OutboxMessage]:
    return outbox("staff.work_order_status_changed")


def test_accepting_twice_accepts_once(order, staff_user):
    supplier = party(order)
    assert party_services.work_order_accept(actor=supplier, sub_incident=order) is True
    again = SubIncident.objects.get(pk=order.pk)
    assert party_services.work_order_accept(actor=supplier, sub_incident=again) is False
    order.refresh_from_db()
    assert order.status == SubIncident.Status.ACCEPTED
    assert order.accepted_at is not None
    assert order.next_reminder_at is None
    assert len(audits("work_order.accepted")) == 1
    [mail] = status_mails()
    assert (mail.recipient, mail.channel) == (staff_user.email, "email")
    with translation.override(staff_user.language or "nl"):
        assert mail.context["status"] == str(SubIncident.Status.ACCEPTED.label)
    assert mail.context["work_order_number"] == order.number
    assert render_message(mail)


def test_rejecting_needs_a_reason_and_tells_the_responsible(order):
    supplier = party(order)
    with pytest.raises(ValidationError) as error:
        party_services.work_order_reject(actor=supplier, sub_incident=order, reason="  ")
    assert "reason" in error.value.message_dict
    assert SubIncident.objects.get(pk=order.pk).status == SubIncident.Status.SENT

    assert party_services.work_order_reject(actor=supplier, sub_incident=order, reason="Geen tijd")
    order.refresh_from_db()
    assert order.status == SubIncident.Status.REJECTED
    assert order.rejection_reason == "Geen tijd"
    assert order.next_reminder_at is None
    [message] = order.messages.all()
    assert message.from_party and message.visibility == Message.Visibility.EXTERNAL
    assert len(status_mails()) == 1
    assert (
        party_services.work_order_reject(actor=supplier, sub_incident=order, reason="Nog steeds")
        is False
    )


def test_planning_confirms_and_accepts_a_waiting_order(order):
    supplier = party(order)
    day = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        party_services.work_order_plan(actor=supplier, sub_incident=order, planned_on=None)
    assert "planned_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        party_services.work_order_plan(
            actor=supplier, sub_incident=order, planned_on=timezone.localdate() - timedelta(1)
        )
    assert party_services.work_order_plan(actor=supplier, sub_incident=order, planned_on=day)
    order.refresh_from_db()
    assert order.status == SubIncident.Status.ACCEPTED
    assert order.planned_on == day and order.planned_confirmed_at is not None
    assert order.next_reminder_at is None
    assert (
        party_services.work_order_plan(actor=supplier, sub_incident=order, planned_on=day) is False
    )
    assert len(status_mails()) == 1


def test_every_new_date_proposal_tells_the_responsible(order):
    supplier = party(order)
    first = timezone.localdate() + timedelta(days=2)
    second = first + timedelta(days=1)
    for day in (first, second, first):
        assert party_services.work_order_plan(actor=supplier, sub_incident=order, planned_on=day)
    assert len(status_mails()) == 3


def test_completing_needs_a_note_and_keeps_before_and_after_photos(order):
    supplier = party(order)
    with pytest.raises(ValidationError) as error:
        party_services.work_order_complete(actor=supplier, sub_incident=order, note="")
    assert "note" in error.value.message_dict
    assert party_services.work_order_complete(
        actor=supplier,
        sub_incident=order,
        note="Kraan vervangen.",
        before=[photo("voor.png", "blue")],
        after=[photo("na.png", "green")],
    )
    order.refresh_from_db()
    assert order.status == SubIncident.Status.COMPLETED
    assert order.completion_note == "Kraan vervangen."
    stages = sorted(order.attachments.values_list("stage", "visibility"))
    assert stages == [("after", "external"), ("before", "external")]
    [message] = order.messages.all()
    assert message.from_party and message.via == Message.Via.LINK
    assert len(status_mails()) == 1
    assert (
        party_services.work_order_complete(actor=supplier, sub_incident=order, note="Nog eens")
        is False
    )


def test_a_party_message_with_files_tells_the_responsible(order):
    supplier = party(order)
    message = party_services.party_message_post(
        actor=supplier, sub_incident=order, body="Ik kom morgen.", uploads=[photo()]
    )
    assert message is not None and message.from_party
    assert message.visibility == Message.Visibility.EXTERNAL
    assert order.attachments.get().message == message
    assert len(status_mails()) == 1
    files_only = party_services.party_message_post(
        actor=supplier, sub_incident=order, body="", uploads=[photo("b.png", "blue")]
    )
    assert files_only is None
    assert order.attachments.count() == 2
    with pytest.raises(ValidationError):
        party_services.party_message_post(actor=supplier, sub_incident=order, body=" ")


def test_acting_on_a_cancelled_order_changes_nothing(order, staff_actor):
    services.work_order_cancel(actor=staff_actor, sub_incident=order, reason="Dubbel besteld")
    supplier = party(order)
    fresh = SubIncident.objects.get(pk=order.pk)
    assert party_services.work_order_accept(actor=supplier, sub_incident=fresh) is False
    assert party_services.work_order_reject(actor=supplier, sub_incident=fresh, reason="x") is False
    assert (
        party_services.work_order_plan(
            actor=supplier, sub_incident=fresh, planned_on=timezone.localdate()
        )
        is False
    )
    assert party_services.work_order_complete(actor=supplier, sub_incident=fresh, note="x") is False
    assert SubIncident.objects.get(pk=order.pk).status == SubIncident.Status.CANCELLED
    assert not audits("work_order.accepted")


def test_staff_cannot_act_as_the_party_and_the_party_not_as_staff(order, staff_actor, phases):
    supplier = party(order)
    day = timezone.localdate()
    for call in (
        lambda actor: party_services.work_order_accept(actor=actor, sub_incident=order),
        lambda actor: party_services.work_order_reject(actor=actor, sub_incident=order, reason="x"),
        lambda actor: party_services.work_order_plan(
            actor=actor, sub_incident=order, planned_on=day
        ),
        lambda actor: party_services.work_order_complete(actor=actor, sub_incident=order, note="x"),
        lambda actor: party_services.party_message_post(actor=actor, sub_incident=order, body="x"),
        lambda actor: party_services.owner_permission_answer(
            actor=actor, sub_incident=order, approve=True
        ),
    ):
        with pytest.raises(PermissionDenied):
            call(staff_actor)
    for call in (
        lambda actor: services.work_order_cancel(actor=actor, sub_incident=order, reason="x"),
        lambda actor: services.sub_incident_complete(actor=actor, sub_incident=order),
        lambda actor: services.sub_incident_message_post(
            actor=actor, sub_incident=order, body="x", visibility="internal"
        ),
        lambda actor: services.sub_incident_phase_change(
            actor=actor, sub_incident=order, phase=phases["closed"]
        ),
        lambda actor: services.party_links_revoke(actor=actor, sub_incident=order),
        lambda actor: services.party_link_reissue(actor=actor, sub_incident=order),
    ):
        with pytest.raises(PermissionDenied):
            call(supplier)
    assert SubIncident.objects.get(pk=order.pk).status == SubIncident.Status.SENT


def test_an_owner_cannot_accept_a_work_order_action(staff_actor, incident, owner):
    request = services.sub_incident_create(
        actor=staff_actor, incident=incident, draft=draft(SubIncident.Kind.OWNER, contact=owner)
    )
    with pytest.raises(PermissionDenied):
        party_services.work_order_accept(actor=party(request), sub_incident=request)


def test_status_mails_follow_the_responsibles_preferences(order, staff_user):
    staff_user.phone = "+31687650000"
    staff_user.save()
    StaffPreference.objects.create(
        user=staff_user,
        topic=StaffPreference.Topic.WORK_ORDER,
        by_email=False,
        by_whatsapp=True,
    )
    party_services.work_order_accept(actor=party(order), sub_incident=order)
    assert [(m.channel, m.recipient) for m in status_mails()] == [("whatsapp", "+31687650000")]


def test_a_responsible_who_wants_no_work_order_mail_gets_none(order, staff_user):
    StaffPreference.objects.create(
        user=staff_user, topic=StaffPreference.Topic.WORK_ORDER, by_email=False
    )
    party_services.work_order_accept(actor=party(order), sub_incident=order)
    assert not status_mails()


def test_the_responsible_can_be_someone_else(staff_actor, incident, supplier, colleague):
    order = work_order(staff_actor, incident, supplier, responsible=colleague)
    party_services.work_order_accept(actor=party(order), sub_incident=order)
    assert [m.recipient for m in status_mails()] == [colleague.email]


# ---------------------------------------------------------------- the owner's answer


@pytest.fixture
def permission_request(staff_actor, incident, owner) -> SubIncident:
    request = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.OWNER, contact=owner, permission_question="Mag het?"),
    )
    OutboxMessage.objects.all().delete()
    return request


def test_the_owner_approves_once(permission_request):
    owner = party(permission_request)
    assert party_services.owner_permission_answer(
        actor=owner, sub_incident=permission_request, approve=True
    )
    assert not party_services.owner_permission_answer(
        actor=owner, sub_incident=permission_request, approve=False, reason="Toch niet"
    )
    permission_request.refresh_from_db()
    assert permission_request.permission == SubIncident.Permission.APPROVED
    assert permission_request.permission_answered_at is not None
    assert len(audits("owner.permission_answered")) == 1
    [mail] = status_mails()
    assert render_message(mail)


def test_declining_needs_a_reason_which_becomes_a_message(permission_request):
    owner = party(permission_request)
    with pytest.raises(ValidationError) as error:
        party_services.owner_permission_answer(
            actor=owner, sub_incident=permission_request, approve=False
        )
    assert "reason" in error.value.message_dict
    assert party_services.owner_permission_answer(
        actor=owner, sub_incident=permission_request, approve=False, reason="Te duur"
    )
    permission_request.refresh_from_db()
    assert permission_request.permission == SubIncident.Permission.DECLINED
    assert permission_request.permission_reason == "Te duur"
    assert permission_request.messages.get().body == "Te duur"
    assert len(status_mails()) == 1


# ---------------------------------------------------------------- staff changes


def test_cancelling_tells_the_supplier_and_closes(order, staff_actor):
    with pytest.raises(ValidationError) as error:
        services.work_order_cancel(actor=staff_actor, sub_incident=order, reason="")
    assert "reason" in error.value.message_dict
    services.work_order_cancel(actor=staff_actor, sub_incident=order, reason="Huurder zelf gedaan")
    order.refresh_from_db()
    assert order.status == SubIncident.Status.CANCELLED
    assert not order.is_open and order.closed_at is not None
    assert order.phase.is_closed
    assert order.next_reminder_at is None
    sent = outbox("supplier.message")
    assert [m.channel for m in sent] == ["email", "sms"]
    assert sent[0].context["message_text"] == "Huurder zelf gedaan"
    assert order.messages.get().visibility == Message.Visibility.EXTERNAL
    with pytest.raises(ValidationError):
        services.work_order_cancel(actor=staff_actor, sub_incident=order, reason="Nog eens")


def test_a_closed_phase_closes_and_links_live_thirty_more_days(order, staff_actor, phases):
    link, _token = link_issue(
        obj=order,
        purpose=services.PARTY_LINK_PURPOSE,
        party="x",
        expires_at=services.party_link_expiry(order),
    )
    assert link.expires_at == order.created_at + timedelta(days=180)
    services.sub_incident_phase_change(
        actor=staff_actor, sub_incident=order, phase=phases["closed"]
    )
    order.refresh_from_db()
    link.refresh_from_db()
    assert not order.is_open and order.closed_at is not None
    assert order.next_reminder_at is None
    assert link.expires_at == order.closed_at + timedelta(days=30)
    assert len(audits("sub_incident.phase_changed")) == 1

    services.sub_incident_phase_change(
        actor=staff_actor, sub_incident=order, phase=phases["in_progress"]
    )
    order.refresh_from_db()
    link.refresh_from_db()
    assert order.is_open and order.closed_at is None
    assert link.expires_at == order.created_at + timedelta(days=180)


def test_link_expiry_never_passes_180_days_after_creation(order):
    order.closed_at = order.created_at + timedelta(days=170)
    assert services.party_link_expiry(order) == order.created_at + timedelta(days=180)
    order.closed_at = order.created_at + timedelta(days=10)
    assert services.party_link_expiry(order) == order.created_at + timedelta(days=40)


def test_revoking_makes_every_link_dead(order, staff_actor):
    _link, token = link_issue(
        obj=order,
        purpose=services.PARTY_LINK_PURPOSE,
        party="x",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert services.party_links_revoke(actor=staff_actor, sub_incident=order) >= 1
    with pytest.raises(Http404):
        link_resolve(token=token, purpose=services.PARTY_LINK_PURPOSE)
    assert len(audits("sub_incident.link_revoked")) == 1


def test_reissuing_revokes_old_links_and_sends_a_new_one(order, staff_actor):
    _link, old_token = link_issue(
        obj=order,
        purpose=services.PARTY_LINK_PURPOSE,
        party="x",
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert services.party_link_reissue(actor=staff_actor, sub_incident=order) == ["email", "sms"]
    with pytest.raises(Http404):
        link_resolve(token=old_token, purpose=services.PARTY_LINK_PURPOSE)
    sent = outbox("supplier.work_order_new")
    assert len(sent) == 2
    new = link_resolve(token=token_of(sent[0].context["link"]), purpose=services.PARTY_LINK_PURPOSE)
    assert services.party_link_resolve(new) == order
    services.party_link_reissue(actor=staff_actor, sub_incident=order)
    assert len(outbox("supplier.work_order_new")) == 4  # a second reissue is a new message


def test_a_link_of_another_purpose_resolves_to_nothing(order):
    link, _token = link_issue(
        obj=order, purpose="incident_tenant", party="x", expires_at=timezone.now() + timedelta(1)
    )
    assert services.party_link_resolve(link) is None


def test_updating_details_and_turning_reminders_off(order, staff_actor, colleague):
    assert order.next_reminder_at is not None
    services.sub_incident_update(
        actor=staff_actor,
        sub_incident=order,
        responsible=colleague,
        planned_on=None,
        cost_limit=Decimal("100"),
        reminders_on=False,
        instructions="Bel eerst aan.",
        access_instructions="Sleutel bij de buren.",
    )
    order.refresh_from_db()
    assert order.responsible == colleague
    assert order.cost_limit == Decimal("100")
    assert not order.reminders_on and order.next_reminder_at is None
    audit = audits("sub_incident.changed")[-1]
    assert set(audit.changes) >= {"responsible_id", "cost_limit", "reminders_on"}
    with pytest.raises(ValidationError) as error:
        services.sub_incident_update(
            actor=staff_actor,
            sub_incident=order,
            responsible=None,
            planned_on=None,
            cost_limit=Decimal("-5"),
            reminders_on=False,
            instructions="",
            access_instructions="",
        )
    assert "cost_limit" in error.value.message_dict


def test_staff_complete_an_internal_assignment(staff_actor, incident, colleague):
    assignment = services.sub_incident_create(
        actor=staff_actor,
        incident=incident,
        draft=draft(SubIncident.Kind.INTERNAL, assignee=colleague),
    )
    assert services.sub_incident_complete(actor=staff_actor, sub_incident=assignment, note="Klaar")
    assignment.refresh_from_db()
    assert assignment.status == SubIncident.Status.COMPLETED
    assert assignment.messages.get().visibility == Message.Visibility.INTERNAL
    assert not services.sub_incident_complete(actor=staff_actor, sub_incident=assignment)


def test_staff_files_keep_their_visibility(order, staff_actor):
    added = services.sub_incident_attachments_add(
        actor=staff_actor,
        sub_incident=order,
        uploads=[upload_clean(data=PDF_BYTES, original_name="offerte.pdf")],
        visibility=Message.Visibility.EXTERNAL,
    )
    assert [(a.original_name, a.visibility) for a in added] == [("offerte.pdf", "external")]
    assert SubIncidentAttachment.objects.count() == 1
    with pytest.raises(ValidationError):
        services.sub_incident_attachments_add(
            actor=staff_actor, sub_incident=order, uploads=[], visibility="public"
        )
