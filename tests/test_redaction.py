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
