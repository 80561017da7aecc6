"""Accepting uploaded photos and PDFs, and serving them back.

Guarantees: a file is judged by its content, never by its name or the type
the browser claims. Photos are decoded and re-encoded as JPEG, which drops
EXIF (GPS position, camera serial), anything appended after the image data
and any polyglot trickery; the stored name is random. PDFs are kept as they
are, but only with a PDF header and trailer, and are served inside a
sandbox. Callers store ``CleanUpload.content`` in a ``FileField``.
"""

from __future__ import annotations

import io
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE = "image"
PDF = "pdf"
DEFAULT_ALLOWED = frozenset({IMAGE, PDF})

# Decoders we trust with files from strangers; EPS (Ghostscript) and friends are not among them.
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
NAME_MAX = 200
PDF_TRAILER_WINDOW = 2048

# Programs and archives renamed to look like a photo: refused with their own message.
EXECUTABLE_SIGNATURES = (
    b"\x7fELF",  # Linux and other Unix programs
    b"MZ",  # Windows programs and libraries
    b"\xcf\xfa\xed\xfe",  # macOS programs (64-bit)
    b"\xce\xfa\xed\xfe",  # macOS programs (32-bit)
    b"\xca\xfe\xba\xbe",  # macOS universal programs, Java classes
    b"PK\x03\x04",  # zip, jar, apk, Office documents
    b"PK\x05\x06",  # empty zip
    b"Rar!",
    b"7z\xbc\xaf\x27\x1c",
    b"#!",  # scripts
)


class UploadRejected(ValidationError):
    """The file cannot be accepted; the message says why in the user's language."""


@dataclass(frozen=True, slots=True)
class CleanUpload:
    content: ContentFile
    original_name: str
    content_type: str
    size: int


def max_upload_bytes() -> int:
    return int(getattr(settings, "MELDPUNT_UPLOAD_MAX_BYTES", 15 * 1024 * 1024))


def _too_large() -> UploadRejected:
    return UploadRejected(
        _("This file is too large. Files can be at most %(limit)s."),
        code="too_large",
        params={"limit": filesizeformat(max_upload_bytes())},
    )


