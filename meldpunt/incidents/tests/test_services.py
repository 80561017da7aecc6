"""Creating incidents of the four kinds (SPEC INC-2, INC-6), their search text,
and the category, phase and saved-view rules (INC-4, INC-5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.common.links import link_resolve
from meldpunt.common.models import AuditEvent
from meldpunt.incidents import services
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Category, Incident, Message, Phase, SavedView
from meldpunt.notifications.models import OutboxMessage, StaffPreference
from meldpunt.people.models import Contact

pytestmark = pytest.mark.django_db


def create(actor: Actor, **overrides: Any) -> Incident:
    values: dict[str, Any] = {
        "kind": Incident.Kind.ON_BEHALF,
        "title": "Lekkende kraan in de keuken",
        "description": "De kraan druppelt al een week.",
        "category": None,
        "household": None,
        "unit": None,
        "common_area": None,
        "installation": None,
        "contact_name": "Ayşe Yılmaz",
        "contact_email": "ayse@example.net",
        "contact_phone": "06 12345678",
        "contact_language": "nl",
        "responsible": None,
    }
    values.update(overrides)
    return services.incident_create(actor=actor, **values)


def outbox() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.order_by("pk"))


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


# ---------------------------------------------------------------- the four kinds


def test_contact_tenant_sends_a_message_notice_by_email_and_sms_with_one_personal_link(
    staff_actor, place
):
    incident = create(
        staff_actor,
        kind=Incident.Kind.CONTACT_TENANT,
        household=place.household,
        unit=place.unit,
    )
    rows = outbox()
    assert [(row.channel, row.recipient) for row in rows] == [
        ("email", "ayse@example.net"),
        ("sms", "+31612345678"),
    ]
    assert {row.template for row in rows} == {"tenant.message"}
    assert {row.event for row in rows} == {"incident.created"}
    assert {row.thread_key for row in rows} == {incident.thread_key}
    assert {row.language for row in rows} == {"nl"}
    assert rows[0].recipient_name == "Ayşe Yılmaz"
    context = rows[0].context
    assert context["incident_number"] == incident.pk
    assert context["incident_title"] == "Lekkende kraan in de keuken"
    assert context["link"].startswith("http")
    assert rows[1].context == context  # one link for both channels
    link = link_resolve(token=token_of(context["link"]), purpose=INCIDENT_LINK_PURPOSE)
    assert link.object_id == incident.public_id
    assert link.expires_at > timezone.now() + timedelta(days=300)


def test_on_behalf_thanks_the_tenant_in_their_language(staff_actor):
    create(staff_actor, contact_language="en", contact_phone="")
    [row] = outbox()
    assert (row.channel, row.template, row.language) == ("email", "tenant.report_received", "en")


def test_a_tenant_who_prefers_whatsapp_gets_whatsapp_instead_of_sms(staff_actor, place):
    Contact.objects.create(
        kind=Contact.Kind.TENANT,
        name="Ayşe Yılmaz",
        household=place.household,
        preferred_channel="whatsapp",
    )
    create(staff_actor, household=place.household, contact_email="")
    assert [(row.channel, row.recipient) for row in outbox()] == [("whatsapp", "+31612345678")]


def test_a_landline_gets_no_text_message(staff_actor):
    create(staff_actor, contact_phone="030 123 4567")
    assert [row.channel for row in outbox()] == ["email"]


def test_on_behalf_without_contact_details_is_stored_and_sends_nothing(staff_actor):
    incident = create(staff_actor, contact_email="", contact_phone="")
    assert incident.pk
    assert outbox() == []


def test_internal_sends_nothing_and_its_first_message_is_internal(staff_actor, phases):
    incident = create(staff_actor, kind=Incident.Kind.INTERNAL)
    assert outbox() == []
    [message] = incident.messages.all()
    assert message.visibility == Message.Visibility.INTERNAL
    assert message.body == "De kraan druppelt al een week."
    assert incident.phase == phases["new"]
    assert incident.is_open


def test_tenant_kinds_start_their_thread_with_an_external_message(staff_actor):
    incident = create(staff_actor, kind=Incident.Kind.CONTACT_TENANT)
    [message] = incident.messages.all()
    assert message.visibility == Message.Visibility.EXTERNAL
    assert message.author == staff_actor.user


def test_archive_is_stored_closed_in_the_first_closed_phase_and_sends_nothing(staff_actor, phases):
    day = timezone.localdate() - timedelta(days=400)
    incident = create(staff_actor, kind=Incident.Kind.ARCHIVE, relevant_on=day)
    assert incident.phase == phases["resolved"]
    assert not incident.is_open
    assert incident.closed_at is not None
    assert incident.relevant_on == day
    assert outbox() == []


def test_relevant_on_is_ignored_for_other_kinds(staff_actor):
    incident = create(staff_actor, relevant_on=timezone.localdate())
    assert incident.relevant_on is None


def test_new_incidents_start_in_the_initial_phase(staff_actor, phases):
    incident = create(staff_actor)
    assert incident.phase == phases["new"]
    assert incident.is_open and incident.closed_at is None


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": Incident.Kind.ARCHIVE}, "relevant_on"),
        (
            {
                "kind": Incident.Kind.ARCHIVE,
                "relevant_on": timezone.localdate() + timedelta(days=2),
            },
            "relevant_on",
        ),
        (
            {"kind": Incident.Kind.CONTACT_TENANT, "contact_email": "", "contact_phone": ""},
            "contact_email",
        ),
        (
            {
                "kind": Incident.Kind.CONTACT_TENANT,
                "contact_email": "",
                "contact_phone": "030 123 4567",
            },
            "contact_email",
        ),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_language": "de"}, "contact_language"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "letter"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(staff_actor, overrides, field):
    with pytest.raises(ValidationError) as caught:
        create(staff_actor, **overrides)
    assert field in caught.value.message_dict
    assert not Incident.objects.exists()
    assert outbox() == []


def test_the_responsible_person_must_be_staff(staff_actor, make_staff):
    with pytest.raises(ValidationError) as caught:
        create(staff_actor, responsible=make_staff(role=""))
    assert "responsible" in caught.value.message_dict


def test_phone_numbers_are_stored_in_international_form(staff_actor):
    incident = create(staff_actor, contact_phone="06-12 34 56 78")
    assert incident.contact_phone == "+31612345678"


def test_a_unit_and_a_household_that_do_not_belong_together_are_allowed(staff_actor, place):
    from tests.factories import HouseholdFactory

    other = HouseholdFactory()
    incident = create(staff_actor, unit=place.unit, household=other)
    assert (incident.unit, incident.household) == (place.unit, other)


def test_only_staff_create_incidents(place):
    with pytest.raises(PermissionDenied):
        create(Actor(kind="tenant"))


# ---------------------------------------------------------------- responsible person (INC-6)


def test_the_responsible_person_is_notified_on_their_channels(
    staff_actor, make_staff, place, categories
):
    colleague = make_staff(email="kim@example.org", phone="+31611112222", language="en")
    StaffPreference.objects.create(
        user=colleague, topic="new_incident", by_email=True, by_whatsapp=True
    )
    incident = create(
        staff_actor,
        kind=Incident.Kind.INTERNAL,
        responsible=colleague,
        unit=place.unit,
        category=categories["Repair"],
    )
    rows = outbox()
    assert [(r.channel, r.recipient, r.template) for r in rows] == [
        ("email", "kim@example.org", "staff.incident_new"),
        ("whatsapp", "+31611112222", "staff.incident_new"),
    ]
    context = rows[0].context
    assert context["incident_number"] == incident.pk
    assert context["address"] == "Merelstraat 12-A, Utrecht"
    assert context["category"] == "Repair"
    assert context["link"].endswith(f"/backoffice/incidents/{incident.public_id}/")
    assert rows[0].language == "en"


def test_the_responsible_person_without_preferences_hears_nothing(staff_actor, make_staff):
    create(staff_actor, kind=Incident.Kind.INTERNAL, responsible=make_staff())
    assert outbox() == []


def test_whoever_makes_themself_responsible_gets_no_message(staff_actor):
    StaffPreference.objects.create(user=staff_actor.user, topic="new_incident", by_email=True)
    create(staff_actor, kind=Incident.Kind.INTERNAL, responsible=staff_actor.user)
    assert outbox() == []


# ---------------------------------------------------------------- audit and search text


def test_creating_is_audited(staff_actor):
    incident = create(staff_actor, kind=Incident.Kind.INTERNAL)
    event = AuditEvent.objects.get(verb="incident.created")
    assert event.object_id == incident.public_id
    assert event.actor_user == staff_actor.user
    assert event.changes["kind"] == {"old": None, "new": "internal"}


def test_search_text_holds_title_description_address_and_tenant_folded(staff_actor, place):
    incident = create(staff_actor, household=place.household, unit=place.unit)
    text = incident.search_text
    for expected in ("lekkende kraan", "druppelt", "merelstraat 12-a", "3521kl", "h700123"):
        assert expected in text
    assert "fam. yilmaz" in text  # the dotless i folded to "i"


def test_search_text_refresh_takes_in_new_messages(staff_actor, make_incident):
    incident = make_incident()
    Message.objects.create(incident=incident, visibility="external", body="Monteur komt dinsdag")
    services.incident_search_text_refresh(incident=incident)
    incident.refresh_from_db()
    assert "monteur komt dinsdag" in incident.search_text


# ---------------------------------------------------------------- categories (INC-4)


def test_default_categories_ship_in_three_languages_with_help_texts(categories):
    assert {"Repair", "Nuisance", "Warranty", "Rent and payments", "Other"} <= set(categories)
    for category in categories.values():
        assert category.name_nl and category.name_en and category.name_nb
        assert category.help_nl and category.help_en and category.help_nb


def test_admins_add_a_category_at_the_end(admin_actor):
    category = services.category_create(actor=admin_actor, name_nl="Schimmel", help_nl="Vocht")
    assert category.ordering == Category.objects.count()
    assert AuditEvent.objects.filter(verb="category.saved", object_id=str(category.pk)).exists()


def test_a_category_needs_a_dutch_name(admin_actor):
    with pytest.raises(ValidationError) as caught:
        services.category_create(actor=admin_actor, name_nl=" ", name_en="Mould")
    assert "name_nl" in caught.value.message_dict


def test_staff_who_are_not_admins_cannot_manage_categories(staff_actor, categories):
    with pytest.raises(PermissionDenied):
        services.category_create(actor=staff_actor, name_nl="Schimmel")
    with pytest.raises(PermissionDenied):
        services.category_delete(actor=staff_actor, category=categories["Other"])


def test_category_update_records_old_and_new(admin_actor, categories):
    category = categories["Other"]
    services.category_update(actor=admin_actor, category=category, name_en="Something else")
    category.refresh_from_db()
    assert category.name_en == "Something else"
    event = AuditEvent.objects.filter(verb="category.saved").latest("pk")
    assert event.changes == {"name_en": {"old": "Other", "new": "Something else"}}


def test_one_category_at_a_time_is_the_default_for_bulk_conversion(admin_actor, categories):
    warranty, other = categories["Warranty"], categories["Other"]
    services.category_update(actor=admin_actor, category=warranty, is_bulk_default=True)
    services.category_update(actor=admin_actor, category=other, is_bulk_default=True)
    assert list(Category.objects.filter(is_bulk_default=True)) == [other]
    mould = services.category_create(actor=admin_actor, name_nl="Schimmel", is_bulk_default=True)
    assert list(Category.objects.filter(is_bulk_default=True)) == [mould]


def test_an_unused_category_can_be_removed(admin_actor, categories):
    services.category_delete(actor=admin_actor, category=categories["Other"])
    assert not Category.objects.filter(name_en="Other").exists()
    assert AuditEvent.objects.filter(verb="category.deleted").exists()


def test_a_category_in_use_is_not_removed(admin_actor, categories, make_incident):
    make_incident(category=categories["Repair"])
    with pytest.raises(ValidationError, match="Switch it off"):
        services.category_delete(actor=admin_actor, category=categories["Repair"])
    assert Category.objects.filter(pk=categories["Repair"].pk).exists()


def test_categories_are_reordered(admin_actor):
    ids = list(Category.objects.values_list("pk", flat=True))
    services.category_reorder(actor=admin_actor, order=list(reversed(ids)))
    assert list(Category.objects.values_list("pk", flat=True)) == list(reversed(ids))


# ---------------------------------------------------------------- phases (INC-5)


def test_default_phases_in_order_and_which_close(phases):
    assert list(Phase.objects.values_list("code", flat=True)) == [
        "new",
        "in_progress",
        "waiting_tenant",
        "waiting_supplier",
        "resolved",
        "closed",
    ]
    assert {code for code, phase in phases.items() if phase.is_closed} == {"resolved", "closed"}
    assert [code for code, phase in phases.items() if phase.is_initial] == ["new"]
    assert phases["waiting_supplier"].name_nb == "Venter på leverandør"


def test_a_new_starting_phase_takes_over_from_the_old_one(admin_actor, phases):
    intake = services.phase_create(
        actor=admin_actor, code="intake", name_nl="Intake", is_initial=True
    )
    assert list(Phase.objects.filter(is_initial=True)) == [intake]
    assert AuditEvent.objects.filter(verb="phase.saved", object_id=str(phases["new"].pk)).exists()


def test_there_is_always_exactly_one_starting_phase(admin_actor, phases):
    with pytest.raises(ValidationError) as caught:
        services.phase_update(actor=admin_actor, phase=phases["new"], is_initial=False)
    assert "is_initial" in caught.value.message_dict
    services.phase_update(actor=admin_actor, phase=phases["in_progress"], is_initial=True)
    assert list(Phase.objects.filter(is_initial=True)) == [phases["in_progress"]]


def test_the_starting_phase_cannot_close_incidents(admin_actor, phases):
    with pytest.raises(ValidationError) as caught:
        services.phase_update(actor=admin_actor, phase=phases["new"], is_closed=True)
    assert "is_closed" in caught.value.message_dict


def test_phase_codes_are_unique_slugs(admin_actor):
    with pytest.raises(ValidationError) as caught:
        services.phase_create(actor=admin_actor, code="new", name_nl="Nieuw 2")
    assert "code" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.phase_create(actor=admin_actor, code="Met spatie", name_nl="X")


def test_the_starting_phase_cannot_be_removed(admin_actor, phases):
    with pytest.raises(ValidationError, match="start"):
        services.phase_delete(actor=admin_actor, phase=phases["new"])


def test_a_phase_in_use_cannot_be_removed(admin_actor, phases, make_incident):
    make_incident(phase=phases["waiting_tenant"])
    with pytest.raises(ValidationError, match="Move them"):
        services.phase_delete(actor=admin_actor, phase=phases["waiting_tenant"])


def test_the_last_closing_phase_cannot_be_removed(admin_actor, phases):
    services.phase_delete(actor=admin_actor, phase=phases["resolved"])
    with pytest.raises(ValidationError, match="only phase that closes"):
        services.phase_delete(actor=admin_actor, phase=phases["closed"])


def test_an_unused_phase_is_removed_and_audited(admin_actor, phases):
    services.phase_delete(actor=admin_actor, phase=phases["waiting_supplier"])
    assert not Phase.objects.filter(code="waiting_supplier").exists()
    event = AuditEvent.objects.get(verb="phase.deleted")
    assert event.changes == {"code": {"old": "waiting_supplier", "new": None}}


def test_incidents_follow_when_a_phase_starts_closing_them(admin_actor, phases, make_incident):
    incident = make_incident(phase=phases["waiting_tenant"])
    services.phase_update(actor=admin_actor, phase=phases["waiting_tenant"], is_closed=True)
    incident.refresh_from_db()
    assert not incident.is_open and incident.closed_at is not None
    services.phase_update(actor=admin_actor, phase=phases["waiting_tenant"], is_closed=False)
    incident.refresh_from_db()
    assert incident.is_open and incident.closed_at is None


def test_phases_are_reordered_and_only_admins_may(admin_actor, staff_actor, phases):
    order = [phases["closed"].pk, phases["new"].pk]
    services.phase_reorder(actor=admin_actor, order=order)
    codes = list(Phase.objects.values_list("code", flat=True))
    assert codes[:2] == ["closed", "new"]
    assert len(codes) == 6
    with pytest.raises(PermissionDenied):
        services.phase_reorder(actor=staff_actor, order=order)


def test_archiving_without_a_closed_phase_is_explained(staff_actor, admin_actor, phases):
    Phase.objects.filter(is_closed=True).delete()
    with pytest.raises(ValidationError, match="no closed phase"):
        create(
            staff_actor,
            kind=Incident.Kind.ARCHIVE,
            relevant_on=timezone.localdate(),
        )


# ---------------------------------------------------------------- saved views


def test_saved_views_are_personal_and_a_name_is_reused(staff_actor, make_staff):
    first = services.saved_view_create(actor=staff_actor, name="Mijn open", query="?mine=1")
    second = services.saved_view_create(actor=staff_actor, name="Mijn open", query="status=all")
    assert first.pk == second.pk
    assert SavedView.objects.get().query == "status=all"
    other = Actor.staff(make_staff())
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(actor=other, saved_view=second)
    services.saved_view_delete(actor=staff_actor, saved_view=second)
    assert not SavedView.objects.exists()
    assert AuditEvent.objects.filter(verb__startswith="saved_view.").count() == 3


def test_a_saved_view_needs_a_name(staff_actor):
    with pytest.raises(ValidationError) as caught:
        services.saved_view_create(actor=staff_actor, name="", query="mine=1")
    assert "name" in caught.value.message_dict


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
