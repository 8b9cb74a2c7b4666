"""pytest plugin: a real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS and AUTH, for the stewards' mails.

Why real: the notifications go through smtplib exactly as in production: the
STARTTLS handshake against a certificate the client must verify (a test CA
made by trustme, trusted through OPPNADATA_SMTP_CA_FILE), a login the server
accepts only over TLS, and the message as the server received it, parsed back
with the standard library so tests read decoded headers and the Swedish text.

Fixture `smtp_server` (session): `.env()` gives the OPPNADATA_SMTP_* settings
that reach it, `.messages` what it received (`Received.message` is an
`email.message.EmailMessage`), `.clear()`, `.closed_port_env()` settings of a
port nobody listens on.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

USER = "oppnadata-notiser"
PASSWORD = "S3cret-smtp-lösen"  # must never appear in a report, log or exception


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool  # the message came over a STARTTLS-protected connection
    authenticated: bool


@dataclass
class SmtpServer:
    port: int
    ca_file: Path
    messages: list[Received] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (user, accepted)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def env(self, **overrides: str) -> dict[str, str]:
        values = {
            "OPPNADATA_SMTP_HOST": "127.0.0.1",
            "OPPNADATA_SMTP_PORT": str(self.port),
            "OPPNADATA_SMTP_STARTTLS": "true",
            "OPPNADATA_SMTP_FROM": "oppnadata@regionkalmar.se",
            "OPPNADATA_SMTP_USER": USER,
            "OPPNADATA_SMTP_PASSWORD": PASSWORD,
            "OPPNADATA_SMTP_CA_FILE": str(self.ca_file),
            "OPPNADATA_SMTP_TIMEOUT": "10",
        }
        values.update(overrides)
        return values

    def closed_port_env(self) -> dict[str, str]:
        return self.env(OPPNADATA_SMTP_PORT=str(_free_port()))

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.logins.clear()


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.server._lock:
            self.server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed,
                                                 tls=session.ssl is not None, authenticated=session.authenticated))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server(tmp_path_factory):
    import ssl

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("smtp")
    ca_file = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(tls)
    server = SmtpServer(port=_free_port(), ca_file=ca_file)

    def authenticator(smtp, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == PASSWORD
        with server._lock:
            server.logins.append((auth_data.login.decode() if isinstance(auth_data, LoginPassword) else "?", ok))
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 235 or 535 itself

    controller = Controller(_Handler(server), hostname="127.0.0.1", port=server.port, tls_context=tls,
                            require_starttls=True, authenticator=authenticator, auth_require_tls=True,
                            auth_required=True)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
