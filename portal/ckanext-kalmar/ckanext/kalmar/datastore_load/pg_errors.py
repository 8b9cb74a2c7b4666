"""PostgreSQL's errors during a load, told as the row and field of the file they came from.

COPY names the line it was reading in the error context ("COPY t, line 5, column antal: ..."),
counting the header as line 1 — the numbering of our validation reports — so the message can
say which row and field to fix in the source.
"""

from __future__ import annotations

import re
from typing import Iterable

import psycopg2

from .errors import LoadError

_LINE = re.compile(r"\bline (\d+)")


def located(error: psycopg2.Error, names: Iterable[str]) -> LoadError:
    """A LoadError for a failed statement, with the row and field when PostgreSQL named them."""
    diag = error.diag
    message = (diag.message_primary or str(error).strip().splitlines()[0]).rstrip(".")
    context = diag.context or ""
    if isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError)) and not diag.sqlstate:
        return LoadError("table", f"The DataStore database connection failed during the load ({message}).")
    line = _LINE.search(context) if context.startswith("COPY") else None
    if not line:
        return LoadError("data", f"{message}.")
    row = int(line.group(1))
    field = next((n for n in names if f"column {n}:" in context), None)
    where = f"Row {row}" + (f", field {field!r}" if field else "")
    return LoadError("data", f"{where}: {message}. Fix it in the source (row numbers as in the validation "
                     "report: the header is row 1).", row=row, field=field)
