"""The incident page: what it shows, every write it offers, permissions and query counts."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.common.uploads import upload_clean
from meldpunt.incidents.models import Attachment, Incident, Message, Task
from meldpunt.incidents.tests.conftest import incident_make, phases, place  # noqa: F401
from meldpunt.incidents.thread import attachment_add, message_post, task_add
from meldpunt.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


def png(size=(20, 20)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 0, 0)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def staff(make_staff) -> User:
    return make_staff(role=StaffRole.USER, first_name="Sanne", last_name="de Boer")


@pytest.fixture
def client_(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def incident(place, phases, organization) -> Incident:  # noqa: F811
    return incident_make(
        title="Lekkage in de badkamer",
        description="Water <b>onder</b> het bad",
        unit=place.unit,
        household=place.household,
        contact_name="Ayşe Yılmaz",
        contact_email="ayse@example.net",
        contact_phone="+31687654321",
    )


def url(name: str, incident: Incident, *args: str) -> str:
    return reverse(f"backoffice:{name}", args=[incident.public_id, *args])


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_incident_with_its_people_and_place(client_, incident, place):  # noqa: F811
    earlier = incident_make(title="Kapotte deurbel", unit=place.unit)
    response = client_.get(url("incident_detail", incident), **EN)
    assert response.status_code == 200
    text = response.text
    assert f"#{incident.pk}" in text
    assert "Lekkage in de badkamer" in text
    assert "Water &lt;b&gt;onder&lt;/b&gt; het bad" in text  # escaped, never markup
    assert "Merelstraat 12-A" in text
    assert "Fam. Yılmaz" in text
    assert "H700123" in text
    assert "ayse@example.net" in text
    assert "New" in text  # the phase
    assert "On behalf of tenant" in text
    assert earlier.title in text  # earlier incidents of the unit (INC-3)
    assert 'id="status-dialog"' in text
    assert 'id="composer"' in text


def test_messages_show_their_visibility_clearly(client_, incident, staff):
    actor = Actor.staff(staff)
    message_post(actor=actor, incident=incident, body="Voor collega's", visibility="internal")
    message_post(actor=actor, incident=incident, body="Voor de huurder", visibility="external")
    text = client_.get(url("incident_detail", incident), **EN).text
    assert "entry--internal" in text
    assert "entry--external" in text
    assert "Internal · staff only" in text
    assert "External · sent to tenant" in text


def test_anonymous_visitors_go_to_the_login_page(client, incident):
    for name in ("incident_detail", "incident_status"):
        response = client.get(url(name, incident))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(url("incident_message_create", incident), {"composer-body": "x"})
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_a_user_without_a_staff_role_gets_403(staff_client, incident):
    client = staff_client("")
    assert client.get(url("incident_detail", incident)).status_code == 403
    response = client.post(
        url("incident_message_create", incident),
        {"composer-kind": "internal", "composer-body": "x"},
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize("public_id", ["unknown0000000000000", "x"])
def test_an_unknown_incident_is_404(client_, organization, public_id):
    assert client_.get(reverse("backoffice:incident_detail", args=[public_id])).status_code == 404
    assert client_.get(reverse("backoffice:incident_status", args=[public_id])).status_code == 404
    response = client_.post(
        reverse("backoffice:incident_message_create", args=[public_id]),
        {"composer-kind": "internal", "composer-body": "x"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "incident_message_create",
        "incident_attachment_upload",
        "incident_task_create",
    ],
)
def test_writes_answer_405_to_get(client_, incident, name):
    assert client_.get(url(name, incident)).status_code == 405


def test_task_toggles_answer_405_to_get(client_, incident, staff):
    task = task_add(actor=Actor.staff(staff), incident=incident, title="x")
    for name in ("incident_task_done", "incident_task_reopen"):
        assert client_.get(url(name, incident, task.public_id)).status_code == 405
    task.refresh_from_db()
    assert task.done_at is None


def test_the_page_runs_the_same_number_of_queries_for_3_and_30_messages(
    client_, incident, staff, django_assert_num_queries
):
    actor = Actor.staff(staff)
    for number in range(3):
        message_post(actor=actor, incident=incident, body=f"m{number}", visibility="internal")
    task_add(actor=actor, incident=incident, title="Taak", assignee=staff)
    page = url("incident_detail", incident)
    client_.get(page)  # warm caches (content types, sessions)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client_.get(page).status_code == 200
    for number in range(27):
        message_post(actor=actor, incident=incident, body=f"n{number}", visibility="external")
        task_add(actor=actor, incident=incident, title=f"Taak {number}", assignee=staff)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client_.get(page)
    assert response.text.count('data-testid="timeline-message"') == 30
    assert len(few.captured_queries) <= 25


def test_the_page_reads_the_staff_and_the_phases_once_for_all_its_selects(
    client_, incident, staff, make_staff
):
    """Handler, responsible and task assignee offer the same staff; one query serves
    them, and the phase select is read once though Django looks at its options twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meldpunt.incidents.models import Phase

    def phases_in_use() -> list[Phase]:
        return list(Phase.objects.filter(active=True))

    make_staff(first_name="Piet", last_name="Jansen")
    page = url("incident_detail", incident)
    client_.get(page)
    with CaptureQueriesContext(connection) as queries:
        response = client_.get(page, **EN)
    text = response.text
    staff_lists = [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "accounts_user"')
    ]
    phase_lists = [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "incidents_phase"')
    ]
    # The signed-in user, and the staff for the three selects.
    assert len(staff_lists) == 2 and len(phase_lists) == 1
    for name in ("status-handler", "status-responsible", "task-assignee"):
        select = text[text.index(f'name="{name}"') :].split("</select>")[0]
        assert ">Piet Jansen</option>" in select and ">Sanne de Boer</option>" in select
    phase_tag = re.search(r'<select[^>]*name="status-phase"[^>]*>', text)
    assert phase_tag is not None
    phase_select = text[phase_tag.end() :].split("</select>")[0]
    assert phase_select.count("<option") == len(phases_in_use())


