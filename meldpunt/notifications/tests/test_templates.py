"""Message texts: shipped defaults, an organization's own wording, and the locked-down engine."""

from __future__ import annotations

import tomllib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from meldpunt.accounts.models import StaffRole
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.messages import (
    AUTOMATIC_VARIABLES,
    DEFAULTS_DIR,
    KINDS,
    MESSAGE_KINDS,
    TEXT_FIELDS,
    message_languages,
    shipped_defaults,
    supported_language,
)
from meldpunt.notifications.models import MessageTemplate, OutboxMessage
from meldpunt.notifications.rendering import (
    check_message_template,
    clean_html,
    render_message,
    template_variables,
)
from meldpunt.notifications.services import notification_queue
from meldpunt.notifications.template_services import (
    message_preview,
    message_template_reset,
    message_template_save,
    sms_info,
)
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://meldpunt.example.org/l/4fJk9QzX2mWp7RtY8bNc3DvH"
TENANT_CONTEXT = {
    "incident_number": "M-2026-00077",
    "incident_title": "Kapotte deurbel",
    "link": LINK,
}


@pytest.fixture
def organization():  # type: ignore[no-untyped-def]
    return OrganizationFactory(name="Woonstichting De Linden", contact_phone="030 123 4567")


@pytest.fixture
def admin() -> Actor:
    return Actor.staff(UserFactory(role=StaffRole.ADMIN, first_name="Sanne", last_name="Bakker"))


def outbox_row(template: str = "tenant.message", **values: object) -> OutboxMessage:
    """An outbox row as queued, not saved: rendering needs nothing else."""
    fields: dict[str, object] = {
        "template": template,
        "channel": "email",
        "recipient": "huurder@example.net",
        "recipient_name": "Anna de Vries",
        "language": "nl",
        "context": dict(TENANT_CONTEXT),
    }
    fields.update(values)
    return OutboxMessage(**fields)


def own_texts(**overrides: str) -> dict[str, str]:
    texts = {
        "subject": "Nieuw bericht over {{ incident_number }}",
        "body_html": (
            '<p>Hallo {{ recipient_name }}, lees <a class="button" href="{{ link }}">hier</a>.</p>'
        ),
        "body_text": "Hallo {{ recipient_name }}, lees het via {{ link }}",
        "sms_text": "{{ organization_name }}: nieuw bericht. {{ link }}",
    }
    texts.update(overrides)
    return texts


# --- The shipped defaults ----------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
def test_every_kind_ships_all_texts_in_every_language(kind):
    with (DEFAULTS_DIR / f"{kind.key}.toml").open("rb") as file:
        data = tomllib.load(file)
    assert set(data) == set(message_languages())
    for language, table in data.items():
        assert set(table) == set(TEXT_FIELDS), (kind.key, language)
        assert all(table[field].strip() for field in TEXT_FIELDS), (kind.key, language)


@pytest.mark.parametrize("language", ["nl", "en", "nb"])
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
def test_every_default_renders_and_its_sms_fits_in_two_parts(organization, kind, language):
    for field in TEXT_FIELDS:
        used = template_variables(
            check_message_template(getattr(shipped_defaults(kind.key)[language], field))
        )
        assert used <= set(kind.all_variables), (field, used - set(kind.all_variables))
    preview = message_preview(
        key=kind.key,
        language=language,
        subject=shipped_defaults(kind.key)[language].subject,
        body_html=shipped_defaults(kind.key)[language].html,
        body_text=shipped_defaults(kind.key)[language].text,
        sms_text=shipped_defaults(kind.key)[language].sms,
    )
    assert preview.subject and "\n" not in preview.subject
    assert "{{" not in preview.text + preview.html + preview.sms
    assert "Woonstichting De Linden" in preview.html
    assert preview.sms_info.encoding == "GSM-7", preview.sms
    assert preview.sms_info.segments <= 2, preview.sms
    if "link" in kind.variables:
        link = str(kind.sample["link"])
        assert link in preview.sms
        assert link in preview.text
        assert f'href="{link}"' in preview.html


