"""Reading one received email: who sent it to whom, the new text without the quoted
history and signature, its attachments, and whether a machine sent it.

Pure functions over the bytes of the mail; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

import nh3
from django.utils.translation import gettext as _

MESSAGE_ID_MAX = 250
SUBJECT_MAX = 250
NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ParsedMail:
    message_id: str
    subject: str
    sender: str  # the From address, lower case; "" when missing
    sender_name: str
    recipients: tuple[str, ...]  # every address it was delivered to, lower case
    references: tuple[str, ...]  # Message-IDs it answers, the most direct first
    text: str  # the whole plain text
    reply_text: str  # the new text: quoted history and signature cut off
    attachments: tuple[MailAttachment, ...]
    machine_sent: str  # why it is an automatic reply or bounce; "" for a person's mail


def parse_mail(
    raw: bytes,
    *,
    envelope_sender: str | None = None,
    envelope_recipients: tuple[str, ...] = (),
) -> ParsedMail:
    """Read ``raw``; the envelope (from SMTP or the provider) adds to what the headers say."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    senders = _addresses(message, "From")
    sender_name, sender = senders[0] if senders else ("", "")
    recipients: list[str] = []
    for header in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        recipients += [address for _name, address in _addresses(message, header)]
    recipients += [address.strip().lower() for address in envelope_recipients]
    text = body_text(message)
    return ParsedMail(
        message_id=message_id_of(message, raw),
        subject=" ".join(_header(message, "Subject").split())[:SUBJECT_MAX],
        sender=sender,
        sender_name=" ".join(sender_name.split())[:NAME_MAX],
        recipients=tuple(dict.fromkeys(address for address in recipients if address)),
        references=_references(message),
        text=text,
        reply_text=reply_part(text),
        attachments=tuple(attachments_of(message)),
        machine_sent=machine_sent_reason(message, sender=sender, envelope_sender=envelope_sender),
    )


def parse_headers(raw: bytes) -> EmailMessage:
    """Only the header block, for mail too large to read whole."""
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    assert isinstance(message, EmailMessage)
    return message


def message_id_of(message: Message, raw: bytes) -> str:
    """The mail's Message-ID, or a stable one made from its bytes when it has none."""
    value = " ".join(_header(message, "Message-ID").split())
    if value:
        return value[:MESSAGE_ID_MAX]
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@meldpunt.invalid>"


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (IndexError, ValueError, TypeError):  # a header the parser cannot make sense of
        return ""
    return str(value) if value is not None else ""


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, lower-case address) for every address in every ``name`` header."""
    found: list[tuple[str, str]] = []
    try:
        values = message.get_all(name) or []
    except (IndexError, ValueError, TypeError):
        return found
    for value in values:
        try:
            # policy.default gives address headers with parsed addresses; others are text.
            addresses = value.addresses  # type: ignore[attr-defined]
            found += [(address.display_name, address.addr_spec) for address in addresses]
        except (AttributeError, IndexError, ValueError, TypeError):
            found += getaddresses([str(value)])
    return [(display, address.strip().strip("<>").lower()) for display, address in found]


_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def _references(message: Message) -> tuple[str, ...]:
    in_reply_to = _MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    references = list(reversed(_MESSAGE_ID.findall(_header(message, "References"))))
    return tuple(dict.fromkeys(in_reply_to + references))


# --- text ---------------------------------------------------------------------------------


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, AssertionError):  # unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    text = str(content).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_param("format", "").lower() == "flowed":  # type: ignore[union-attr]
        text = _unflow(text, delete_space=part.get_param("delsp", "").lower() == "yes")  # type: ignore[union-attr]
    return text


def _unflow(text: str, *, delete_space: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676) back into paragraphs."""
    lines: list[str] = []
    pending = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffed
        if line.endswith(" ") and line != "-- ":
            pending += line[:-1] if delete_space else line
            continue
        lines.append(pending + line)
        pending = ""
    if pending:
        lines.append(pending)
    return "\n".join(lines)


