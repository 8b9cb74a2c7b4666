"""Send one message over SMTP with the standard library: STARTTLS first, then the login, never the reverse.

Credentials are never sent over an unencrypted connection: a user name
without STARTTLS is refused before connecting. The password leaves its
`Secret` only for `login`, and an error text is cleaned of it (and of the
user name) before anyone sees it.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage

from ...config import SmtpSettings


class MailError(Exception):
    """The message was not handed to the mail server; the text says why and never holds a credential."""


def _tls_context(smtp: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if smtp.ca_file is not None:
        context.load_verify_locations(cafile=str(smtp.ca_file))
    return context


def _clean(text: str, smtp: SmtpSettings) -> str:
    for secret in (smtp.password.reveal(), smtp.user):
        if secret:
            text = text.replace(secret, "***")
    return text


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a user name or password beyond ASCII (å, ä, ö) goes as AUTH PLAIN in UTF-8 (RFC 4616).

    smtplib's own `login` encodes credentials as ASCII and fails on them.
    """
    if (user + password).isascii():
        server.login(user, password)
        return
    if not server.has_extn("auth") or "PLAIN" not in server.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError("the server offers no AUTH PLAIN for a non-ASCII user name or password")
    token = base64.b64encode(f"\0{user}\0{password}".encode("utf-8")).decode("ascii")
    code, response = server.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def send(message: EmailMessage, smtp: SmtpSettings) -> list[str]:
    """Hand `message` to the server; returns the recipients it refused (the others got it).

    Raises MailError with a one-line reason when nobody got it.
    """
    if smtp.user and not smtp.starttls:
        raise MailError("OPPNADATA_SMTP_USER is set but OPPNADATA_SMTP_STARTTLS is off: credentials are never sent unencrypted")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
            server.ehlo()
            if smtp.starttls:
                server.starttls(context=_tls_context(smtp))
                server.ehlo()
            if smtp.user:
                _login(server, smtp.user, smtp.password.reveal())
            refused = server.send_message(message)
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise MailError(_clean(f"{smtp.host}:{smtp.port}: {type(exc).__name__}: {detail}", smtp)) from None
    return sorted(refused)