def test_the_tenant_message_keeps_the_message_itself_out_of_the_email(organization):
    assert "message_text" not in MESSAGE_KINDS["tenant.message"].variables
    rendered = render_message(outbox_row(context={**TENANT_CONTEXT, "message_text": "Geheim"}))
    assert "Geheim" not in rendered.text + rendered.html


def test_the_default_is_used_in_the_recipients_language(organization):
    dutch = render_message(outbox_row(language="nl"))
    english = render_message(outbox_row(language="en"))
    norwegian = render_message(outbox_row(language="nb", channel="sms", recipient="+4791234567"))
    assert dutch.subject == "U heeft een bericht van Woonstichting De Linden"
    assert dutch.text.startswith("Beste Anna de Vries,")
    assert english.subject == "You have a message from Woonstichting De Linden"
    assert english.text.startswith("Dear Anna de Vries,")
    assert norwegian.subject == norwegian.html == ""
    assert norwegian.text.startswith("Woonstichting De Linden: du har fått en ny melding")
    assert norwegian.text.endswith(LINK)


def test_an_unknown_language_falls_back_to_dutch(organization):
    assert supported_language("en-GB") == "en"
    assert supported_language("de") == "nl"
    assert render_message(outbox_row(language="de")).subject.startswith("U heeft een bericht")


def test_the_html_is_wrapped_in_the_branded_layout_with_a_button(organization):
    html = render_message(outbox_row()).html
    assert html.startswith("<!doctype html>")
    assert '<html lang="nl">' in html
    assert 'class="button" style="display:inline-block;' in html
    assert f'href="{LINK}"' in html
    assert "030 123 4567" in html


def test_context_values_are_escaped_in_html_but_not_in_text(organization):
    row = outbox_row(context={**TENANT_CONTEXT, "incident_title": "Lek <script>x</script> & kraan"})
    rendered = render_message(row)
    assert "<script>" not in rendered.html
    assert "Lek &lt;script&gt;x&lt;/script&gt; &amp; kraan" in rendered.html
    assert "Lek <script>x</script> & kraan" in rendered.text


def test_variables_not_offered_by_the_kind_are_not_passed_to_the_template(organization):
    MessageTemplate.objects.create(
        key="tenant.message", language="nl", **own_texts(body_text="[{{ secret }}]")
    )
    row = outbox_row(context={**TENANT_CONTEXT, "secret": "s3cr3t"})
    assert render_message(row).text.strip() == "[]"


# --- The organization's own wording ------------------------------------------


def test_an_own_text_is_used_and_other_languages_keep_their_default(organization, admin):
    message_template_save(actor=admin, key="tenant.message", language="nl", **own_texts())
    dutch = render_message(outbox_row(language="nl"))
    assert dutch.subject == "Nieuw bericht over M-2026-00077"
    assert dutch.text == f"Hallo Anna de Vries, lees het via {LINK}\n"
    assert "hier</a>" in dutch.html
    sms = render_message(outbox_row(channel="sms", recipient="+31612345678"))
    assert sms.text == f"Woonstichting De Linden: nieuw bericht. {LINK}"
    english = render_message(outbox_row(language="en"))
    assert english.subject == "You have a message from Woonstichting De Linden"


def test_saving_records_who_changed_what(organization, admin):
    row = message_template_save(actor=admin, key="tenant.message", language="nl", **own_texts())
    assert row is not None and row.updated_by == admin.user
    event = AuditEvent.objects.get(verb="message_template.changed")
    assert event.actor_user == admin.user
    assert event.changes["subject"] == {
        "old": None,
        "new": "Nieuw bericht over {{ incident_number }}",
    }
    message_template_save(
        actor=admin,
        key="tenant.message",
        language="nl",
        **own_texts(subject="Bericht {{ incident_number }}"),
    )
    latest = AuditEvent.objects.filter(verb="message_template.changed").order_by("-id").first()
    assert latest is not None
    assert set(latest.changes) == {"subject"}
    assert latest.changes["subject"]["old"] == "Nieuw bericht over {{ incident_number }}"