def body_text(message: EmailMessage) -> str:
    """The plain text of the mail; converted from HTML when the mail has no plain text."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return _part_text(plain).strip("\n")
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(_part_text(html))
    return ""


_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "hr", "blockquote", "dl", "dt", "dd",
}  # fmt: skip
_PARAGRAPH_TAGS = {"p", "blockquote", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_ALLOWED_TAGS = _BLOCK_TAGS | {"td", "th", "a"}


class _TextWriter(HTMLParser):
    """Turns sanitized HTML into text: a line per block, "> " per quote level."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current = ""
        self.depth = 0
        self.pre = 0

    def _flush(self) -> None:
        line = self.current if self.pre else " ".join(self.current.split())
        for piece in line.split("\n"):
            self.lines.append("> " * self.depth + piece)
        self.current = ""

    def _end_line(self) -> None:
        if self.current.strip():
            self._flush()
        self.current = ""

    def _blank_line(self) -> None:
        self._end_line()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append("> " * self.depth)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush()
        elif tag in _PARAGRAPH_TAGS:
            self._blank_line()
        elif tag in _BLOCK_TAGS:
            self._end_line()
        if tag == "blockquote":
            self.depth += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.current = "- "
        elif tag in ("td", "th") and self.current.strip():
            self.current += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in _PARAGRAPH_TAGS:
            self._blank_line()
        elif tag in _BLOCK_TAGS:
            self._end_line()
        if tag == "blockquote":
            self.depth = max(0, self.depth - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        self.current += data.replace("\xa0", " ")

    def text(self) -> str:
        self._end_line()
        while self.lines and not self.lines[-1].strip("> "):
            self.lines.pop()
        text = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """Readable text from an HTML mail body (scripts, styles and comments dropped)."""
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={},
        clean_content_tags={"script", "style", "title"},
        strip_comments=True,
        link_rel=None,
    )
    writer = _TextWriter()
    writer.feed(cleaned)
    writer.close()
    return writer.text()


