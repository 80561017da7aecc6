"""Uploads are judged by content, photos lose their metadata, files are served safely."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import Image

from meldpunt.common.uploads import (
    UploadRejected,
    clean_name,
    file_response,
    upload_clean,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_bytes(size=(40, 30), mode="RGB", colour=(200, 30, 30), **save) -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, colour).save(output, format="PNG", **save)
    return output.getvalue()


def jpeg_bytes(size=(40, 30), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(output, format="JPEG", **save)
    return output.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = {1: "N", 2: (52.0, 5.0, 30.0), 3: "E", 4: (5.0, 7.0, 12.0)}
    return exif


def reopen(upload) -> Image.Image:
    upload.content.seek(0)
    return Image.open(io.BytesIO(upload.content.read()))


def rejected_code(**kwargs) -> str:
    with pytest.raises(UploadRejected) as caught:
        upload_clean(**kwargs)
    return caught.value.code


def with_dimensions(png: bytes, width: int, height: int) -> bytes:
    """The same PNG claiming other dimensions in its header (a decompression bomb's trick)."""
    ihdr_start = 8 + 4  # signature, chunk length
    header = bytearray(png)
    header[ihdr_start + 4 : ihdr_start + 12] = struct.pack(">II", width, height)
    chunk = bytes(header[ihdr_start : ihdr_start + 4 + 13])
    header[ihdr_start + 17 : ihdr_start + 21] = struct.pack(">I", zlib.crc32(chunk))
    return bytes(header)


def test_a_png_with_gps_exif_comes_back_as_a_jpeg_without_any_metadata():
    source = png_bytes(exif=gps_exif())
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)  # the test file has GPS

    upload = upload_clean(data=source, original_name="IMG_0001.PNG")

    assert upload.content_type == "image/jpeg"
    assert upload.original_name == "IMG_0001.jpg"
    image = reopen(upload)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"PhoneMaker" not in upload.content.read()
    assert upload.size == upload.content.size


def test_a_jpeg_with_gps_loses_it_and_is_turned_upright():
    exif = gps_exif()
    exif[ORIENTATION] = 6  # stored sideways, shown rotated 90°
    source = jpeg_bytes(size=(60, 20), exif=exif.tobytes())

    upload = upload_clean(data=source, original_name="photo.jpg")

    image = reopen(upload)
    assert image.size == (20, 60)
    assert not image.getexif().get_ifd(GPS_IFD)
    assert ORIENTATION not in image.getexif()


def test_the_stored_name_is_random_and_not_the_uploaded_one():
    first = upload_clean(data=png_bytes(), original_name="kitchen.png")
    second = upload_clean(data=png_bytes(), original_name="kitchen.png")
    assert first.content.name != second.content.name
    assert "kitchen" not in first.content.name
    assert first.content.name.endswith(".jpg")
    assert len(first.content.name) >= 24


def test_a_transparent_png_is_flattened_on_white():
    source = png_bytes(mode="RGBA", colour=(0, 0, 0, 0))
    upload = upload_clean(data=source, original_name="logo.png")
    image = reopen(upload)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((5, 5))
    assert min(red, green, blue) > 245


def test_a_palette_gif_with_transparency_is_flattened_too():
    output = io.BytesIO()
    Image.new("P", (10, 10), 0).save(output, format="GIF", transparency=0)
    upload = upload_clean(data=output.getvalue(), original_name="anim.gif")
    assert reopen(upload).getpixel((1, 1)) == (255, 255, 255)


@override_settings(MELDPUNT_IMAGE_MAX_SIDE=100, MELDPUNT_IMAGE_QUALITY=60)
def test_large_photos_are_scaled_to_the_longest_side_setting():
    upload = upload_clean(data=png_bytes(size=(300, 150)), original_name="wide.png")
    assert reopen(upload).size == (100, 50)


def test_the_default_longest_side_is_2048():
    upload = upload_clean(data=jpeg_bytes(size=(3000, 1000)), original_name="wide.jpg")
    assert reopen(upload).size == (2048, 683)


def test_an_image_with_huge_dimensions_is_refused_before_it_is_decoded():
    bomb = with_dimensions(png_bytes(size=(10, 10)), 60_000, 60_000)
    assert rejected_code(data=bomb, original_name="bomb.png") == "too_many_pixels"


def test_an_image_just_over_the_pixel_setting_is_refused():
    bomb = with_dimensions(png_bytes(size=(10, 10)), 8000, 6000)  # 48 megapixels
    assert rejected_code(data=bomb, original_name="big.png") == "too_many_pixels"


@override_settings(MELDPUNT_IMAGE_MAX_PIXELS=100)
def test_the_pixel_limit_follows_the_setting():
    assert rejected_code(data=png_bytes(size=(20, 20)), original_name="a.png") == (
        "too_many_pixels"
    )


@pytest.mark.parametrize(
    "header",
    [
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8,
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"#!/bin/sh\nrm -rf /\n",
    ],
    ids=["elf", "pe", "zip", "script"],
)
def test_a_renamed_program_or_archive_is_refused(header):
    data = header + b"\x00" * 512
    assert rejected_code(data=data, original_name="holiday.jpg") == "executable"
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        upload_clean(data=data, original_name="holiday.jpg")
    assert "program" in caught.value.messages[0]


def test_a_zip_that_starts_like_a_pdf_is_not_a_pdf_without_its_trailer():
    data = b"%PDF-1.7\n" + b"PK\x03\x04" + b"\x00" * 4000
    assert rejected_code(data=data, original_name="scan.pdf") == "damaged_pdf"


