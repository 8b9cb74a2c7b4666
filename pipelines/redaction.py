"""Secret values out of every text that is logged, stored or shown.

Why on the ground floor: the sources redact their messages while a key is in
use, and the publisher and the nightly flow redact every error text before it
reaches CKAN (`kalmar_last_error`), the run's JSON report or Prefect; all of
them must replace the same forms of the same values.
"""

from __future__ import annotations

import logging
from typing import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"


class Redactor:
    """Replaces secret values (and their URL-encoded and repr() forms) with '***'."""

    def __init__(self, secrets: Iterable[str] = ()):
        forms: set[str] = set()
        for s in secrets:
            if s:
                forms.update({s, quote(s, safe=""), quote_plus(s), repr(s)[1:-1]})
        self._forms = sorted((f for f in forms if f), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for f in self._forms:
            text = text.replace(f, MASK)
        return text

    def __bool__(self) -> bool:
        return bool(self._forms)


class RedactingFilter(logging.Filter):
    """Rewrites each record's text (its traceback included) through a Redactor before any handler sees it."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.msg, record.args = self.redact(record.getMessage()), None
        return True


def redact_logs(redact: Redactor, *logger_names: str) -> None:
    """Redact what the named loggers record from now on (a filter replaced, not stacked, on each call)."""
    if not redact:
        return
    for name in logger_names:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RedactingFilter)]:
            logger.removeFilter(old)
        logger.addFilter(RedactingFilter(redact))
