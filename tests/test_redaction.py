"""The redactor masks a secret in every form it travels in; the log filter applies it to records and tracebacks."""

from __future__ import annotations

import logging

from pipelines.redaction import Redactor, redact_logs

SECRET = "tok/en+with space\n"


def test_every_form_is_masked():
    redact = Redactor([SECRET])
    for form in (SECRET, "tok%2Fen%2Bwith%20space%0A", "tok%2Fen%2Bwith+space%0A", "tok/en+with space\\n"):
        assert redact(f"before {form} after") == "before *** after", form
    assert not Redactor([""]) and Redactor([""])("text") == "text"


def test_log_records_and_their_tracebacks_are_redacted(caplog):
    logger = logging.getLogger("tests.redaction.demo")
    redact_logs(Redactor([SECRET]), "tests.redaction.demo")
    redact_logs(Redactor([SECRET]), "tests.redaction.demo")  # replaced, not stacked
    assert len(logger.filters) == 1
    with caplog.at_level(logging.INFO, logger="tests.redaction.demo"):
        try:
            raise ValueError(f"header value {SECRET!r}")
        except ValueError:
            logger.exception("failed with %s", SECRET)
    assert SECRET not in caplog.text and "tok/en" not in caplog.text and "***" in caplog.text
    logger.filters.clear()


def test_the_settings_redact_the_smtp_password_and_the_lock_database_password():
    from pipelines.config import load_settings

    settings = load_settings({
        "CKAN_API_TOKEN": "ckan-token-value",
        "OPPNADATA_SOURCE_KEY_DEMO": "source-key-value",
        "OPPNADATA_SMTP_HOST": "127.0.0.1",
        "OPPNADATA_SMTP_FROM": "oppnadata@example.org",
        "OPPNADATA_SMTP_PASSWORD": "smtp pass/word",
        "OPPNADATA_LOCK_DATABASE_URL": "postgresql://locks:db%2Fpass@127.0.0.1:5432/prefect",
    })
    redact = Redactor(settings.secret_values())
    text = redact("ckan-token-value source-key-value smtp pass/word smtp+pass%2Fword db/pass "
                  "postgresql://locks:db%2Fpass@127.0.0.1:5432/prefect")
    for secret in ("ckan-token-value", "source-key-value", "smtp pass/word", "db/pass", "db%2Fpass"):
        assert secret not in text, secret
    assert not load_settings({}).secret_values()
