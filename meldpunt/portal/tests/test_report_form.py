# ruff: noqa: F811  (fixtures imported from the incident tests are used as arguments)
"""The public report page /incident (SPEC INT-1): no login, every error next to its
field in the visitor's language, everything typed and every photo kept, abuse
limits that never lose a real tenant's input, and no 500 for hostile input."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from meldpunt.common.models import PendingUpload
from meldpunt.incidents.models import InboxAttachment, InboxReport
from meldpunt.incidents.tests.conftest import categories, phases, place  # noqa: F401
from meldpunt.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

FORM = reverse("portal:report_form")
SEND = reverse("portal:report_submit")
SENT = reverse("portal:report_sent")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BATCH = "Zx8" * 11


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def jpeg(name: str = "lek.jpg", colour: tuple[int, int, int] = (0, 90, 200)) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(output, format="JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def valid(categories, **overrides):
    data = {
        "category": categories["Repair"].pk,
        "postcode": "3521 KL",
        "house_number": "12",
        "addition": "A",
        "tenant_number": "",
        "description": "Lekkage onder het aanrecht",
        "name": "Ayşe Yılmaz",
        "email": "ayse@example.net",
        "phone": "06 12345678",
        "website": "",
        "batch": BATCH,
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- showing the form


def test_the_form_is_public_and_shows_categories_with_their_help_text(
    client,
    categories,
    organization,
    django_assert_max_num_queries,
):
    own_cost = categories["Repair"]
    own_cost.help_en = "Small repairs such as a dripping tap are at your own cost."
    own_cost.save()
    with django_assert_max_num_queries(6):
        response = client.get(FORM, **EN)
    assert response.status_code == 200
    text = response.text
    assert "Report a problem" in text
    assert "Step 1 of 4" in text and "Step 4 of 4" in text
    assert "Small repairs such as a dripping tap are at your own cost." in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert re.search(r'name="batch" value="[A-Za-z0-9_-]{32}"', text)
    assert 'enctype="multipart/form-data"' in text


def test_the_page_is_dutch_by_default_and_switches_with_lang(client, categories, organization):
    assert '<html lang="nl">' in client.get(FORM).text
    english = client.get(FORM + "?lang=en")
    assert '<html lang="en">' in english.text
    assert "Step 1 of 4" in english.text
    assert 'action="/incident/send?lang=en"' in english.text
    norwegian = client.get(FORM + "?lang=nb")
    assert '<html lang="nb">' in norwegian.text
    assert client.get(FORM + "?lang=xx").status_code == 200


def test_the_landing_page_links_to_the_form(client, organization):
    assert FORM in client.get("/", **EN).text


def test_send_is_post_only(client, organization):
    assert client.get(SEND).status_code == 405


# ---------------------------------------------------------------- sending


def test_a_valid_report_is_stored_and_the_confirmation_shows_the_reference(
    client,
    place,
    categories,
    organization,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND, valid(categories, photos=[jpeg()]), **EN)
    assert response.status_code == 302
    assert response["Location"] == SENT
    report = InboxReport.objects.get()
    assert report.unit == place.unit
    assert report.language == "en"
    assert report.client_ip_hash and "127.0.0.1" not in report.client_ip_hash
    assert InboxAttachment.objects.filter(report=report).count() == 1
    assert not PendingUpload.objects.exists()
    page = client.get(SENT, **EN)
    assert f"R-{report.pk:06d}" in page.text
    assert "We sent you a confirmation with a personal link" in page.text
    assert page["Cache-Control"] == "no-store"
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"email", "sms"}


def test_the_language_chosen_with_lang_is_kept_when_sending(
    client, place, categories, organization
):
    response = client.post(SEND + "?lang=nb", valid(categories))
    assert response["Location"] == SENT + "?lang=nb"
    assert InboxReport.objects.get().language == "nb"
    assert OutboxMessage.objects.filter(language="nb").exists()


def test_normal_csrf_protection_applies(place, categories, organization):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SEND, valid(categories)).status_code == 403
    assert not InboxReport.objects.exists()
    page = strict.get(FORM)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    ok = strict.post(SEND, {**valid(categories), "csrfmiddlewaretoken": token})
    assert ok.status_code == 302


def test_an_empty_form_gets_a_message_next_to_each_field(client, categories, organization):
    response = client.post(SEND, {}, **EN)
    assert response.status_code == 422
    text = response.text
    assert "Please check the following" in text
    for message in (
        "Choose what your report is about.",
        "Fill in your postcode and house number, or your tenant number",
        "Describe the problem in a few words.",
        "Fill in your name.",
        "Fill in an email address or a phone number, so we can reach you.",
    ):
        assert message in text
    assert 'id="id_name_error"' in text
    assert not InboxReport.objects.exists()


def test_errors_are_shown_in_dutch_by_default(client, categories, organization):
    response = client.post(SEND, {}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 422
    assert '<html lang="nl">' in response.text


def test_bad_input_keeps_everything_that_was_typed(client, place, categories, organization):
    data = valid(categories, email="not-an-address", phone="12", postcode="9999 ZZ")
    data["description"] = "Schimmel in de badkamer"
    response = client.post(SEND, data, **EN)
    assert response.status_code == 422
    text = response.text
    assert "Enter an email address like name@example.com." in text
    assert (
        "Enter a phone number like 06 12345678" in text
        or "This phone number does not exist" in text
    )
    for typed in ("not-an-address", "Schimmel in de badkamer", "Ayşe Yılmaz", 'value="12"'):
        assert typed in text
    assert f'value="{categories["Repair"].pk}"' in text and "checked" in text


def test_an_unknown_address_is_said_next_to_the_postcode(client, place, categories, organization):
    response = client.post(SEND, valid(categories, postcode="9999 ZZ"), **EN)
    assert response.status_code == 422
    assert "We cannot find a home of ours at this postcode and house number" in response.text
    assert 'id="id_postcode_error"' in response.text


def test_a_tenant_number_is_enough_to_find_the_home(client, place, categories, organization):
    data = valid(categories, postcode="", house_number="", addition="", tenant_number="H700123")
    assert client.post(SEND, data).status_code == 302
    assert InboxReport.objects.get().household == place.household


def test_arabic_text_and_emoji_are_accepted(client, place, categories, organization):
    data = valid(categories, description="تسرب المياه في المطبخ 💧", name="فاطمة 😊")
    assert client.post(SEND, data).status_code == 302
    assert InboxReport.objects.get().description == "تسرب المياه في المطبخ 💧"


# ---------------------------------------------------------------- photos


def test_photos_are_kept_across_errors_and_sent_with_the_report(
    client,
    place,
    categories,
    organization,
):
    first = client.post(
        SEND, valid(categories, name="", photos=[jpeg("een.jpg"), jpeg("twee.png")]), **EN
    )
    assert first.status_code == 422
    assert PendingUpload.objects.filter(batch=BATCH).count() == 2
    assert "een.jpg" in first.text and "twee.jpg" in first.text
    assert "Your photos and everything you typed are kept." in first.text
    pending = PendingUpload.objects.filter(batch=BATCH).first()
    thumb = client.get(reverse("portal:report_photo", args=[BATCH, pending.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert (
        client.get(reverse("portal:report_photo", args=["x" * 32, pending.pk])).status_code == 404
    )

    second = client.post(SEND, valid(categories), **EN)
    assert second.status_code == 302
    names = list(InboxAttachment.objects.values_list("original_name", flat=True))
    assert sorted(names) == ["een.jpg", "twee.jpg"]


def test_a_kept_photo_can_be_removed_without_javascript(client, place, categories, organization):
    client.post(SEND, valid(categories, name="", photos=[jpeg("een.jpg"), jpeg("twee.jpg")]))
    remove = PendingUpload.objects.get(original_name="een.jpg")
    response = client.post(SEND, valid(categories, remove_photo=str(remove.pk)), **EN)
    assert response.status_code == 200
    assert "Please check the following" not in response.text
    assert "Lekkage onder het aanrecht" in response.text
    assert not InboxReport.objects.exists()
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["twee.jpg"]
    client.post(SEND, valid(categories))
    assert list(InboxAttachment.objects.values_list("original_name", flat=True)) == ["twee.jpg"]


def test_a_renamed_program_is_refused_and_the_good_photo_kept(
    client,
    place,
    categories,
    organization,
):
    program = SimpleUploadedFile("vakantie.jpg", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(SEND, valid(categories, photos=[jpeg("goed.jpg"), program]), **EN)
    assert response.status_code == 422
    assert (
        "vakantie.jpg: This file is a program or an archive, not a photo or a PDF." in response.text
    )
    assert not InboxReport.objects.exists()
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["goed.jpg"]


def test_an_image_bomb_is_refused_with_a_clear_message(client, place, categories, organization):
    output = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(output, format="PNG")
    bomb = SimpleUploadedFile("bom.png", output.getvalue(), content_type="image/png")
    response = client.post(SEND, valid(categories, photos=[bomb]), **EN)
    assert response.status_code == 422
    assert "This image has too many pixels" in response.text
    assert not PendingUpload.objects.exists()


def test_a_50_mb_upload_gets_a_clear_page_instead_of_an_error(client, categories, organization):
    huge = SimpleUploadedFile("groot.jpg", b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024))
    response = client.post(SEND, valid(categories, photos=[huge]), **EN)
    assert response.status_code == 413
    assert "Your report is too large" in response.text
    assert "Back to the report form" in response.text
    assert not InboxReport.objects.exists() and not PendingUpload.objects.exists()


def test_too_much_form_data_gets_the_same_page(client, categories, organization, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(SEND, valid(categories, description="x" * 5000), **EN)
    assert response.status_code == 413
    assert "Your report is too large" in response.text


# ---------------------------------------------------------------- abuse protection


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(
    client, place, categories, organization
):
    response = client.post(
        SEND, valid(categories, website="https://spam.example", photos=[jpeg()]), **EN
    )
    assert response.status_code == 302
    assert response["Location"] == SENT
    assert not InboxReport.objects.exists()
    assert not PendingUpload.objects.exists()
    assert not OutboxMessage.objects.exists()
    page = client.get(SENT, **EN)
    assert "Thank you, we received your report" in page.text
    assert "R-" not in page.text


def test_the_hourly_limit_per_sender_keeps_the_input_and_says_why(
    client,
    place,
    categories,
    organization,
    settings,
):
    settings.MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR = 1
    assert client.post(SEND, valid(categories), **EN).status_code == 302
    data = valid(categories, description="Tweede melding over de deur")
    response = client.post(SEND, data, **EN)
    assert response.status_code == 429
    assert "You have sent many reports in a short time" in response.text
    assert "Tweede melding over de deur" in response.text
    assert InboxReport.objects.count() == 1
    # Another address is not limited.
    other = client.post(SEND, data, REMOTE_ADDR="192.0.2.50", **EN)
    assert other.status_code == 302


def test_the_hourly_limit_per_home(client, place, categories, organization, settings):
    settings.MELDPUNT_REPORTS_PER_UNIT_PER_HOUR = 1
    assert client.post(SEND, valid(categories), REMOTE_ADDR="192.0.2.1").status_code == 302
    response = client.post(SEND, valid(categories), REMOTE_ADDR="192.0.2.2", **EN)
    assert response.status_code == 429
    assert "several reports about this home in the last hour" in response.text


def test_a_trusted_proxy_passes_the_client_address(
    client,
    place,
    categories,
    organization,
    settings,
):
    settings.MELDPUNT_TRUSTED_PROXY = "10.0.0.1"
    settings.MELDPUNT_REPORTS_PER_CLIENT_PER_HOUR = 1
    behind = {"REMOTE_ADDR": "10.0.0.1"}
    assert (
        client.post(
            SEND, valid(categories), HTTP_X_FORWARDED_FOR="192.0.2.10", **behind
        ).status_code
        == 302
    )
    assert (
        client.post(
            SEND, valid(categories), HTTP_X_FORWARDED_FOR="192.0.2.11", **behind
        ).status_code
        == 302
    )
    again = client.post(SEND, valid(categories), HTTP_X_FORWARDED_FOR="192.0.2.10", **behind)
    assert again.status_code == 429


# ---------------------------------------------------------------- inline address check


def test_the_address_check_shows_the_address_but_never_the_occupant(
    client,
    place,
    organization,
):
    url = reverse("portal:report_address_check")
    found = client.get(url, {"postcode": "3521kl", "house_number": "12a"}, **EN)
    assert found.status_code == 200
    assert "Found: Merelstraat 12-A, Utrecht" in found.text
    assert "Yılmaz" not in found.text and "H700123" not in found.text
    unknown = client.get(url, {"postcode": "9999ZZ", "house_number": "1"}, **EN)
    assert "We cannot find a home of ours" in unknown.text
    assert client.get(url, {"tenant_number": "H700123"}).text.strip() == ""
