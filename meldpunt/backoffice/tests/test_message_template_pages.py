"""The message-text pages: administrators read, preview, save and restore message wording."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.messages import KINDS, shipped_defaults
from meldpunt.notifications.models import MessageTemplate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDIT = "backoffice:message_template_edit"
WRITES = [
    "backoffice:message_template_preview",
    "backoffice:message_template_save",
    "backoffice:message_template_reset",
]


@pytest.fixture
def admin_client(staff_client, organization) -> Client:  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.ADMIN)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, key: str = "tenant.message", language: str = "nl") -> str:
    return reverse(name, kwargs={"key": key, "language": language})


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "subject": "Bericht over {{ incident_number }}",
        "body_html": (
            '<p>Hallo {{ recipient_name }}</p><p><a class="button" href="{{ link }}">Lees</a></p>'
        ),
        "body_text": "Hallo {{ recipient_name }},\r\n\r\nLees het bericht via {{ link }}",
        "sms_text": "{{ organization_name }}: nieuw bericht. {{ link }}",
    }
    data.update(overrides)
    return data


# --- Who may open what -------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, organization):
    for target in (reverse("backoffice:message_templates"), url(EDIT)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={target}"
    response = client.post(url("backoffice:message_template_save"), form_data())
    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize("role", [StaffRole.AGENT, StaffRole.USER, ""])
def test_staff_other_than_administrators_get_403(staff_client, organization, role):
    client = staff_client(role)
    assert client.get(reverse("backoffice:message_templates")).status_code == 403
    assert client.get(url(EDIT)).status_code == 403
    for name in WRITES:
        assert client.post(url(name), form_data()).status_code == 403
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize("name", WRITES)
def test_write_urls_answer_only_post(admin_client, name):
    assert admin_client.get(url(name)).status_code == 405


def test_the_pages_answer_only_get(admin_client):
    assert admin_client.post(reverse("backoffice:message_templates")).status_code == 405
    assert admin_client.post(url(EDIT)).status_code == 405


@pytest.mark.parametrize(
    ("key", "language"), [("tenant.nothing", "nl"), ("tenant.message", "de"), ("x", "y")]
)
@pytest.mark.parametrize("name", [EDIT, *WRITES])
def test_an_unknown_message_or_language_is_404(admin_client, name, key, language):
    method = admin_client.get if name == EDIT else admin_client.post
    assert method(url(name, key, language), form_data()).status_code == 404
    assert not MessageTemplate.objects.exists()


def test_the_menu_shows_message_texts_to_administrators_only(admin_client, staff_client):
    link = f'href="{reverse("backoffice:message_templates")}"'
    assert link in admin_client.get(reverse("backoffice:home")).text
    assert link not in staff_client(StaffRole.AGENT).get(reverse("backoffice:home")).text


# --- The list ----------------------------------------------------------------


def test_the_list_groups_every_message_by_audience(admin_client):
    response = admin_client.get(reverse("backoffice:message_templates"))
    assert response.status_code == 200
    for audience in ("tenant", "supplier", "owner", "staff"):
        assert f'id="messages-{audience}"' in response.text
    for kind in KINDS:
        for language in ("nl", "en", "nb"):
            assert f'data-testid="edit-{kind.key}-{language}"' in response.text
    assert "New message for the tenant" in response.text
    assert "Own text" not in response.text


def test_the_list_shows_who_customised_a_message(admin_client, make_staff):
    editor = make_staff(StaffRole.ADMIN, first_name="Sanne", last_name="Bakker")
    MessageTemplate.objects.create(
        key="supplier.message", language="nb", subject="x", updated_by=editor
    )
    response = admin_client.get(reverse("backoffice:message_templates"))
    assert response.text.count("Own text") == 1
    assert "by Sanne Bakker" in response.text


def test_the_list_runs_a_constant_number_of_queries(admin_client, django_assert_num_queries):  # type: ignore[no-untyped-def]
    list_url = reverse("backoffice:message_templates")
    admin_client.get(list_url)
    with django_assert_num_queries(5):  # session, user, organization, inbox badge, message texts
        admin_client.get(list_url)
    for index, kind in enumerate(KINDS):
        for language in ("nl", "en", "nb"):
            MessageTemplate.objects.create(
                key=kind.key,
                language=language,
                subject="x",
                updated_by=UserFactory(role=StaffRole.ADMIN, username=f"editor-{index}-{language}"),
            )
    with django_assert_num_queries(5):
        response = admin_client.get(list_url)
    assert response.text.count("Own text") == len(KINDS) * 3


# --- The edit page -----------------------------------------------------------


def test_the_edit_page_is_prefilled_with_the_default_and_lists_the_variables(admin_client):
    response = admin_client.get(url(EDIT, language="en"))
    assert response.status_code == 200
    default = shipped_defaults("tenant.message")["en"]
    assert f'value="{html.escape(default.subject)}"' in response.text
    assert html.escape(default.sms) in response.text
    assert html.escape(default.html.strip()) in response.text
    assert "{{ incident_number }}" in response.text
    assert "{{ organization_phone }}" in response.text
    assert "Default text" in response.text
    assert "Restore default" not in response.text  # nothing to restore
    assert 'aria-current="page" lang="en"' in response.text


def test_the_edit_page_shows_the_own_text_and_who_wrote_it(admin_client, make_staff):
    editor = make_staff(StaffRole.ADMIN, first_name="Sanne", last_name="Bakker")
    MessageTemplate.objects.create(
        key="tenant.message", language="nl", subject="Eigen onderwerp", updated_by=editor
    )
    response = admin_client.get(url(EDIT))
    assert 'value="Eigen onderwerp"' in response.text
    assert "last changed by Sanne Bakker" in response.text
    assert "Restore default" in response.text
    # Fields the row leaves empty show the default.
    assert html.escape(shipped_defaults("tenant.message")["nl"].sms) in response.text


def test_preview_shows_the_result_keeps_the_input_and_saves_nothing(admin_client):
    data = form_data(sms_text="{{ organization_name }}: nieuw bericht 🙂 {{ link }}")
    response = admin_client.post(url("backoffice:message_template_preview"), data)
    assert response.status_code == 200
    assert '<dd id="preview-subject">Bericht over M-2026-00412</dd>' in response.text
    assert '<iframe class="message-preview" sandbox=""' in response.text
    assert 'srcdoc="&lt;!doctype html&gt;\n&lt;html lang=&quot;nl&quot;&gt;' in response.text
    assert (
        "Hallo Anna de Vries,\n\nLees het bericht via https://meldpunt.example.org/"
        in response.text
    )
    info = response.text[response.text.index('id="preview-sms-info"') :]
    assert "characters" in info and "2 SMS messages" in info and "UCS-2" in info
    assert html.escape(data["subject"]) in response.text  # the form keeps the input
    assert not MessageTemplate.objects.exists()
    assert not AuditEvent.objects.exists()


def test_save_stores_the_text_and_returns_to_the_page(admin_client):
    response = admin_client.post(url("backoffice:message_template_save"), form_data())
    assert response.status_code == 302
    assert response["Location"] == url(EDIT)
    row = MessageTemplate.objects.get()
    assert (row.key, row.language, row.subject) == (
        "tenant.message",
        "nl",
        "Bericht over {{ incident_number }}",
    )
    assert row.body_text == "Hallo {{ recipient_name }},\n\nLees het bericht via {{ link }}"
    assert AuditEvent.objects.filter(verb="message_template.changed").count() == 1
    page = admin_client.get(response["Location"])
    assert "Saved. New messages use your text." in page.text
    assert 'value="Bericht over {{ incident_number }}"' in page.text


@pytest.mark.parametrize(
    ("field", "value", "explanation"),
    [
        (
            "body_text",
            'Hallo\n{% include "notifications/email_base.html" %}',
            "Line 2: the tag “include” cannot be used in messages.",
        ),
        (
            "subject",
            "Bericht voor {{ tenant.email }}",
            "Unknown variable: tenant. Available: incident_number, incident_title, link,",
        ),
        ("sms_text", "{% if link %}open", "Line 1: Unclosed tag on line 1: &#x27;if&#x27;"),
        ("body_html", "", "Write the email as it is shown with layout."),
    ],
)
@pytest.mark.parametrize(
    "name", ["backoffice:message_template_save", "backoffice:message_template_preview"]
)
def test_unusable_input_is_refused_with_a_clear_message_and_kept(
    admin_client, name, field, value, explanation
):
    data = form_data(**{field: value})
    response = admin_client.post(url(name), data)
    assert response.status_code == 422
    assert explanation in response.text
    assert 'id="preview"' not in response.text
    if value:
        assert html.escape(value.replace("\r\n", "\n")) in response.text
    assert html.escape(data["sms_text" if field != "sms_text" else "subject"]) in response.text
    assert not MessageTemplate.objects.exists()


def test_restore_default_removes_the_own_text(admin_client):
    admin_client.post(url("backoffice:message_template_save"), form_data())
    response = admin_client.post(url("backoffice:message_template_reset"))
    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()
    assert AuditEvent.objects.filter(verb="message_template.reset").count() == 1
    page = admin_client.get(response["Location"])
    assert "The default text is back in use." in page.text
    assert "Default text" in page.text
    again = admin_client.post(url("backoffice:message_template_reset"), follow=True)
    assert "This message already uses the default text." in again.text


def test_the_dutch_text_is_edited_on_a_dutch_page_by_default(staff_client, organization):
    response = staff_client(StaffRole.ADMIN).get(url(EDIT, key="tenant.report_received"))
    assert response.status_code == 200
    assert '<html lang="nl"' in response.text
    assert 'value="Bedankt voor uw melding {{ incident_number }}"' in response.text