def test_saving_the_same_text_again_changes_nothing(organization, admin):
    message_template_save(actor=admin, key="tenant.message", language="nl", **own_texts())
    message_template_save(actor=admin, key="tenant.message", language="nl", **own_texts())
    assert AuditEvent.objects.filter(verb="message_template.changed").count() == 1


def test_reset_restores_the_default(organization, admin):
    message_template_save(actor=admin, key="tenant.message", language="nl", **own_texts())
    assert message_template_reset(actor=admin, key="tenant.message", language="nl") is True
    assert not MessageTemplate.objects.exists()
    assert render_message(outbox_row()).subject == "U heeft een bericht van Woonstichting De Linden"
    event = AuditEvent.objects.get(verb="message_template.reset")
    assert event.changes["subject"]["old"] == "Nieuw bericht over {{ incident_number }}"
    assert message_template_reset(actor=admin, key="tenant.message", language="nl") is False


def test_saving_the_default_unchanged_keeps_using_the_default(organization, admin):
    default = shipped_defaults("tenant.message")["en"]
    saved = message_template_save(
        actor=admin,
        key="tenant.message",
        language="en",
        subject=default.subject,
        body_html=default.html.replace("\n", "\r\n"),  # as a browser sends it
        body_text=default.text,
        sms_text=default.sms + "\n",
    )
    assert saved is None
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER])
def test_only_administrators_change_message_texts(organization, role):
    actor = Actor.staff(UserFactory(role=role))
    with pytest.raises(PermissionDenied):
        message_template_save(actor=actor, key="tenant.message", language="nl", **own_texts())
    with pytest.raises(PermissionDenied):
        message_template_reset(actor=actor, key="tenant.message", language="nl")
    assert not MessageTemplate.objects.exists()


def test_an_unknown_message_or_language_is_refused(organization, admin):
    with pytest.raises(LookupError):
        message_template_save(actor=admin, key="tenant.nothing", language="nl", **own_texts())
    with pytest.raises(ValueError):
        message_template_save(actor=admin, key="tenant.message", language="de", **own_texts())


# --- What an administrator's template may do ---------------------------------


def rejected(admin: Actor, **overrides: str) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        message_template_save(
            actor=admin, key="tenant.message", language="nl", **own_texts(**overrides)
        )
    assert not MessageTemplate.objects.exists()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("source", "tag"),
    [
        ('{% include "notifications/email_base.html" %}', "include"),
        ('{% extends "base.html" %}', "extends"),
        ("{% load i18n %}", "load"),
        ("{% debug %}", "debug"),
        ("{% for x in link %}{{ x }}{% endfor %}", "for"),
        ("{% url 'backoffice:home' %}", "url"),
    ],
)
def test_tags_that_reach_files_or_internals_are_rejected(organization, admin, source, tag):
    errors = rejected(admin, body_text=f"Regel een\n{source}")
    [message] = errors["body_text"]
    assert f"Line 2: the tag “{tag}” cannot be used" in message


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("{{ link|ljust:'99999999' }}", "ljust"),
        ("{{ link|add:link }}", "add"),
        ("{{ x|pprint }}", "pprint"),
    ],
)
def test_filters_that_grow_text_or_show_internals_are_rejected(organization, admin, source, name):
    [message] = rejected(admin, subject=source)["subject"]
    assert f"the filter “{name}” cannot be used" in message


