"""The uploaded files a load reads, straight from CKAN's file store, a chunk at a time.

Why streamed and hashed on the way: a file larger than the portal's memory must load, so COPY
pulls chunks on demand and nothing holds the whole file; and the caller says which content it
uploaded (`expected_sha256`), so the hash of exactly the bytes COPY read is compared before the
new table is committed — a file replaced in the meantime never goes live under the old hash.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from typing import Any, BinaryIO, Iterator, Mapping

from ckan.lib import files, uploader

from .errors import LoadError

CHUNK = 1 << 20
HEADER_LIMIT = 1 << 20  # a header line longer than this is not a table header
SCHEMA_LIMIT = 5 << 20


class StoredFile:
    """A readable stream (what COPY FROM STDIN reads) that hashes and counts what passes through."""

    def __init__(self, stream: Any):
        # file-keeper hands out a file object (local storage) or an iterator of chunks (others)
        self._stream = stream if hasattr(stream, "read") else iter(stream)
        self._pending = b""
        self._sha = hashlib.sha256()
        self.bytes = 0

    def _next_chunk(self, size: int) -> bytes:
        if hasattr(self._stream, "read"):
            return self._stream.read(size)
        return next(self._stream, b"")

    def read(self, size: int = CHUNK) -> bytes:
        if size is None or size < 0:
            size = CHUNK
        if self._pending:
            chunk, self._pending = self._pending[:size], self._pending[size:]
        else:
            chunk = self._next_chunk(size)
        self._sha.update(chunk)
        self.bytes += len(chunk)
        return chunk

    def header(self) -> list[str]:
        """The first line's column names, read ahead without consuming them (COPY reads the line again)."""
        while b"\n" not in self._pending and len(self._pending) < HEADER_LIMIT:
            chunk = self._next_chunk(CHUNK)
            if not chunk:
                break
            self._pending += chunk
        line = self._pending.split(b"\n", 1)[0]
        if not line.strip():
            raise LoadError("data", "Row 1: the file has no header line.", row=1)
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise LoadError("data", "Row 1: the header is not UTF-8; the normalize step writes UTF-8.", row=1) from None
        return next(csv.reader(io.StringIO(text.rstrip("\r"))))

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()


@contextlib.contextmanager
def opened(resource: Mapping[str, Any]) -> Iterator[BinaryIO]:
    """The resource's uploaded file from the file store (never its URL), closed afterwards."""
    if resource.get("url_type") != "upload":
        raise LoadError("data", f"Resource {resource['id']} is not an uploaded file (url_type "
                        f"{resource.get('url_type')!r}); the DataStore load reads CKAN's file store only.")
    upload = uploader.get_resource_uploader(dict(resource))
    path = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    try:
        if storage is not None:
            stream = storage.stream(files.FileData(files.Location(path)))
        else:
            stream = open(path, "rb")  # noqa: SIM115 (closed below)
    except (OSError, files.exc.LocationError):
        raise LoadError("data", f"Resource {resource['id']} has no file in CKAN's file store; upload it again.") from None
    try:
        yield stream
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()


def read_schema(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The Table Schema stored as the dataset's `schema` resource."""
    with opened(resource) as stream:
        reader = StoredFile(stream)
        body = b""
        while len(body) <= SCHEMA_LIMIT:
            chunk = reader.read(CHUNK)
            if not chunk:
                break
            body += chunk
    if len(body) > SCHEMA_LIMIT:
        raise LoadError("schema", f"The stored Table Schema is larger than {SCHEMA_LIMIT >> 20} MB.")
    try:
        schema = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LoadError("schema", f"The stored Table Schema is not JSON ({exc}).") from None
    if not isinstance(schema, dict):
        raise LoadError("schema", "The stored Table Schema is not a JSON object.")
    return schema