# Where the quoted history starts, in the mail clients our tenants use (en, nl, nb). Every
# attribution line holds a date, so a digit is required: "Op zolder schreef hij:" is text.
_ATTRIBUTION = [
    re.compile(r"^(?=.*\d)on\b.{1,300}\bwrote:$", re.IGNORECASE),
    re.compile(r"^(?=.*\d)op\b.{1,300}\bschreef\b.{0,200}:$", re.IGNORECASE),
    # Apple Mail: "Op 3 nov. 2025, om 10:00 heeft X <x@y> het volgende geschreven:"
    re.compile(r"^(?=.*\d)op\b.{1,300}\bheeft\b.{1,300}\bgeschreven:$", re.IGNORECASE),
    re.compile(r"^(?=.*\d)den\b.{1,300}\bskrev\b.{0,200}:$", re.IGNORECASE),
    # Date first, with the sender's address: "man. 3. nov. 2025 kl. 10:00 skrev X <x@y>:"
    re.compile(
        r"^(?=.*\d{1,2}[:.]\d{2})(?=.*@).{1,300}\b(wrote|schreef|skrev)\b.{0,200}:$",
        re.IGNORECASE,
    ),
]
_ATTRIBUTION_START = re.compile(r"^(on|op|den)\b|\d{1,2}[:.]\d{2}", re.IGNORECASE)
_ATTRIBUTION_VERB = re.compile(r"\b(wrote|schreef|skrev|geschreven)\b", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^-{2,}\s*(original message|oorspronkelijk bericht|origineel bericht|"
    r"opprinnelig melding|originalmelding)\s*-{2,}$|^_{20,}$",
    re.IGNORECASE,
)
# Outlook's header block above the quoted mail: "From: …" then "Sent: …" within a few lines.
_HEADER_FROM = re.compile(r"^\*?(from|van|fra):\*?\s+\S", re.IGNORECASE)
_HEADER_DATE = re.compile(
    r"^\*?(sent|date|verzonden|datum|sendt|dato|to|aan|til):\*?\s", re.IGNORECASE
)
_MOBILE_FOOTER = re.compile(
    r"^(sent from my|sent from |get outlook for|verzonden (met|vanaf|via|from) |"
    r"verstuurd (met|vanaf|via) |sendt fra |hentet fra )",
    re.IGNORECASE,
)


def _history_starts(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if line == "--" or _SEPARATOR.match(line):
        return True
    # Clients wrap a long attribution line: "On …, Name <" / "address> wrote:".
    wrapped = (
        bool(following) and _ATTRIBUTION_START.search(line) and not _ATTRIBUTION_VERB.search(line)
    )
    for pattern in _ATTRIBUTION:
        if pattern.match(line) or (wrapped and pattern.match(f"{line} {following}")):
            return True
    if _HEADER_FROM.match(line):
        return any(_HEADER_DATE.match(other.strip()) for other in lines[index + 1 : index + 4])
    return False


def reply_part(text: str) -> str:
    """The text the sender wrote now: no quoted history, no signature, no phone footer.

    When nothing is left (a bare forward, a reply written below the quote) the
    whole text is kept, so nothing the sender wrote is lost.
    """
    lines = text.split("\n")
    end = next((i for i in range(len(lines)) if _history_starts(lines, i)), len(lines))
    kept = [line.rstrip() for line in lines[:end] if not line.lstrip().startswith(">")]
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and len(kept[-1]) < 80 and _MOBILE_FOOTER.match(kept[-1].strip()):
        kept.pop()
    reply = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return reply if reply.strip() else text.strip("\n")


# --- attachments --------------------------------------------------------------------------

_SKIPPED_TYPES = {
    "application/pgp-signature",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-keys",
}


def attachments_of(message: EmailMessage) -> list[MailAttachment]:
    """Files sent with the mail, including inline images; the text bodies are not files."""
    bodies = [message.get_body(preferencelist=(kind,)) for kind in ("plain", "html")]
    found: list[MailAttachment] = []
    for part in message.walk():
        if part.is_multipart() or any(part is body for body in bodies):
            continue
        content_type = part.get_content_type()
        filename = part.get_filename() or ""
        disposition = part.get_content_disposition()
        if content_type in _SKIPPED_TYPES or content_type.startswith("message/"):
            continue
        if content_type.startswith("text/") and not filename and disposition != "attachment":
            continue  # another rendering of the text, not a file
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        if not filename:
            extension = mimetypes.guess_extension(content_type) or ""
            filename = f"{_('attachment')}-{len(found) + 1}{extension}"
        found.append(MailAttachment(filename=filename, content_type=content_type, data=data))
    return found


# --- automatic mail -----------------------------------------------------------------------

_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autogenerated")
_DAEMON_LOCAL_PARTS = {"mailer-daemon", "mailer_daemon", "postmaster"}


def machine_sent_reason(
    message: Message, *, sender: str, envelope_sender: str | None = None
) -> str:
    """Why this mail must not be answered or acted on, or "" when a person wrote it."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return _("Automatic mail (Auto-Submitted: %(value)s).") % {"value": auto_submitted[:40]}
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return _("Bulk or automatic mail (Precedence: %(value)s).") % {"value": precedence}
    for header in _AUTOREPLY_HEADERS:
        if header in message:
            return _("Automatic reply (%(header)s).") % {"header": header}
    if "List-Id" in message:
        return _("Mail from a mailing list.")
    content_type = message.get_content_type()
    if content_type == "multipart/report" or content_type in {
        "message/delivery-status",
        "message/disposition-notification",
    }:
        return _("Delivery report or read receipt.")
    if "Return-Path" in message and _header(message, "Return-Path").strip() in {"", "<>"}:
        return _("Bounce (empty return path).")
    if envelope_sender is not None and envelope_sender.strip() in {"", "<>"}:
        return _("Bounce (empty return path).")
    if not sender:
        return _("No sender address.")
    if sender.partition("@")[0] in _DAEMON_LOCAL_PARTS:
        return _("Bounce (sent by %(sender)s).") % {"sender": sender[:80]}
    return ""