# ---------------------------------------------------------------- composer


def test_posting_an_internal_message_redirects_back_and_sends_nothing(client_, incident, staff):
    response = client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "internal", "composer-body": "Even checken"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#timeline")
    message = Message.objects.get()
    assert (message.visibility, message.kind, message.author) == ("internal", "message", staff)
    assert OutboxMessage.objects.count() == 0
    incident.refresh_from_db()
    assert incident.handler == staff  # first responder


def test_posting_an_external_message_queues_it_for_the_tenant(client_, incident):
    client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "external", "composer-body": "We komen dinsdag"},
    )
    assert Message.objects.get().visibility == "external"
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"email", "sms"}


def test_a_note_is_added_as_a_note(client_, incident):
    client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "note", "composer-body": "Sleutel bij buren"},
    )
    assert Message.objects.get().kind == "note"


def test_an_empty_message_keeps_the_form_and_says_why(client_, incident):
    response = client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "external", "composer-body": "  "},
        **EN,
    )
    assert response.status_code == 422
    assert "Write a message first." in response.text
    assert 'value="external" id="id_composer-kind_1" required checked' in response.text
    assert not Message.objects.exists()


def test_external_on_an_internal_incident_without_contact_keeps_the_text(
    client_,
    place,  # noqa: F811
    phases,  # noqa: F811
):
    incident = incident_make(kind=Incident.Kind.INTERNAL, title="Intern")
    response = client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "external", "composer-body": "Mijn tekst blijft staan"},
        **EN,
    )
    assert response.status_code == 422
    assert "only be internal" in response.text
    assert "Mijn tekst blijft staan" in response.text


def test_a_message_with_photos_attaches_them(client_, incident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = [
        SimpleUploadedFile("een.png", png(), content_type="image/png"),
        SimpleUploadedFile("twee.png", png(), content_type="image/png"),
    ]
    client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "external", "composer-body": "Zie foto's", "composer-photos": files},
    )
    message = Message.objects.get()
    assert sorted(a.original_name for a in message.attachments.all()) == ["een.jpg", "twee.jpg"]
    assert set(message.attachments.values_list("visibility", flat=True)) == {"external"}


def test_a_bad_file_is_refused_with_a_clear_message_and_the_text_is_kept(
    client_, incident, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("vakantie.jpg", b"MZ\x90\x00" + b"\x00" * 100)
    response = client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "internal", "composer-body": "Met bijlage", "composer-photos": [fake]},
        **EN,
    )
    assert response.status_code == 422
    assert "vakantie.jpg: This file is a program or an archive" in response.text
    assert "Met bijlage" in response.text
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()


def test_htmx_gets_the_composer_and_the_timeline_back(client_, incident):
    response = client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "internal", "composer-body": "Via htmx"},
        **HTMX,
    )
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith('<section id="composer"')
    assert 'id="timeline" class="panel" aria-labelledby="timeline-title" hx-swap-oob="true"' in text
    assert 'id="incident-summary"' in text
    assert "Via htmx" in text
    assert "The internal message was added." in text  # announced to screen readers


