"""Keeps the search document table in step with CKAN's datasets, in the same transaction.

Why a SearchIndex: CKAN calls `index_for(Package).update_dict(...)` from package_create,
package_update, package_delete, member changes and `ckan search-index rebuild`, always before it
commits and with the session that wrote the dataset. Writing the document with that session
(`model.Session`) puts the dataset and its search document in one transaction: when the write fails
half-way, both roll back; when it commits, both are visible together.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.lib.navl.dictization_functions import MissingNullEncoder
from ckan.lib.search.index import SearchIndex

from . import table

log = logging.getLogger(__name__)

_COLUMNS = ("name", "title", "notes", "type", "state", "owner_org", "creator_user_id", "license_id", "url",
            "version", "author", "author_email", "maintainer", "maintainer_email")

# Weights (Solr's `text` field, in Swedish): A title and name, B tags, C organization and notes,
# D resource names and descriptions.
_UPSERT = f"""
INSERT INTO {table.TABLE} (id, name, title, notes, type, state, private, owner_org, organization,
    creator_user_id, license_id, url, version, author, author_email, maintainer, maintainer_email,
    metadata_created, metadata_modified, tags, groups, res_format, res_name, res_description, res_url,
    res_type, extras, permission_labels, document, validated_data_dict, data_dict, indexed_at)
VALUES (:id, :name, :title, :notes, :type, :state, :private, :owner_org, :organization,
    :creator_user_id, :license_id, :url, :version, :author, :author_email, :maintainer, :maintainer_email,
    CAST(:metadata_created AS timestamp), CAST(:metadata_modified AS timestamp),
    CAST(:tags AS text[]), CAST(:groups AS text[]), CAST(:res_format AS text[]), CAST(:res_name AS text[]),
    CAST(:res_description AS text[]), CAST(:res_url AS text[]), CAST(:res_type AS text[]),
    CAST(:extras AS jsonb), CAST(:permission_labels AS text[]),
    setweight(to_tsvector('{table.TEXT_CONFIG}', :title || ' ' || translate(:name, '-_', '  ')), 'A') ||
    setweight(to_tsvector('{table.TEXT_CONFIG}', array_to_string(CAST(:tags AS text[]), ' ')), 'B') ||
    setweight(to_tsvector('{table.TEXT_CONFIG}', :organization_title || ' ' || :notes), 'C') ||
    setweight(to_tsvector('{table.TEXT_CONFIG}', :resource_text), 'D'),
    CAST(:validated AS jsonb), CAST(:data_dict AS jsonb), clock_timestamp())
ON CONFLICT (id) DO UPDATE SET
    name = EXCLUDED.name, title = EXCLUDED.title, notes = EXCLUDED.notes, type = EXCLUDED.type,
    state = EXCLUDED.state, private = EXCLUDED.private, owner_org = EXCLUDED.owner_org,
    organization = EXCLUDED.organization, creator_user_id = EXCLUDED.creator_user_id,
    license_id = EXCLUDED.license_id, url = EXCLUDED.url, version = EXCLUDED.version,
    author = EXCLUDED.author, author_email = EXCLUDED.author_email, maintainer = EXCLUDED.maintainer,
    maintainer_email = EXCLUDED.maintainer_email, metadata_created = EXCLUDED.metadata_created,
    metadata_modified = EXCLUDED.metadata_modified, tags = EXCLUDED.tags, groups = EXCLUDED.groups,
    res_format = EXCLUDED.res_format, res_name = EXCLUDED.res_name, res_description = EXCLUDED.res_description,
    res_url = EXCLUDED.res_url, res_type = EXCLUDED.res_type, extras = EXCLUDED.extras,
    permission_labels = EXCLUDED.permission_labels, document = EXCLUDED.document,
    validated_data_dict = EXCLUDED.validated_data_dict, data_dict = EXCLUDED.data_dict,
    indexed_at = EXCLUDED.indexed_at
