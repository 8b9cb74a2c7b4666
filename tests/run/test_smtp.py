"""Sending a digest over SMTP against a real aiosmtpd server: STARTTLS verified, login over TLS only, no leaks."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from pipelines.config import load_settings
from pipelines.run.notify.smtp import MailError, send
from tests.plugins.smtp_server import PASSWORD, USER


def _message(subject: str = "Öppna data Kalmar län: 1 med fel – Mörbylånga kommun") -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Öppna data Kalmar län <oppnadata@regionkalmar.se>"
    message["To"] = "Åsa Öberg <asa.oberg@morbylanga.se>, kommun@morbylanga.se"
    message.set_content("Hej!\n\nBadplatser i Mörbylånga: källan kunde inte hämtas.\n", charset="utf-8")
    return message


def _smtp(env: dict[str, str]):
    return load_settings(env).smtp


def test_a_message_goes_over_starttls_with_a_login_and_arrives_decoded(smtp_server):
    smtp_server.clear()
    refused = send(_message(), _smtp(smtp_server.env()))
    assert refused == []
    [got] = smtp_server.messages
    assert got.tls and got.authenticated
    assert smtp_server.logins == [(USER, True)]
    assert got.message["Subject"] == "Öppna data Kalmar län: 1 med fel – Mörbylånga kommun"
    assert sorted(got.rcpt_tos) == ["asa.oberg@morbylanga.se", "kommun@morbylanga.se"]
    assert got.message["To"].addresses[0].display_name == "Åsa Öberg"
    assert "källan kunde inte hämtas" in got.message.get_content()


def test_a_wrong_password_is_an_error_that_never_shows_the_password(smtp_server):
    smtp_server.clear()
    wrong = "fel-lösenord-123"
    with pytest.raises(MailError) as caught:
        send(_message(), _smtp(smtp_server.env(OPPNADATA_SMTP_PASSWORD=wrong)))
    text = str(caught.value)
    assert "SMTPAuthenticationError" in text and "535" in text
    assert wrong not in text and PASSWORD not in text and USER not in text
    assert smtp_server.messages == []


def test_a_certificate_the_client_does_not_trust_stops_the_mail_before_the_login(smtp_server):
    smtp_server.clear()
    with pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        send(_message(), _smtp(smtp_server.env(OPPNADATA_SMTP_CA_FILE="")))
    assert smtp_server.logins == [] and smtp_server.messages == []


def test_credentials_are_never_sent_without_starttls(smtp_server):
    smtp_server.clear()
    with pytest.raises(MailError, match="never sent unencrypted"):
        send(_message(), _smtp(smtp_server.env(OPPNADATA_SMTP_STARTTLS="false")))
    assert smtp_server.logins == []


def test_a_server_that_does_not_answer_is_a_one_line_error(smtp_server):
    with pytest.raises(MailError, match="ConnectionRefusedError"):
        send(_message(), _smtp(smtp_server.closed_port_env()))


def test_the_settings_need_a_sender_and_keep_the_password_secret(smtp_server):
    env = smtp_server.env()
    env.pop("OPPNADATA_SMTP_FROM")
    with pytest.raises(ValueError, match="OPPNADATA_SMTP_FROM"):
        load_settings(env)
    smtp = _smtp(smtp_server.env())
    assert PASSWORD not in repr(smtp) and PASSWORD not in repr(load_settings(smtp_server.env()))
    assert load_settings({}).smtp is None