def test_htmx_errors_come_back_as_422_with_the_form(client_, incident):
    response = client_.post(
        url("incident_message_create", incident),
        {"composer-kind": "internal", "composer-body": ""},
        **HTMX,
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<section id="composer"')
    assert "hx-swap-oob" not in response.text


# ---------------------------------------------------------------- files


def test_uploading_files_and_downloading_them(client_, incident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.4\n%%EOF\n"
    response = client_.post(
        url("incident_attachment_upload", incident),
        {
            "upload-visibility": "internal",
            "upload-photos": [
                SimpleUploadedFile("foto.png", png()),
                SimpleUploadedFile("offerte.pdf", pdf),
            ],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#files")
    attachments = {a.original_name: a for a in Attachment.objects.all()}
    assert set(attachments) == {"foto.jpg", "offerte.pdf"}
    download = client_.get(
        url("incident_attachment", incident, attachments["offerte.pdf"].public_id)
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Security-Policy"] == "sandbox"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == pdf
    page = client_.get(url("incident_detail", incident)).text
    assert "offerte.pdf" in page


def test_an_upload_without_files_or_with_a_wrong_type_says_why(client_, incident):
    empty = client_.post(
        url("incident_attachment_upload", incident), {"upload-visibility": "internal"}, **EN
    )
    assert empty.status_code == 422
    assert "This field is required." in empty.text
    wrong = client_.post(
        url("incident_attachment_upload", incident),
        {"upload-visibility": "external", "upload-photos": [SimpleUploadedFile("a.txt", b"hallo")]},
        **EN,
    )
    assert wrong.status_code == 422
    assert "Only photos (JPEG, PNG, GIF, WebP) and PDF files can be added." in wrong.text


def test_the_upload_size_limit_is_explained(client_, incident, settings):
    settings.MELDPUNT_UPLOAD_MAX_BYTES = 100
    response = client_.post(
        url("incident_attachment_upload", incident),
        {
            "upload-visibility": "internal",
            "upload-photos": [SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200)],
        },
        **EN,
    )
    assert response.status_code == 422
    assert "too large" in response.text


def test_another_incident_s_attachment_is_404(client_, incident, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = incident_make(title="Ander")
    attachment = attachment_add(
        actor=Actor.staff(staff),
        incident=other,
        upload=upload_clean(data=png(), original_name="x.png"),
        visibility="internal",
    )
    assert (
        client_.get(url("incident_attachment", incident, attachment.public_id)).status_code == 404
    )
    assert client_.get(url("incident_attachment", other, attachment.public_id)).status_code == 200


def test_attachments_are_for_staff_only(client, staff_client, incident, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = attachment_add(
        actor=Actor.staff(staff),
        incident=incident,
        upload=upload_clean(data=png(), original_name="x.png"),
        visibility="external",
    )
    target = url("incident_attachment", incident, attachment.public_id)
    assert client.get(target).status_code == 302
    assert staff_client("").get(target).status_code == 403


# ---------------------------------------------------------------- tasks


def test_task_flow_through_the_page(client_, incident, staff, make_staff):
    colleague = make_staff(first_name="Rob", last_name="Vos")
    response = client_.post(
        url("incident_task_create", incident),
        {
            "task-title": "Loodgieter bellen",
            "task-assignee": colleague.pk,
            "task-due_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.title, task.assignee, str(task.due_on)) == (
        "Loodgieter bellen",
        colleague,
        "2026-03-01",
    )

    client_.post(url("incident_task_done", incident, task.public_id))
    task.refresh_from_db()
    assert task.done_by == staff

    response = client_.post(url("incident_task_reopen", incident, task.public_id), **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="tasks"')
    task.refresh_from_db()
    assert task.done_at is None


def test_a_task_without_title_keeps_the_input(client_, incident):
    response = client_.post(
        url("incident_task_create", incident),
        {"task-title": "", "task-due_on": "2026-03-01"},
        **EN,
    )
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert 'value="2026-03-01"' in response.text


def test_a_bad_due_date_is_explained(client_, incident):
    response = client_.post(
        url("incident_task_create", incident), {"task-title": "x", "task-due_on": "morgen"}, **EN
    )
    assert response.status_code == 422
    assert "Enter a valid date." in response.text


def test_another_incident_s_task_is_404(client_, incident, staff):
    other = incident_make(title="Ander")
    task = task_add(actor=Actor.staff(staff), incident=other, title="x")
    assert client_.post(url("incident_task_done", incident, task.public_id)).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


# ---------------------------------------------------------------- status dialog


def test_the_status_page_works_without_script(client_, incident, phases, make_staff):  # noqa: F811
    handler = make_staff(first_name="Rob", last_name="Vos")
    page = client_.get(url("incident_status", incident), **EN)
    assert page.status_code == 200
    assert "Save status" in page.text
    response = client_.post(
        url("incident_status", incident),
        {
            "status-phase": phases["resolved"].pk,
            "status-handler": handler.pk,
            "status-responsible": "",
            "status-note": "Opgelost door loodgieter",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.phase == phases["resolved"]
    assert not incident.is_open
    assert incident.handler == handler
    assert Message.objects.get().body == "Opgelost door loodgieter"
    handler_mail = OutboxMessage.objects.get(template="staff.incident_assigned")
    assert handler_mail.recipient == handler.email


def test_the_status_dialog_over_htmx_swaps_the_summary_and_timeline(client_, incident, phases):  # noqa: F811
    response = client_.post(
        url("incident_status", incident),
        {"status-phase": phases["in_progress"].pk, "status-handler": "", "status-responsible": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert (
        'id="incident-summary" class="panel" aria-labelledby="summary-title" hx-swap-oob="true"'
        in (response.text)
    )
    assert "In progress" in response.text


def test_a_bad_phase_keeps_the_status_form(client_, incident):
    response = client_.post(
        url("incident_status", incident),
        {"status-phase": "999999", "status-note": "mijn notitie"},
        **EN,
    )
    assert response.status_code == 422
    assert "Select a valid choice." in response.text
    assert "mijn notitie" in response.text
    htmx = client_.post(url("incident_status", incident), {"status-phase": ""}, **HTMX)
    assert htmx.status_code == 422
    assert "hx-swap-oob" not in htmx.text
