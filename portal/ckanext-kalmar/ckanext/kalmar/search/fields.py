"""What each Solr field name of CKAN's search schema means in CKAN's own PostgreSQL tables.

Why: without Solr there is no index document, so every field a query may name must be answered from
the live tables (`package`, `package_extra`, `package_tag`, `resource`, `member`, `group`). Keeping the
whole mapping in one table-like module makes it easy to see which fields work and how.

SQL fragments refer to the current dataset as `p` (package) and its organization as `o` (group).
Values are never put into SQL text: `Params.add` returns a bind-parameter name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The weighted full-text document of a dataset (CKAN's Solr `text` field, in Swedish):
# A title and name, B tags, C organization title and description, D resource names and descriptions.
TEXT_CONFIG = "swedish"
DOCUMENT_SQL = f"""(
    setweight(to_tsvector('{TEXT_CONFIG}', coalesce(p.title, '')), 'A') ||
    setweight(to_tsvector('{TEXT_CONFIG}', translate(coalesce(p.name, ''), '-_', '  ')), 'A') ||
    setweight(to_tsvector('{TEXT_CONFIG}', coalesce((
        SELECT string_agg(t.name, ' ') FROM package_tag pt JOIN tag t ON t.id = pt.tag_id
        WHERE pt.package_id = p.id AND pt.state = 'active'), '')), 'B') ||
    setweight(to_tsvector('{TEXT_CONFIG}', coalesce(o.title, '')), 'C') ||
    setweight(to_tsvector('{TEXT_CONFIG}', coalesce(p.notes, '')), 'C') ||
    setweight(to_tsvector('{TEXT_CONFIG}', coalesce((
        SELECT string_agg(coalesce(r.name, '') || ' ' || coalesce(r.description, ''), ' ')
        FROM resource r WHERE r.package_id = p.id AND r.state = 'active'), '')), 'D')
)"""


@dataclass
class Params:
    """Collects bind parameters for one SQL statement."""

    values: dict[str, Any] = field(default_factory=dict)

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


# Plain string columns of `package`, compared exactly (Solr `string` fields).
PACKAGE_COLUMNS = {
    "id": "p.id",
    "name": "p.name",
    "license_id": "p.license_id",
    "type": "p.type",
    "dataset_type": "p.type",
    "state": "p.state",
    "owner_org": "p.owner_org",
    "creator_user_id": "p.creator_user_id",
    "maintainer": "p.maintainer",
    "maintainer_email": "p.maintainer_email",
    "author": "p.author",
    "author_email": "p.author_email",
    "url": "p.url",
    "version": "p.version",
    "title_string": "p.title",
    "entity_type": "'package'",
}

# Fields holding one or many related names: SQL that yields the dataset's values, one per row.
MULTI_VALUED = {
    "organization": "SELECT o2.name FROM \"group\" o2 WHERE o2.id = p.owner_org",
    "tags": (
        "SELECT t.name FROM package_tag pt JOIN tag t ON t.id = pt.tag_id "
        "WHERE pt.package_id = p.id AND pt.state = 'active' AND t.vocabulary_id IS NULL"
    ),
    "groups": (
        "SELECT g.name FROM member m JOIN \"group\" g ON g.id = m.group_id "
        "WHERE m.table_id = p.id AND m.table_name = 'package' AND m.state = 'active' "
        "AND g.state = 'active' AND NOT g.is_organization"
    ),
    "res_format": "SELECT r.format FROM resource r WHERE r.package_id = p.id AND r.state = 'active'",
    "res_name": "SELECT r.name FROM resource r WHERE r.package_id = p.id AND r.state = 'active'",
    "res_url": "SELECT r.url FROM resource r WHERE r.package_id = p.id AND r.state = 'active'",
    "res_type": "SELECT r.resource_type FROM resource r WHERE r.package_id = p.id AND r.state = 'active'",
}

# Analysed text fields (Solr `text`): matched with the Swedish full-text configuration.
TEXT_FIELDS = {
    None: DOCUMENT_SQL,
    "text": DOCUMENT_SQL,
    "title": f"to_tsvector('{TEXT_CONFIG}', coalesce(p.title, ''))",
    "notes": f"to_tsvector('{TEXT_CONFIG}', coalesce(p.notes, ''))",
    "res_description": f"""to_tsvector('{TEXT_CONFIG}', coalesce((SELECT string_agg(r.description, ' ')
        FROM resource r WHERE r.package_id = p.id AND r.state = 'active'), ''))""",
}

# Solr's *_ngram fields serve autocompletion (package_autocomplete): substring match here.
NGRAM_FIELDS = {"name_ngram": "p.name", "title_ngram": "p.title"}

TIMESTAMP_FIELDS = {"metadata_modified": "p.metadata_modified", "metadata_created": "p.metadata_created"}


def extra_value_sql(key_param: str) -> str:
    """The value of one extra (CKAN 2.12 keeps extras in the JSONB column package.extras).

    CKAN's Solr index holds each extra as `extras_<key>` and, unless the name is taken, as `<key>`.
    """
    return f"(p.extras ->> {key_param})"


def extra_key(field_name: str) -> str:
    return field_name[len("extras_") :] if field_name.startswith("extras_") else field_name