RETURNING indexed_at::text
"""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def document_params(pkg: dict[str, Any], validated: dict[str, Any]) -> dict[str, Any]:
    """Bind parameters for one row, from package_show's default-schema dict and its validated dict."""
    org = pkg.get("organization") or {}
    resources = [r for r in pkg.get("resources") or [] if r.get("state", "active") == "active"]
    extras = {e["key"]: e["value"] for e in pkg.get("extras") or [] if "key" in e}
    dataset = model.Package.get(pkg["id"])
    labels = lib_plugins.get_permission_labels().get_dataset_labels(dataset) if dataset else []
    validated_json = json.dumps(validated, cls=MissingNullEncoder)
    default_json = json.dumps(pkg, cls=MissingNullEncoder)
    params = {c: pkg.get(c) for c in _COLUMNS}
    params.update(
        id=pkg["id"],
        name=pkg["name"],
        title=_text(pkg.get("title")),
        notes=_text(pkg.get("notes")),
        type=pkg.get("type") or "dataset",
        private=bool(pkg.get("private")),
        organization=org.get("name"),
        organization_title=_text(org.get("title")),
        metadata_created=pkg.get("metadata_created"),
        metadata_modified=pkg.get("metadata_modified"),
        tags=[t["name"] for t in pkg.get("tags") or [] if not t.get("vocabulary_id")],
        groups=[g["name"] for g in pkg.get("groups") or []],
        res_format=sorted({r["format"] for r in resources if r.get("format")}),
        res_name=[_text(r.get("name")) for r in resources],
        res_description=[_text(r.get("description")) for r in resources],
        res_url=[_text(r.get("url")) for r in resources],
        res_type=[_text(r.get("resource_type")) for r in resources],
        resource_text=" ".join(f"{_text(r.get('name'))} {_text(r.get('description'))}" for r in resources),
        extras=json.dumps({k: v for k, v in extras.items() if isinstance(v, str)}),
        permission_labels=list(labels),
        validated=validated_json,
        data_dict=None if default_json == validated_json else default_json,
    )
    return params


def write(pkg: dict[str, Any], validated: dict[str, Any]) -> None:
    """The search document and, for a public dataset, its DCAT fragments (dcat_cache), in one go."""
    from .. import dcat_cache

    table.ensure()
    params = document_params(pkg, validated)
    indexed_at = model.Session.execute(sa.text(_UPSERT), params).scalar()
    if params["state"] == "active" and not params["private"] and params["type"] not in ("harvest", "showcase"):
        dcat_cache.store_fragment(pkg["id"], validated, indexed_at)


def remove(package_id: str) -> None:
    """Delete a dataset's document; a purge moves the catalog's Last-Modified forward."""
    table.ensure()
    session = model.Session
    session.execute(sa.text(f"DELETE FROM {table.TABLE} WHERE id = :id OR name = :id"), {"id": package_id})
    session.execute(sa.text(
        "INSERT INTO kalmar_search_clock (id, removed_at) VALUES (1, clock_timestamp()) "
        "ON CONFLICT (id) DO UPDATE SET removed_at = greatest(kalmar_search_clock.removed_at, EXCLUDED.removed_at)"))


class PostgresSearchIndex(SearchIndex):
    """CKAN's package index, written to the search document table (see module docstring)."""

    def update_dict(self, data: dict[str, Any], defer_commit: bool = False) -> None:
        data = dict(data)
        validated = data.pop("with_custom_schema", None) or data
        write(data, validated)

    def remove_dict(self, data: dict[str, Any]) -> None:
        remove(data["id"])

    def delete_package(self, data: dict[str, Any]) -> None:
        remove(data["id"])

    def clear(self) -> None:
        table.ensure()
        model.Session.execute(sa.text(f"DELETE FROM {table.TABLE}"))
        model.Session.commit()

    def commit(self) -> None:
        model.Session.commit()

    def get_all_entity_ids(self) -> list[str]:
        table.ensure()
        return [r[0] for r in model.Session.execute(sa.text(f"SELECT id FROM {table.TABLE}"))]
