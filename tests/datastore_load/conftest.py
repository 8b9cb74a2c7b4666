"""A dataset on the real portal with a `schema` and a `data` resource, loaded with kalmar_datastore_load.

The tests drive the action directly over the API (the publisher's use of it is covered in
tests/ckan): upload a Table Schema and a CSV, load, and read back what CKAN serves.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import pytest
from ckanapi import RemoteCKAN

from tests.plugins.portal import Portal

from .database import Database


@dataclass
class LoadTarget:
    portal: Portal
    package_id: str
    organization: str
    api: RemoteCKAN
    resources: dict[str, str] = field(default_factory=dict)

    def upload(self, role: str, body: bytes, filename: str) -> str:
        fields = {"name": role, "kalmar_role": role, "upload": (filename, io.BytesIO(body))}
        if role in self.resources:
            self.api.action.resource_patch(id=self.resources[role], **fields)
        else:
            self.resources[role] = self.api.action.resource_create(package_id=self.package_id, **fields)["id"]
        return self.resources[role]

    def schema(self, schema: dict) -> None:
        self.upload("schema", json.dumps(schema, ensure_ascii=False).encode(), "schema.json")

    def data(self, csv_text: str | bytes) -> str:
        return self.upload("data", csv_text.encode() if isinstance(csv_text, str) else csv_text, "data.csv")

    @property
    def data_id(self) -> str:
        return self.resources["data"]

    def load(self, api: RemoteCKAN | None = None, **extra) -> dict:
        return (api or self.api).action.kalmar_datastore_load(resource_id=self.data_id, **extra)

    def search(self, **params) -> dict:
        return self.portal.anonymous().action.datastore_search(resource_id=self.data_id, **params)


@pytest.fixture
def target(ckan_portal, unique_name) -> LoadTarget:
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    api = ckan_portal.api()
    pkg = api.action.package_create(name=unique_name("ds"), owner_org=org)
    return LoadTarget(ckan_portal, pkg["id"], org, api)


@pytest.fixture(scope="session")
def database() -> Database:
    return Database.shared_portal()
