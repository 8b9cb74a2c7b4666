"""Read a file the publisher uploaded to CKAN's file store, the way CKAN's own download view does.

Why not over HTTP: the report and schema pages render on the server that holds the files; reading them
through CKAN's uploader needs no request to ourselves and honours whichever storage CKAN is configured
with (the classic directory uploader or a file-keeper storage).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from ckan.lib import files, uploader


class StoredFileMissing(Exception):
    """The resource is not an upload, or its file is not in the store."""


def read_bytes(resource: Mapping[str, Any]) -> bytes:
    if resource.get("url_type") != "upload":
        raise StoredFileMissing(f"resource {resource.get('id')} is not an uploaded file")
    upload = uploader.get_resource_uploader(dict(resource))
    location = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    try:
        if storage is not None:
            return b"".join(storage.stream(files.FileData(files.Location(location))))
        with open(location, "rb") as fh:
            return fh.read()
    except (OSError, files.exc.LocationError) as exc:
        raise StoredFileMissing(f"the file of resource {resource['id']} is missing from the store: {exc}") from None


def read_json(resource: Mapping[str, Any]) -> Any:
    return json.loads(read_bytes(resource).decode("utf-8"))
