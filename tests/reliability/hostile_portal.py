"""A portal that lies: the CKAN action API (package_search, package_show) imitated on the fixture server.

Why not the real CKAN: CKAN itself never hands out a package name such as
`../escaped` or a resource URL on 169.254.169.254, but `oppnadata download`
talks to whatever CKAN_URL names, so it must survive a portal that does.
The imitation answers exactly the calls `download` makes, in CKAN's own
response shapes, and serves the files it describes with their true SHA-256
(so a refusal can only come from the name or the address, never the hash).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import quote

from tests.plugins.fixture_server import FixtureServer, Recorded, Reply

SCHEMA = {"fields": [{"name": "kommunkod", "type": "string"}, {"name": "antal", "type": "integer"}]}
CSV = "kommunkod,antal\n0880,1\n"


class HostilePortal:
    """`packages` maps a package name to its data resource URL (None: a file served by the portal itself)."""

    def __init__(self, server: FixtureServer):
        self.server = server
        self.prefix = f"/hostile-{uuid.uuid4().hex[:8]}"
        self.url = server.url(self.prefix)
        self.packages: dict[str, dict] = {}
        server.handle_prefix(f"{self.prefix}/api/", self._action)  # /api/action/ (ckanapi) or /api/3/action/

    def file_url(self, tail: str, body: str = CSV) -> str:
        """A file served by the portal at .../files/<tail> (tail percent-encoded as given)."""
        path = f"{self.prefix}/files/{tail}"
        self.server.set(path, body, content_type="text/csv")
        return self.server.url(path)

    def add(self, name: str, data_url: str | None = None, body: str = CSV) -> None:
        url = data_url or self.file_url(quote(f"{uuid.uuid4().hex[:6]}.csv"), body)
        schema_url = self.file_url(f"schema-{uuid.uuid4().hex[:6]}.json", json.dumps(SCHEMA))
        sha = hashlib.sha256(body.encode()).hexdigest()
        self.packages[name] = {
            "name": name, "title": name, "license_id": "cc-zero", "extras": [],
            "resources": [
                {"id": uuid.uuid4().hex, "kalmar_role": "data", "url": url, "sha256": sha, "format": "CSV"},
                {"id": uuid.uuid4().hex, "kalmar_role": "schema", "url": schema_url,
                 "sha256": hashlib.sha256(json.dumps(SCHEMA).encode()).hexdigest()},
            ],
        }

    def _action(self, req: Recorded) -> Reply:
        action = req.path.rsplit("/", 1)[-1]
        if action == "package_search":
            names = sorted(self.packages)
            result = {"count": len(names), "results": [{"name": n} for n in names]}
            return _ok(result)
        if action == "package_show":
            name = (req.query.get("id") or [""])[0]
            if name in self.packages:
                return _ok(self.packages[name])
            return Reply(404, json.dumps({"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}),
                         content_type="application/json")
        return Reply(400, json.dumps({"success": False, "error": {"message": f"unknown action {action}"}}),
                     content_type="application/json")


def _ok(result) -> Reply:
    return Reply(200, json.dumps({"success": True, "result": result}), content_type="application/json")