def test_an_unknown_variable_is_reported_with_the_available_ones(organization, admin):
    errors = rejected(
        admin,
        body_html="<p>{{ recipient_name }} {{ user.password }}</p>",
        sms_text="{% if message_text %}{{ incident_number|default:supplier_name }}{% endif %}",
    )
    assert errors["body_html"] == [
        "Unknown variable: user. Available: incident_number, incident_title, link, "
        "recipient_name, organization_name, organization_phone."
    ]
    assert errors["sms_text"][0].startswith("Unknown variables: message_text, supplier_name.")


def test_names_set_inside_the_template_are_not_unknown(organization, admin):
    row = message_template_save(
        actor=admin,
        key="tenant.message",
        language="nl",
        **own_texts(
            body_text="{% with nummer=incident_number %}{{ nummer }}{% endwith %} "
            "{% firstof recipient_name 'bewoner' as naam %}{{ naam }}"
        ),
    )
    assert row is not None
    assert render_message(outbox_row()).text == "M-2026-00077 Anna de Vries\n"


def test_broken_syntax_is_reported_with_its_line(organization, admin):
    errors = rejected(
        admin, body_text="Beste {{ recipient_name }},\n\n{% if link %}klik{% endiff %}"
    )
    assert errors["body_text"][0].startswith("Line 3:")
    errors = rejected(admin, subject="{{ recipient_name|}}")
    assert errors["subject"][0].startswith("Line 1:")


def test_underscore_attributes_cannot_be_reached(organization, admin):
    errors = rejected(admin, body_text="{{ link.__class__ }}")
    assert errors["body_text"][0].startswith("Line 1:")


def test_every_part_an_email_and_sms_kind_sends_is_required(organization, admin):
    errors = rejected(admin, subject=" ", body_html="", body_text="", sms_text="")
    assert set(errors) == {"subject", "body_html", "body_text", "sms_text"}
    assert errors["subject"] == ["Write a subject: this message is sent by email."]


def test_the_html_is_cleaned_of_scripts_styles_and_event_handlers(organization, admin):
    message_template_save(
        actor=admin,
        key="tenant.message",
        language="nl",
        **own_texts(
            body_html='<p onclick="steal()">Hallo</p><script>alert(1)</script>'
            '<style>p{}</style><a href="javascript:alert(2)">x</a>'
            '<img src="https://tracker.example/p.gif"><a href="{{ link }}">lees</a>'
        ),
    )
    html = render_message(outbox_row()).html
    body = html[html.index("<p>Hallo") :]
    assert "<script" not in html and "alert(" not in html
    assert "onclick" not in html and "steal" not in html
    assert "javascript:" not in html
    assert "<img" not in html and "<style" not in html
    assert f'<a href="{LINK}" rel="noopener noreferrer">lees</a>' in body


def test_clean_html_keeps_basic_formatting_and_mail_links():
    html = (
        "<h2>Titel</h2><ul><li><strong>a</strong> <em>b</em></li></ul>"
        '<a href="mailto:info@example.org">mail</a>'
    )
    assert clean_html(html) == (
        "<h2>Titel</h2><ul><li><strong>a</strong> <em>b</em></li></ul>"
        '<a href="mailto:info@example.org" rel="noopener noreferrer">mail</a>'
    )


def test_a_saved_text_that_fails_at_delivery_falls_back_to_the_default(organization):
    # Rows written around the checks (e.g. in the database admin) must not stop messages.
    MessageTemplate.objects.create(
        key="tenant.message", language="nl", **own_texts(subject="{% if %}")
    )
    assert render_message(outbox_row()).subject == "U heeft een bericht van Woonstichting De Linden"


def test_an_empty_field_of_a_saved_text_uses_the_default_for_that_field(organization):
    MessageTemplate.objects.create(key="tenant.message", language="nl", **own_texts(sms_text=""))
    sms = render_message(outbox_row(channel="sms", recipient="+31612345678"))
    assert sms.text.startswith("Woonstichting De Linden: er is een nieuw bericht over uw melding")


def test_parsed_defaults_are_cached_per_process():
    assert shipped_defaults("tenant.message") is shipped_defaults("tenant.message")


