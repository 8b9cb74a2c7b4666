"""The one error a DataStore load raises: what went wrong, where, and what to do.

Why a type of its own: the action turns it into CKAN's ValidationError under one key, so
the publisher (and anyone calling the API) gets a located, one-line reason and knows the
previous table is still served. `key` says which part was at fault: the Table Schema
(`schema`), the file (`data`), the stored file's identity (`expected_sha256`) or the
existing table (`table`).
"""

from __future__ import annotations

KEPT = "The previous DataStore table is still served."


class LoadError(Exception):
    def __init__(self, key: str, message: str, row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.key = key
        self.message = message
        self.row = row
        self.field = field

    def as_error_dict(self) -> dict[str, list[str]]:
        return {self.key: [f"{self.message} {KEPT}"]}
