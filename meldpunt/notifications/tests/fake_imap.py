"""A small IMAP4rev1 server on loopback, enough for imap-tools and Python's imaplib.

It speaks CAPABILITY, LOGIN, SELECT, UID SEARCH (ALL / UNSEEN), UID FETCH of the
whole message, UID STORE of flags, EXPUNGE, NOOP and LOGOUT, over one mailbox
held in memory. ``hang_up_on_store`` makes it drop the connection instead of
storing flags, the way a crashed fetcher or a lost network leaves a mailbox.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field

_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class FakeImapServer:
    def __init__(self, *, user: str = "meldingen", password: str = "geheim") -> None:
        self.user = user
        self.password = password
        self.messages: list[StoredMessage] = []
        self.commands: list[str] = []
        self.hang_up_on_store = False
        self.lock = threading.Lock()
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                fake._serve(self)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, raw: bytes, *, seen: bool = False) -> StoredMessage:
        with self.lock:
            uid = (self.messages[-1].uid + 1) if self.messages else 101
            message = StoredMessage(uid=uid, raw=raw, flags={"\\Seen"} if seen else set())
            self.messages.append(message)
            return message

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- protocol ---------------------------------------------------------------------

    def _serve(self, handler: socketserver.StreamRequestHandler) -> None:
        write = handler.wfile.write
        write(b"* OK [CAPABILITY IMAP4rev1] fake IMAP ready\r\n")
        authenticated = False
        while True:
            line = handler.rfile.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            self.commands.append(text)
            tag, _space, rest = text.partition(" ")
            words = [a or b for a, b in _ARGUMENT.findall(rest)]
            command = words[0].upper() if words else ""
            arguments = words[1:]
            if command == "CAPABILITY":
                write(b"* CAPABILITY IMAP4rev1 UIDPLUS\r\n")
                self._ok(write, tag)
            elif command == "NOOP":
                self._ok(write, tag)
            elif command == "LOGOUT":
                write(b"* BYE see you\r\n")
                self._ok(write, tag)
                return
            elif command == "LOGIN":
                if arguments[:2] == [self.user, self.password]:
                    authenticated = True
                    self._ok(write, tag)
                else:
                    write(f"{tag} NO [AUTHENTICATIONFAILED] wrong credentials\r\n".encode())
            elif not authenticated:
                write(f"{tag} BAD log in first\r\n".encode())
            elif command in ("SELECT", "EXAMINE"):
                with self.lock:
                    count = len(self.messages)
                    next_uid = (self.messages[-1].uid + 1) if self.messages else 101
                write(f"* {count} EXISTS\r\n* 0 RECENT\r\n".encode())
                write(b"* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n")
                write(f"* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT {next_uid}] ok\r\n".encode())
                write(f"{tag} OK [READ-WRITE] selected\r\n".encode())
            elif command == "EXPUNGE":
                with self.lock:
                    self.messages = [m for m in self.messages if "\\Deleted" not in m.flags]
                self._ok(write, tag)
            elif command == "UID" and arguments:
                if not self._uid(write, tag, arguments[0].upper(), arguments[1:]):
                    return  # hung up
            else:
                write(f"{tag} BAD unknown command\r\n".encode())

    def _ok(self, write, tag: str) -> None:  # type: ignore[no-untyped-def]
        write(f"{tag} OK done\r\n".encode())

    def _selected(self, uid_set: str) -> list[tuple[int, StoredMessage]]:
        wanted: set[int] = set()
        for piece in uid_set.split(","):
            if ":" in piece:
                low, high = piece.split(":")
                top = 10**9 if high == "*" else int(high)
                wanted |= {m.uid for m in self.messages if int(low) <= m.uid <= top}
            else:
                wanted.add(int(piece))
        return [(n, m) for n, m in enumerate(self.messages, start=1) if m.uid in wanted]

    def _uid(self, write, tag: str, command: str, arguments: list[str]) -> bool:  # type: ignore[no-untyped-def]
        with self.lock:
            if command == "SEARCH":
                criteria = " ".join(arguments).upper().replace("(", " ").replace(")", " ").split()
                found = [
                    m.uid
                    for m in self.messages
                    if "UNSEEN" not in criteria or "\\Seen" not in m.flags
                ]
                write(("* SEARCH" + "".join(f" {uid}" for uid in found) + "\r\n").encode())
            elif command == "FETCH":
                for number, message in self._selected(arguments[0]):
                    flags = " ".join(sorted(message.flags))
                    head = (
                        f"* {number} FETCH (UID {message.uid} FLAGS ({flags}) "
                        f"RFC822.SIZE {len(message.raw)} BODY[] {{{len(message.raw)}}}\r\n"
                    )
                    write(head.encode() + message.raw + b")\r\n")
                    if "PEEK" not in " ".join(arguments[1:]).upper():
                        message.flags.add("\\Seen")
            elif command == "STORE":
                if self.hang_up_on_store:
                    return False
                change = arguments[1].upper()
                flags = {f.strip("()") for f in arguments[2:] if f.strip("()")}
                for number, message in self._selected(arguments[0]):
                    if change.startswith("+"):
                        message.flags |= flags
                    elif change.startswith("-"):
                        message.flags -= flags
                    else:
                        message.flags = set(flags)
                    shown = " ".join(sorted(message.flags))
                    write(f"* {number} FETCH (UID {message.uid} FLAGS ({shown}))\r\n".encode())
            else:
                write(f"{tag} BAD unknown UID command\r\n".encode())
                return True
        self._ok(write, tag)
        return True