def _read(data: bytes | UploadedFile) -> bytes:
    """The file's bytes, without ever reading more than the limit allows."""
    limit = max_upload_bytes()
    if isinstance(data, bytes | bytearray):
        if len(data) > limit:
            raise _too_large()
        return bytes(data)
    if data.size is not None and data.size > limit:
        raise _too_large()
    data.seek(0)
    chunks = []
    total = 0
    for chunk in data.chunks():
        total += len(chunk)
        if total > limit:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def clean_name(name: str, *, extension: str = "") -> str:
    """A file name safe to show and to put in a header: no path, no control characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(char)[0] in {"C", "Z"} else char
        for char in name
        if char not in '"<>|*?:'
    )
    name = " ".join(name.split()).strip(" .")
    stem, dot, current = name.rpartition(".")
    if not dot:
        stem, current = name, ""
    if extension:
        current = extension.lstrip(".")
    stem = stem.strip(" .") or str(_("file"))
    suffix = f".{current.lower()}" if current else ""
    return f"{stem[: NAME_MAX - len(suffix)]}{suffix}"


def _random_name(extension: str) -> str:
    return f"{secrets.token_urlsafe(18)}.{extension}"


def _is_pdf(content: bytes) -> bool:
    return content.startswith(b"%PDF-")


def _clean_pdf(content: bytes, original_name: str) -> CleanUpload:
    if b"%%EOF" not in content[-PDF_TRAILER_WINDOW:]:
        raise UploadRejected(
            _("This PDF is incomplete or damaged. Please save it again and retry."),
            code="damaged_pdf",
        )
    return CleanUpload(
        content=ContentFile(content, name=_random_name("pdf")),
        original_name=clean_name(original_name, extension="pdf"),
        content_type="application/pdf",
        size=len(content),
    )


def _too_many_pixels() -> UploadRejected:
    return UploadRejected(
        _("This image has too many pixels. Please send a smaller photo."), code="too_many_pixels"
    )


def _open_image(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content), formats=IMAGE_FORMATS)
    width, height = image.size
    if width * height > settings.MELDPUNT_IMAGE_MAX_PIXELS:
        raise _too_many_pixels()
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background: JPEG has no transparency."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _scale(image: Image.Image, short_side: int | None) -> Image.Image:
    """Smaller (never larger): the short side at most ``short_side``, or by default
    the long side at most ``MELDPUNT_IMAGE_MAX_SIDE``."""
    if short_side is None:
        side = settings.MELDPUNT_IMAGE_MAX_SIDE
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        return image
    width, height = image.size
    shortest = min(width, height)
    if shortest <= short_side:
        return image
    ratio = short_side / shortest
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _clean_image(
    content: bytes,
    original_name: str,
    *,
    short_side: int | None = None,
    quality: int | None = None,
) -> CleanUpload:
    try:
        with warnings.catch_warnings():
            # Pillow warns, and later refuses, for decompression bombs; treat both as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _open_image(content).verify()
            image = _open_image(content)
            image.seek(0)
            image.load()
            image = ImageOps.exif_transpose(image) or image
            image = _flatten(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise UploadRejected(
            _("This image is damaged or not a supported type. Send a JPEG, PNG or PDF."),
            code="damaged_image",
        ) from error
    image = _scale(image, short_side)
    output = io.BytesIO()
    # No exif= argument: nothing of the original metadata is written back.
    image.save(
        output,
        format="JPEG",
        quality=quality or settings.MELDPUNT_IMAGE_QUALITY,
        optimize=True,
    )
    encoded = output.getvalue()
    return CleanUpload(
        content=ContentFile(encoded, name=_random_name("jpg")),
        original_name=clean_name(original_name, extension="jpg"),
        content_type="image/jpeg",
        size=len(encoded),
    )


IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


def _looks_like_image(content: bytes) -> bool:
    if content.startswith(IMAGE_SIGNATURES) or (
        content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    ):
        return True  # a damaged photo gets the "damaged" message rather than "wrong type"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.open(io.BytesIO(content), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError:
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return False
    return True


def upload_clean(
    *,
    data: bytes | UploadedFile,
    original_name: str,
    allowed: frozenset[str] = DEFAULT_ALLOWED,
    short_side: int | None = None,
    quality: int | None = None,
) -> CleanUpload:
    """Check an uploaded file by its content and return a safe copy to store.

    Photos (JPEG, PNG, GIF, WebP, BMP, TIFF) come back as JPEG. By default the
    long side is at most ``MELDPUNT_IMAGE_MAX_SIDE`` at ``MELDPUNT_IMAGE_QUALITY``;
    ``short_side`` instead scales so the short side is at most that many pixels,
    and ``quality`` sets the JPEG quality (the repair wizard's settings, REP-8).

    Raises ``UploadRejected`` (a ``ValidationError``) with a message for the
    uploader when the file is too large, a program or archive, not an allowed
    image or PDF, a damaged PDF or an image with too many pixels.
    """
    content = _read(data)
    if not content:
        raise UploadRejected(_("This file is empty."), code="empty")
    if content.startswith(EXECUTABLE_SIGNATURES):
        raise UploadRejected(
            _("This file is a program or an archive, not a photo or a PDF."), code="executable"
        )
    if PDF in allowed and _is_pdf(content):
        return _clean_pdf(content, original_name)
    if IMAGE in allowed and _looks_like_image(content):
        return _clean_image(content, original_name, short_side=short_side, quality=quality)
    if allowed == frozenset({IMAGE}):
        message = _("Only photos can be added here (JPEG, PNG, GIF, WebP).")
    elif allowed == frozenset({PDF}):
        message = _("Only PDF files can be added here.")
    else:
        message = _("Only photos (JPEG, PNG, GIF, WebP) and PDF files can be added.")
    raise UploadRejected(message, code="type")


INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf")


def file_response(*, field_file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """Serve a stored upload: shown in the browser only for photos and PDFs, never sniffed,
    and sandboxed so a crafted file cannot run script on this site."""
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=not inline,
        filename=clean_name(filename),
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- form field

MAX_FILES = 10
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos or PDFs; each is checked by content and comes back cleaned."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data: Any, initial: Any = None) -> list[CleanUpload]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("Add at most %(count)s files at once.") % {"count": MAX_FILES}, code="too_many"
            )
        cleaned: list[CleanUpload] = []
        errors: list[ValidationError] = []
        for item in files:
            try:
                cleaned.append(upload_clean(data=item, original_name=item.name or ""))
            except ValidationError as error:
                errors.extend(
                    ValidationError(f"{item.name}: {message}", code=error.code)
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return cleaned