def test_a_pdf_is_kept_as_it_is():
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    upload = upload_clean(data=pdf, original_name="../../etc/Offerte 2026.PDF")
    assert upload.content_type == "application/pdf"
    assert upload.original_name == "Offerte 2026.pdf"
    assert upload.content.read() == pdf
    assert upload.content.name.endswith(".pdf")


def test_a_truncated_pdf_is_refused_with_a_clear_message():
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n" + b"x" * 5000  # no %%EOF at the end
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        upload_clean(data=pdf, original_name="half.pdf")
    assert caught.value.code == "damaged_pdf"
    assert "incomplete" in caught.value.messages[0]


def test_a_truncated_jpeg_is_refused_as_damaged():
    output = io.BytesIO()
    Image.effect_noise((200, 200), 80).save(output, format="JPEG")
    data = output.getvalue()[: len(output.getvalue()) // 2]
    assert rejected_code(data=data, original_name="cut.jpg") == "damaged_image"


def test_text_pretending_to_be_a_photo_is_refused():
    code = rejected_code(data=b"<svg onload=alert(1)>", original_name="cat.jpg")
    assert code == "type"


def test_an_svg_is_not_an_accepted_image():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'
    assert rejected_code(data=svg, original_name="drawing.svg") == "type"


def test_an_empty_file_is_refused():
    assert rejected_code(data=b"", original_name="nothing.jpg") == "empty"


def test_only_photos_refuses_a_pdf():
    pdf = b"%PDF-1.4\n%%EOF\n"
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        upload_clean(data=pdf, original_name="a.pdf", allowed=frozenset({"image"}))
    assert "Only photos" in caught.value.messages[0]


def test_sixteen_megabytes_are_refused_as_bytes_and_as_an_uploaded_file():
    big = b"%PDF-1.4\n" + b"0" * (16 * 1024 * 1024) + b"\n%%EOF\n"
    assert rejected_code(data=big, original_name="big.pdf") == "too_large"
    uploaded = SimpleUploadedFile("big.pdf", big, content_type="application/pdf")
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        upload_clean(data=uploaded, original_name=uploaded.name)
    assert caught.value.code == "too_large"
    assert "15.0" in caught.value.messages[0]


@override_settings(MELDPUNT_UPLOAD_MAX_BYTES=1000)
def test_the_size_limit_follows_the_setting():
    assert rejected_code(data=b"%PDF-" + b"1" * 2000, original_name="a.pdf") == "too_large"
    assert upload_clean(data=b"%PDF-1.4\n%%EOF\n", original_name="a.pdf").size == 15


def test_an_uploaded_file_object_is_accepted():
    uploaded = SimpleUploadedFile("Foto keuken.png", png_bytes(), content_type="text/plain")
    upload = upload_clean(data=uploaded, original_name=uploaded.name)
    assert upload.content_type == "image/jpeg"  # the claimed type does not matter
    assert upload.original_name == "Foto keuken.jpg"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C:\\Users\\jan\\foto.png", "foto.png"),
        ('bad"name<script>.pdf', "badnamescript.pdf"),
        ("line\nbreak\t.pdf", "line break.pdf"),
        ("", "file"),
        (".hidden", "hidden"),
        ("ø" * 300 + ".pdf", "ø" * 196 + ".pdf"),
    ],
)
def test_file_names_are_cleaned_for_display(raw, expected):
    with translation.override("en"):
        assert clean_name(raw) == expected


def test_a_long_name_keeps_at_most_200_characters():
    upload = upload_clean(data=png_bytes(), original_name="a" * 500 + ".png")
    assert len(upload.original_name) == 200
    assert upload.original_name.endswith(".jpg")


@pytest.fixture
def stored(tmp_path):
    storage = FileSystemStorage(location=tmp_path)

    def store(content: bytes, name: str):
        from django.db.models.fields.files import FieldFile

        saved = storage.save(name, ContentFile(content))
        field_file = FieldFile(None, type("F", (), {"storage": storage})(), saved)
        field_file.storage = storage
        return field_file

    return store


def test_photos_and_pdfs_are_served_inline_in_a_sandbox(stored):
    field_file = stored(b"%PDF-1.4\n%%EOF\n", "abc.pdf")
    response = file_response(
        field_file=field_file, filename='Offerte "2026".pdf', content_type="application/pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert 'filename="Offerte 2026.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    response.file_to_stream.close()


def test_other_types_are_only_offered_as_a_download(stored):
    field_file = stored(b"<html><script>alert(1)</script>", "x.bin")
    response = file_response(field_file=field_file, filename="page.html", content_type="text/html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    response.file_to_stream.close()


def test_a_unicode_file_name_is_sent_encoded(stored):
    field_file = stored(jpeg_bytes(), "abc.jpg")
    response = file_response(
        field_file=field_file, filename="Schade ø.jpg", content_type="image/jpeg"
    )
    assert "filename*=utf-8''Schade%20%C3%B8.jpg" in response["Content-Disposition"]
    response.file_to_stream.close()


def test_a_photo_cut_off_in_its_header_is_called_damaged():
    assert rejected_code(data=jpeg_bytes()[:40], original_name="cut.jpg") == "damaged_image"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Error texts are asserted in English; the interface default is Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_printing_letters_does_not_let_damaged_photos_through():
    """The PDF library switches on Pillow's "load truncated images" when imported."""
    from meldpunt.accounts.letters import _weasyprint

    _weasyprint()
    test_a_truncated_jpeg_is_refused_as_damaged()