# --- Preview -----------------------------------------------------------------


def test_a_preview_renders_unsaved_input_with_sample_values_and_saves_nothing(organization):
    with translation.override("en"):
        preview = message_preview(key="tenant.report_received", language="en", **own_texts())
    assert preview.subject == "Nieuw bericht over M-2026-00412"
    assert preview.text.startswith(
        "Hallo Anna de Vries, lees het via https://meldpunt.example.org/"
    )
    assert preview.sms.startswith("Woonstichting De Linden: nieuw bericht.")
    assert preview.sms_info.segments == 1
    assert not MessageTemplate.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_preview_of_broken_input_reports_the_field(organization):
    with pytest.raises(ValidationError) as caught:
        message_preview(key="tenant.message", language="nl", **own_texts(sms_text="{{ nope }}"))
    assert set(caught.value.message_dict) == {"sms_text"}


# --- SMS length --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length", "segments", "encoding"),
    [
        ("", 0, 0, "GSM-7"),
        ("a" * 160, 160, 1, "GSM-7"),
        ("a" * 161, 161, 2, "GSM-7"),
        ("a" * 306, 306, 2, "GSM-7"),
        ("a" * 307, 307, 3, "GSM-7"),
        ("Blåbær og ørret", 15, 1, "GSM-7"),
        ("Prijs: €5 [ok]", 17, 1, "GSM-7"),
        ("a" * 70 + "ë", 71, 2, "UCS-2"),
        ("Tot morgen 🙂", 13, 1, "UCS-2"),
        ("🙂" * 35, 70, 1, "UCS-2"),
        ("🙂" * 36, 72, 2, "UCS-2"),
    ],
)
def test_sms_length_and_parts_follow_the_gsm_and_ucs2_limits(text, length, segments, encoding):
    info = sms_info(text)
    assert (info.length, info.segments, info.encoding) == (length, segments, encoding)


# --- Through the outbox --------------------------------------------------------


def queue(template: str, **values: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "event": "notification.test_requested",
        "template": template,
        "recipient": "huurder@example.net",
        "recipient_name": "Anna de Vries",
        "channel": "email",
        "context": dict(TENANT_CONTEXT),
        "dedupe_key": f"{template}-{values.get('language', 'nl')}",
        "language": "nl",
    }
    fields.update(values)
    with transaction.atomic():
        return notification_queue(**fields)  # type: ignore[arg-type]


def test_a_queued_tenant_message_is_mailed_with_the_own_subject(
    organization, admin, smtp_sink, django_capture_on_commit_callbacks
):
    message_template_save(actor=admin, key="tenant.message", language="nl", **own_texts())
    with django_capture_on_commit_callbacks(execute=True):
        message = queue("tenant.message")
        english = queue("tenant.message", language="en", recipient="tenant@example.net")
    message.refresh_from_db()
    english.refresh_from_db()
    assert message.status == english.status == OutboxMessage.Status.SENT
    received = {mail["To"]: mail for mail in smtp_sink.messages}
    dutch_mail = received["Anna de Vries <huurder@example.net>"]
    assert dutch_mail["Subject"] == "Nieuw bericht over M-2026-00077"
    assert (
        dutch_mail.get_body(("plain",))
        .get_content()
        .startswith("Hallo Anna de Vries, lees het via")
    )
    assert received["Anna de Vries <tenant@example.net>"]["Subject"] == (
        "You have a message from Woonstichting De Linden"
    )


def test_an_unknown_template_key_fails_the_message_with_a_clear_error(
    organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue("tenant.no_such_message")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.needs_attention
    assert "unknown message template 'tenant.no_such_message'" in message.last_error


def test_every_kind_offers_the_automatic_variables():
    for kind in KINDS:
        assert set(AUTOMATIC_VARIABLES) <= set(kind.all_variables)
        assert not set(AUTOMATIC_VARIABLES) & set(kind.variables), kind.key


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
