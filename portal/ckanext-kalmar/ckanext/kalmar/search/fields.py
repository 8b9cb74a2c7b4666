"""What each Solr field name of CKAN's search schema means in the search document table.

Why one table-like module: every field a query, a facet, a sort or `fl` may name is answered from a
column of the search document table (alias `d`, see table.py), so it is easy to see which fields
work and how. Values are never put into SQL text: `Params.add` returns a bind-parameter name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .table import TEXT_CONFIG

DOCUMENT_SQL = "d.document"


@dataclass
class Params:
    """Collects bind parameters for one SQL statement."""

    values: dict[str, Any] = field(default_factory=dict)

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


# Plain string columns, compared exactly (Solr `string` fields).
PACKAGE_COLUMNS = {
    "id": "d.id",
    "name": "d.name",
    "license_id": "d.license_id",
    "type": "d.type",
    "dataset_type": "d.type",
    "state": "d.state",
    "owner_org": "d.owner_org",
    "organization": "d.organization",
    "creator_user_id": "d.creator_user_id",
    "maintainer": "d.maintainer",
    "maintainer_email": "d.maintainer_email",
    "author": "d.author",
    "author_email": "d.author_email",
    "url": "d.url",
    "version": "d.version",
    "title_string": "d.title",
    "entity_type": "'package'",
}

# Fields holding many values per dataset: text[] columns (GIN-indexed where facets and filters use them).
ARRAY_COLUMNS = {
    "tags": "d.tags",
    "groups": "d.groups",
    "res_format": "d.res_format",
    "res_name": "d.res_name",
    "res_url": "d.res_url",
    "res_type": "d.res_type",
}

# Analysed text fields (Solr `text`): matched with the Swedish full-text configuration.
TEXT_FIELDS = {
    None: DOCUMENT_SQL,
    "text": DOCUMENT_SQL,
    "title": f"to_tsvector('{TEXT_CONFIG}', d.title)",
    "notes": f"to_tsvector('{TEXT_CONFIG}', d.notes)",
    "res_description": f"to_tsvector('{TEXT_CONFIG}', array_to_string(d.res_description, ' '))",
}

# Solr's *_ngram fields serve autocompletion (package_autocomplete): substring match here.
NGRAM_FIELDS = {"name_ngram": "d.name", "title_ngram": "d.title"}

TIMESTAMP_FIELDS = {"metadata_modified": "d.metadata_modified", "metadata_created": "d.metadata_created"}

# What `fl` may ask for: stored columns only, never a computed dataset.
RESULT_COLUMNS = {
    **{k: v for k, v in PACKAGE_COLUMNS.items() if k != "entity_type"},
    **ARRAY_COLUMNS,
    **TIMESTAMP_FIELDS,
    "title": "d.title",
    "notes": "d.notes",
    "res_description": "d.res_description",
    "private": "d.private",
    "capacity": "CASE WHEN d.private THEN 'private' ELSE 'public' END",
    "permission_labels": "d.permission_labels",
    "num_resources": "cardinality(d.res_url)",
    "num_tags": "cardinality(d.tags)",
    "validated_data_dict": "d.validated_data_dict::text",
    "data_dict": "coalesce(d.data_dict, d.validated_data_dict)::text",
}


def extra_value_sql(key_param: str) -> str:
    """The value of one extra (a key of the JSONB column `extras`).

    CKAN's Solr index holds each extra as `extras_<key>` and, unless the name is taken, as `<key>`.
    """
    return f"(d.extras ->> {key_param})"


def extra_key(field_name: str) -> str:
    return field_name[len("extras_") :] if field_name.startswith("extras_") else field_name
