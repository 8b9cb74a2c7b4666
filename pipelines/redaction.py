"""Secret values out of every text that is logged, stored or shown.

Why on the ground floor: the sources redact their messages while a key is in
use, and the publisher and the nightly flow redact every error text before it
reaches CKAN (`kalmar_last_error`), the run's JSON report or Prefect; all of
them must replace the same forms of the same values.
"""

from __future__ import annotations

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
