# ruff: noqa: F811  (fixtures imported from the conftest modules are used as arguments)
"""Steps 4 to 7 of the repair wizard (SPEC REP-8 … REP-11) and what sending makes:
photos (scaled, metadata gone, refused ones named), contact (prefilled only for a
known household), the incident with its photos, request, draft work order and the
tenant's confirmation, the additional report on an open request, a double "Send",
a stale pass, and the preferred date."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent, PendingUpload
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.models import Category, Incident, Message, SubIncident
from meldpunt.incidents.sub_incidents import work_order_draft_create
from meldpunt.incidents.tests.conftest import make_incident  # noqa: F401
from meldpunt.incidents.thread import intake_message_post
from meldpunt.intake.models import RepairRequest, RepairSettings, RepairWizard, WizardEvent
from meldpunt.intake.tests.conftest import Place, WizardWalk
from meldpunt.intake.wizard import Step, WizardClosed, WizardIdentity
from meldpunt.intake.wizard_details import (
    contact_initial,
    wizard_contact_save,
    wizard_costs_accept,
    wizard_photo_remove,
    wizard_photos,
    wizard_photos_add,
    wizard_photos_save,
)
from meldpunt.intake.wizard_object import wizard_object_choose, wizard_unit_choose
from meldpunt.intake.wizard_submit import (
    advised_date,
    closed_reason,
    wizard_preference_save,
    wizard_submit,
)
from meldpunt.notifications.models import OutboxMessage, StaffPreference
from meldpunt.organization.models import Organization
from meldpunt.people.models import Household
from tests.factories import CommonAreaFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def photo(
    name: str = "lek.jpg", size: tuple[int, int] = (1600, 1200), kind: str = "JPEG", **save
) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", size, (20, 90, 200)).save(output, format=kind, **save)
    return SimpleUploadedFile(name, output.getvalue(), content_type=f"image/{kind.lower()}")


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 5.0, 30.0), 3: "E", 4: (5.0, 7.0, 12.0)}
    return exif


def portal(place: Place, **extra) -> WizardIdentity:
    return WizardIdentity(
        mode=RepairWizard.Mode.PORTAL,
        actor=Actor(kind="tenant", label="tenant H700123"),
        household=place.household,
        **extra,
    )


# ---------------------------------------------------------------- photos (REP-8)


def test_photos_are_scaled_to_the_short_side_recompressed_and_stripped(
    walk: WizardWalk, repair_on: RepairSettings
):
    repair_on.photo_short_side = 600
    repair_on.photo_quality = 60
    repair_on.save()
    wizard = walk.confirmed()
    errors = wizard_photos_add(
        wizard=wizard,
        files=[
            photo("kraan.jpg", (1600, 1200), exif=gps_exif()),
            photo("plafond.png", (500, 2000), kind="PNG"),
            photo("scan.tiff", (900, 700), kind="TIFF"),
        ],
    )
    assert errors == []
    kept = wizard_photos(wizard)
    assert [item.original_name for item in kept] == ["kraan.jpg", "plafond.jpg", "scan.jpg"]
    sizes = []
    for item in kept:
        with item.file.open("rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG" and dict(image.getexif()) == {}
        assert b"PhoneMaker" not in data
        sizes.append(image.size)
    # The short side at most 600; a smaller one stays as it was.
    assert sizes == [(800, 600), (500, 2000), (771, 600)]


def test_a_refused_photo_is_named_and_the_good_ones_are_kept(walk: WizardWalk):
    wizard = walk.confirmed()
    errors = wizard_photos_add(
        wizard=wizard,
        files=[
            photo("goed.jpg"),
            SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg"),
            SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
        ],
    )
    assert len(errors) == 2
    assert errors[0].startswith("virus.jpg: ") and errors[1].startswith("brief.pdf: ")
    assert [item.original_name for item in wizard_photos(wizard)] == ["goed.jpg"]


def test_at_most_ten_photos_and_one_can_be_removed_but_not_anothers(walk: WizardWalk, place: Place):
    wizard = walk.confirmed()
    errors = wizard_photos_add(
        wizard=wizard, files=[photo(f"{n}.jpg", (40, 30)) for n in range(12)]
    )
    assert len(wizard_photos(wizard)) == 10
    assert errors == ["You can add at most 10 photos."]
    first = wizard_photos(wizard)[0]
    other = walk.confirmed()
    assert wizard_photo_remove(wizard=other, upload_id=first.pk) is False
    assert wizard_photo_remove(wizard=wizard, upload_id=first.pk) is True
    assert len(wizard_photos(wizard)) == 9


def test_the_description_is_optional_unless_the_organization_requires_it(
    walk: WizardWalk, repair_on: RepairSettings
):
    wizard = walk.confirmed("kitchen-water-pressure-low")
    wizard_costs_accept(wizard=wizard, consent=False)
    repair_on.description_required = True
    repair_on.save()
    with pytest.raises(ValidationError) as caught:
        wizard_photos_save(wizard=wizard, description="   ")
    assert "description" in caught.value.message_dict
    wizard_photos_save(wizard=wizard, description="  Geen water boven  ")
    assert wizard.state["description"] == "Geen water boven"
    assert Step.PHOTOS in wizard.state["done"]


def test_photos_cannot_be_saved_before_the_earlier_steps(walk: WizardWalk):
    wizard = walk.confirmed("kitchen-tap-stiff")  # costs not yet agreed
    with pytest.raises(ValidationError):
        wizard_photos_save(wizard=wizard, description="")


# ---------------------------------------------------------------- contact (REP-9)


def test_an_anonymous_visitor_sees_nobodys_details_a_known_household_its_own(
    walk: WizardWalk, place: Place
):
    anonymous = walk.identified()
    assert contact_initial(anonymous, WizardIdentity.anonymous()) == {
        "name": "",
        "email": "",
        "phone": "",
    }
    identity = portal(place)
    mine = walk.start(identity=identity)
    assert contact_initial(mine, identity) == {
        "name": "Fam. Yılmaz",
        "email": "yilmaz@example.net",
        "phone": "+31612345678",
    }


def test_contact_details_are_checked_like_the_report_forms(walk: WizardWalk):
    wizard = walk.confirmed("kitchen-water-pressure-low")
    wizard_costs_accept(wizard=wizard, consent=False)
    wizard_photos_save(wizard=wizard, description="")
    with pytest.raises(ValidationError) as caught:
        wizard_contact_save(
            wizard=wizard, identity=WizardIdentity.anonymous(), name="", email="x@", phone="12"
        )
    assert set(caught.value.message_dict) == {"name", "email", "phone"}
    with pytest.raises(ValidationError) as caught:
        wizard_contact_save(
            wizard=wizard, identity=WizardIdentity.anonymous(), name="Ayşe", email="", phone=""
        )
    assert "email" in caught.value.message_dict
    wizard_contact_save(
        wizard=wizard,
        identity=WizardIdentity.anonymous(),
        name=" Ayşe  Yılmaz ",
        email="ayse@example.net",
        phone="06 12345678",
        update_household=True,
    )
    # Anonymous: "also update my details" is not offered, so it is ignored.
    assert wizard.state["contact"] == {
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.net",
        "phone": "+31612345678",
        "update_household": False,
    }


def test_a_known_household_may_also_update_its_phone_and_its_email_goes_to_the_account(
    walk: WizardWalk, place: Place, django_capture_on_commit_callbacks
):
    asked: list[str] = []
    identity = portal(place, email_change=asked.append)
    wizard = walk.start(identity=identity)
    wizard_unit_choose(wizard=wizard, identity=identity, unit=place.unit)
    walk.confirmed(wizard=wizard)
    wizard_costs_accept(wizard=wizard, consent=True)
    wizard_photos_save(wizard=wizard, description="")
    wizard_contact_save(
        wizard=wizard,
        identity=identity,
        name="Ayşe Yılmaz",
        email="nieuw@example.net",
        phone="06 23456789",
        update_household=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        wizard_submit(wizard=wizard, identity=identity)
    household = Household.objects.get(pk=place.household.pk)
    assert household.phone == "+31623456789"
    assert household.email == "yilmaz@example.net"  # changed only through the account
    assert asked == ["nieuw@example.net"]
    assert AuditEvent.objects.filter(verb="household.updated").exists()


# ---------------------------------------------------------------- sending (REP-10)


def test_sending_makes_the_incident_photos_request_draft_order_and_confirmation(
    walk: WizardWalk, place: Place, django_capture_on_commit_callbacks
):
    wizard = walk.confirmed()
    wizard_photos_add(wizard=wizard, files=[photo("a.jpg"), photo("b.jpg")])
    wizard_costs_accept(wizard=wizard, consent=True)
    wizard_photos_save(wizard=wizard, description="Het druppelt al een week.")
    wizard_contact_save(
        wizard=wizard,
        identity=WizardIdentity.anonymous(),
        name="Ayşe Yılmaz",
        email="ayse@example.net",
        phone="06 12345678",
    )
    with django_capture_on_commit_callbacks(execute=True):
        submitted = wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())

    incident = submitted.incident
    assert not submitted.additional
    assert incident.source == Incident.Source.WIZARD
    assert incident.kind == Incident.Kind.ON_BEHALF
    assert incident.title == "Kitchen › Tap › Spout › Leaking"
    assert "We replace the washer or the leaking tap." in incident.description
    assert "Het druppelt al een week." in incident.description
    assert incident.category.name_nl == "Reparatieverzoek"
    assert incident.unit == place.unit and incident.household == place.household
    assert (incident.contact_name, incident.contact_email, incident.contact_phone) == (
        "Ayşe Yılmaz",
        "ayse@example.net",
        "+31612345678",
    )
    assert incident.contact_language == "en"
    files = list(incident.attachments.order_by("pk"))
    assert [f.original_name for f in files] == ["a.jpg", "b.jpg"]
    assert {f.visibility for f in files} == {Message.Visibility.EXTERNAL}
    assert PendingUpload.objects.filter(batch=wizard.photo_batch).count() == 0

    request = submitted.request
    assert request.outcome == RepairRequest.Outcome.REQUEST and request.incident == incident
    assert request.path == incident.title
    assert request.template_code == "tap-leaking"
    assert request.template_description == "We replace the washer or the leaking tap."
    assert request.urgency == "3d"
    assert request.deadline == timezone.localdate() + timedelta(days=3)
    assert (request.tenant_pays, request.cost) == (True, Decimal("45.00"))
    assert request.costs_consent_at is not None
    assert request.element_key == "kitchen-tap" and request.node_key == "kitchen-tap-leaking"
    assert request.description == "Het druppelt al een week."
    assert request.tree_revision == wizard.snapshot.revision

    order = SubIncident.objects.get(incident=incident)
    assert (order.kind, order.status, order.contact, order.sent_at) == (
        SubIncident.Kind.EXTERNAL,
        SubIncident.Status.OPEN,
        None,
        None,
    )
    assert not order.reminders_on and order.next_reminder_at is None

    sent = {(m.template, m.channel, m.recipient) for m in OutboxMessage.objects.all()}
    assert sent == {
        ("tenant.report_received", "email", "ayse@example.net"),
        ("tenant.report_received", "sms", "+31612345678"),
    }
    email = OutboxMessage.objects.get(channel="email")
    assert "/m/" in email.context["link"] and email.language == "en"

    wizard.refresh_from_db()
    assert wizard.status == RepairWizard.Status.SUBMITTED and wizard.request == request
    assert wizard.state["appointment_needed"] is True
    assert WizardEvent.objects.filter(wizard=wizard, kind="submitted").count() == 1
    assert AuditEvent.objects.filter(verb="repair_request.submitted").count() == 1


def test_the_organizations_own_category_is_used_when_set(
    walk: WizardWalk, repair_on: RepairSettings, categories
):
    repair_on.category = categories["Repair"]
    repair_on.save()
    submitted = wizard_submit(wizard=walk.ready(), identity=WizardIdentity.anonymous())
    assert submitted.incident.category == categories["Repair"]
    assert not Category.objects.filter(name_nl="Reparatieverzoek").exists()


def test_a_template_without_an_order_or_a_visit_makes_neither(walk: WizardWalk):
    wizard = walk.ready("kitchen-tap-stiff")
    submitted = wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    assert not SubIncident.objects.filter(incident=submitted.incident).exists()
    assert wizard.state["appointment_needed"] is False
    assert submitted.request.deadline is None


def test_a_request_on_a_common_area_is_the_areas(walk: WizardWalk, place: Place):
    pump = CommonAreaFactory(complex=place.complex, kind="pump", name="Hydrofoor")
    pump.units.add(place.unit)
    wizard = walk.identified()
    wizard_object_choose(wizard=wizard, common_area=None)
    submitted = wizard_submit(
        wizard=walk.ready("kitchen-water-pressure-low", wizard=wizard),
        identity=WizardIdentity.anonymous(),
    )
    assert submitted.incident.common_area == pump and submitted.incident.unit is None
    assert submitted.request.common_area == pump and submitted.request.unit == place.unit


def test_two_sends_make_one_request(walk: WizardWalk):
    wizard = walk.ready()
    second_tab = RepairWizard.objects.get(pk=wizard.pk)
    wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    with pytest.raises(WizardClosed):
        wizard_submit(wizard=second_tab, identity=WizardIdentity.anonymous())
    assert Incident.objects.count() == 1 and RepairRequest.objects.count() == 1


def test_staff_who_asked_for_new_incidents_are_told_of_a_request(walk: WizardWalk, make_staff):
    wants = make_staff(email="wants@example.org", language="en")
    StaffPreference.objects.create(
        user=wants, topic=StaffPreference.Topic.NEW_INCIDENT, by_email=True, by_whatsapp=False
    )
    make_staff(email="quiet@example.org")
    submitted = wizard_submit(wizard=walk.ready(), identity=WizardIdentity.anonymous())
    rows = list(OutboxMessage.objects.filter(template="staff.incident_new"))
    assert [row.recipient for row in rows] == ["wants@example.org"]
    assert rows[0].context["incident_number"] == str(submitted.incident.pk)
    assert (
        rows[0].context["link"].endswith(f"/backoffice/incidents/{submitted.incident.public_id}/")
    )


def test_anonymous_requests_for_one_home_are_limited_per_hour(walk: WizardWalk, settings):
    settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = 2
    for _ in range(2):
        wizard_submit(wizard=walk.ready(), identity=WizardIdentity.anonymous())
    third = walk.ready()
    with pytest.raises(ValidationError) as refused:
        wizard_submit(wizard=third, identity=WizardIdentity.anonymous())
    assert "several requests about this home" in " ".join(refused.value.messages)
    third.refresh_from_db()
    assert third.status == RepairWizard.Status.ACTIVE  # nothing typed is lost
    assert RepairRequest.objects.count() == 2


def test_sending_an_unfinished_pass_is_refused_and_leaves_it_open(walk: WizardWalk):
    wizard = walk.confirmed()
    with pytest.raises(ValidationError):
        wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    wizard.refresh_from_db()
    assert wizard.status == RepairWizard.Status.ACTIVE
    assert Incident.objects.count() == 0


def test_a_stale_pass_sends_nothing(walk: WizardWalk):
    wizard = walk.ready()
    RepairWizard.objects.filter(pk=wizard.pk).update(expires_at=timezone.now())
    wizard.refresh_from_db()
    with pytest.raises(WizardClosed):
        wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    assert Incident.objects.count() == 0 and RepairRequest.objects.count() == 0


def test_a_failure_while_sending_leaves_the_pass_open_and_nothing_half_made(
    walk: WizardWalk, monkeypatch
):
    wizard = walk.ready()
    wizard_photos_add(wizard=wizard, files=[photo("a.jpg")])

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("meldpunt.intake.wizard_submit.work_order_draft_create", broken)
    with pytest.raises(RuntimeError):
        wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    wizard.refresh_from_db()
    assert wizard.status == RepairWizard.Status.ACTIVE
    assert Incident.objects.count() == 0 and RepairRequest.objects.count() == 0
    assert PendingUpload.objects.filter(batch=wizard.photo_batch).count() == 1


def test_the_edited_tree_does_not_change_what_a_pass_under_way_sends(walk: WizardWalk):
    from meldpunt.intake.models import RepairTemplate
    from meldpunt.intake.repair_tree import tree_revision_bump

    wizard = walk.identified()
    template = RepairTemplate.objects.get(code="tap-leaking")
    template.description_en = "Changed later."
    template.save()
    tree_revision_bump(tree=template.tree)
    submitted = wizard_submit(wizard=walk.ready(wizard=wizard), identity=WizardIdentity.anonymous())
    assert submitted.request.template_description == "We replace the washer or the leaking tap."
    assert submitted.request.tree_revision == 1


# ---------------------------------------------------------------- additional report (REP-4f)


def test_a_report_on_an_open_request_of_the_same_element_is_added_to_it(
    walk: WizardWalk, place: Place
):
    first = wizard_submit(wizard=walk.ready(), identity=WizardIdentity.anonymous())
    wizard = walk.confirmed("kitchen-tap-stiff")
    # An additional report costs nothing of its own: the costs step is skipped.
    assert wizard.state["costs"] == {
        "shown": False,
        "tenant_pays": False,
        "amount": "0.00",
        "reason": "additional",
    }
    wizard_photos_add(wizard=wizard, files=[photo("erger.jpg")])
    wizard_photos_save(wizard=wizard, description="Nu zit hij ook vast.")
    wizard_contact_save(
        wizard=wizard,
        identity=WizardIdentity.anonymous(),
        name="Ayşe Yılmaz",
        email="ayse@example.net",
        phone="",
    )
    submitted = wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    assert submitted.additional and submitted.incident == first.incident
    assert Incident.objects.count() == 1
    request = submitted.request
    assert request.outcome == RepairRequest.Outcome.ADDITIONAL
    assert request.additional_to == first.request and request.incident is None
    message = first.incident.messages.filter(from_tenant=True).get()
    assert message.visibility == Message.Visibility.EXTERNAL  # the tenant's own request
    assert "Nu zit hij ook vast." in message.body
    assert message.author_name == "Ayşe Yılmaz"
    assert [a.original_name for a in message.attachments.all()] == ["erger.jpg"]
    assert wizard.state["appointment_needed"] is False
    assert SubIncident.objects.filter(incident=first.incident).count() == 1


def test_a_neighbours_additional_report_stays_with_staff(
    walk: WizardWalk, place: Place, make_incident
):
    area = CommonAreaFactory(complex=place.complex, name="Trappenhuis")
    neighbour = HouseholdFactory()
    incident = make_incident(common_area=area, household=neighbour, contact_name="Buurman")
    RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.REQUEST,
        incident=incident,
        common_area=area,
        household=neighbour,
        node_key="stairwell-light-lamp-broken",
        element_key="stairwell-light",
        path="Trappenhuis › Verlichting › Lamp › Kapot",
    )
    area.units.add(place.unit)
    wizard = walk.identified()
    wizard_object_choose(wizard=wizard, common_area=area)
    submitted = wizard_submit(
        wizard=walk.ready("stairwell-light-lamp-broken", wizard=wizard),
        identity=WizardIdentity.anonymous(),
    )
    assert submitted.additional
    message = incident.messages.get(from_tenant=True)
    assert message.visibility == Message.Visibility.INTERNAL
    assert message.author_name == "Ayşe Yılmaz"


# ---------------------------------------------------------------- the preferred date (REP-11)


@pytest.fixture
def sent(walk: WizardWalk) -> RepairWizard:
    wizard = walk.ready()
    wizard_submit(wizard=wizard, identity=WizardIdentity.anonymous())
    wizard.refresh_from_db()
    return wizard


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def test_a_preferred_date_and_block_are_stored_and_a_late_one_is_marked(
    sent: RepairWizard, organization: Organization
):
    today = timezone.localdate()
    monday = next_weekday(today + timedelta(days=14), 0)
    request = wizard_preference_save(
        wizard=sent, preferred_date=monday, part="10-12", organization=organization
    )
    assert (request.preferred_date, request.preferred_part) == (monday, "10-12")
    assert request.after_deadline is True  # the deadline is three days ahead
    assert Step.APPOINTMENT in sent.state["done"]
    assert AuditEvent.objects.filter(verb="repair_request.preference_given").count() == 1
    tuesday = next_weekday(today, 1)
    if tuesday <= request.deadline and not closed_reason(organization, tuesday):
        again = wizard_preference_save(
            wizard=sent, preferred_date=tuesday, part="", organization=organization
        )
        assert again.after_deadline is False


@pytest.mark.parametrize("when", ["past", "saturday", "closed", "far"])
def test_a_preferred_date_in_the_past_on_a_weekend_or_closed_day_is_refused(
    sent: RepairWizard, organization: Organization, when: str
):
    today = timezone.localdate()
    day = {
        "past": today - timedelta(days=1),
        "saturday": next_weekday(today, 5),
        "closed": next_weekday(today + timedelta(days=7), 2),
        "far": today + timedelta(days=200),
    }[when]
    if when == "closed":
        organization.closed_days.create(date=day, reason="Personeelsdag")
    with pytest.raises(ValidationError) as caught:
        wizard_preference_save(
            wizard=sent, preferred_date=day, part="08-10", organization=organization
        )
    assert "preferred_date" in caught.value.message_dict
    if when == "closed":
        assert "Personeelsdag" in caught.value.message_dict["preferred_date"][0]


def test_a_block_must_be_one_of_the_two_hour_blocks(sent: RepairWizard, organization):
    day = next_weekday(timezone.localdate() + timedelta(days=7), 2)
    with pytest.raises(ValidationError) as caught:
        wizard_preference_save(
            wizard=sent, preferred_date=day, part="07-09", organization=organization
        )
    assert "preferred_part" in caught.value.message_dict


def test_no_preference_before_sending_or_without_a_visit(
    walk: WizardWalk, organization: Organization
):
    day = next_weekday(timezone.localdate() + timedelta(days=7), 2)
    with pytest.raises(WizardClosed):
        wizard_preference_save(
            wizard=walk.ready(), preferred_date=day, part="", organization=organization
        )
    no_visit = walk.ready("kitchen-tap-stiff")
    wizard_submit(wizard=no_visit, identity=WizardIdentity.anonymous())
    with pytest.raises(WizardClosed):
        wizard_preference_save(
            wizard=no_visit, preferred_date=day, part="", organization=organization
        )


def test_the_advised_date_is_a_few_working_days_ahead(organization: Organization):
    friday = date(2026, 11, 27)
    assert advised_date(organization, friday) == date(2026, 12, 2)  # Mon, Tue, Wed
    christmas_eve = date(2026, 12, 24)
    # 25 and 26 December and the weekend are closed.
    assert advised_date(organization, christmas_eve) == date(2026, 12, 30)
    assert advised_date(Organization(country="NL"), friday) == date(2026, 12, 2)


# ---------------------------------------------------------------- services used by the wizard


def test_a_draft_work_order_has_no_supplier_link_or_reminder(place: Place, make_incident):
    incident = make_incident(unit=place.unit)
    order = work_order_draft_create(
        actor=Actor.system("test"), incident=incident, title="Kraan lekt", description="Leertje"
    )
    assert (order.kind, order.status, order.contact, order.sequence) == (
        "external",
        "open",
        None,
        1,
    )
    assert OutboxMessage.objects.count() == 0
    second = work_order_draft_create(actor=Actor.system("test"), incident=incident, title="Nog een")
    assert second.sequence == 2
    with pytest.raises(ValidationError):
        work_order_draft_create(actor=Actor.system("test"), incident=incident, title=" ")
    with pytest.raises(PermissionDenied):
        work_order_draft_create(actor=Actor(kind="link"), incident=incident, title="x")


def test_a_sent_work_order_still_needs_its_supplier(place: Place, make_incident):
    from django.db import IntegrityError, transaction

    incident = make_incident(unit=place.unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubIncident.objects.create(
            incident=incident,
            sequence=1,
            kind=SubIncident.Kind.EXTERNAL,
            status=SubIncident.Status.SENT,
            phase=incident.phase,
            title="Zonder leverancier",
        )


def test_intake_messages_are_the_tenants_and_only_the_system_posts_them(
    place: Place, make_incident
):
    incident = make_incident(unit=place.unit, contact_name="Iemand anders")
    clean = upload_clean(data=photo("x.jpg").read(), original_name="x.jpg")
    message = intake_message_post(
        actor=Actor.system("repair wizard"),
        incident=incident,
        author_name="Ayşe",
        body="Extra melding",
        uploads=[clean],
    )
    assert message is not None and message.from_tenant and message.author_name == "Ayşe"
    assert message.via == Message.Via.PORTAL
    assert message.attachments.get().uploaded_by_name == "Ayşe"
    assert (
        intake_message_post(
            actor=Actor.system("repair wizard"),
            incident=incident,
            author_name="Ayşe",
            uploads=[clean],
        )
        is None
    )
    with pytest.raises(PermissionDenied):
        intake_message_post(actor=Actor(kind="link"), incident=incident, author_name="x", body="y")
    with pytest.raises(ValidationError):
        intake_message_post(actor=Actor.system("x"), incident=incident, author_name="x", body=" ")


def test_upload_clean_keeps_its_default_size_and_scales_by_the_short_side_on_request(settings):
    settings.MELDPUNT_IMAGE_MAX_SIDE = 1000
    output = io.BytesIO()
    Image.effect_noise((3000, 1500), 60).convert("RGB").save(output, format="JPEG")
    big = output.getvalue()
    default = Image.open(io.BytesIO(upload_clean(data=big, original_name="b.jpg").content.read()))
    assert default.size == (1000, 500)
    short = upload_clean(data=big, original_name="b.jpg", short_side=1200, quality=50)
    assert Image.open(io.BytesIO(short.content.read())).size == (2400, 1200)
    low = upload_clean(data=big, original_name="b.jpg", short_side=1200, quality=30)
    assert low.size < short.size


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_the_same_moment_make_one_request(walk: WizardWalk):
    """Two clicks on "Send" that arrive together: one request, the other click sees it sent."""
    import threading

    from django.db import connection, connections

    from meldpunt.incidents.models import Phase

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads cannot share an in-memory SQLite database")
    # Transactional tests run after a flush: the shipped phases may be gone.
    Phase.objects.get_or_create(
        code="new", defaults={"name_nl": "Nieuw", "name_en": "New", "is_initial": True}
    )
    wizard = walk.ready()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        mine = RepairWizard.objects.get(pk=wizard.pk)
        try:
            start.wait()
            wizard_submit(wizard=mine, identity=WizardIdentity.anonymous())
            outcomes.append("sent")
        except WizardClosed:
            outcomes.append("already sent")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already sent", "sent"]
    assert Incident.objects.count() == 1 and RepairRequest.objects.count() == 1
    assert SubIncident.objects.count() == 1
