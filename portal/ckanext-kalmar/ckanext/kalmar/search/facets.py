"""Facet counts (`facet.field`) by SQL GROUP BY over the matching datasets.

Why: the web UI's filter lists (organizations, groups, tags, formats, licences) and API clients read
`search_facets`; Solr counted documents per value, so each query counts distinct datasets per value.
"""

from __future__ import annotations

from typing import Any

from . import fields

# SQL yielding (dataset id, value) pairs for a facet field, joined to the matching ids in `matched m`.
_VALUE_ROWS = {
    "organization": 'SELECT m.id, o.name FROM matched m JOIN package p ON p.id = m.id JOIN "group" o ON o.id = p.owner_org',
    "tags": (
        "SELECT m.id, t.name FROM matched m JOIN package_tag pt ON pt.package_id = m.id AND pt.state = 'active' "
        "JOIN tag t ON t.id = pt.tag_id AND t.vocabulary_id IS NULL"
    ),
    "groups": (
        "SELECT m.id, g.name FROM matched m JOIN member mb ON mb.table_id = m.id AND mb.table_name = 'package' "
        "AND mb.state = 'active' JOIN \"group\" g ON g.id = mb.group_id AND g.state = 'active' AND NOT g.is_organization"
    ),
    "res_format": (
        "SELECT m.id, r.format FROM matched m JOIN resource r ON r.package_id = m.id AND r.state = 'active'"
    ),
    "owner_org": "SELECT m.id, p.owner_org FROM matched m JOIN package p ON p.id = m.id",
    "license_id": "SELECT m.id, p.license_id FROM matched m JOIN package p ON p.id = m.id",
    "type": "SELECT m.id, p.type FROM matched m JOIN package p ON p.id = m.id",
    "dataset_type": "SELECT m.id, p.type FROM matched m JOIN package p ON p.id = m.id",
}


def facet_sql(field_name: str, matched_cte: str, params: fields.Params, limit: int, mincount: int) -> str:
    """One statement returning (value, count) rows, most frequent first, for one facet field."""
    if field_name in _VALUE_ROWS:
        rows = _VALUE_ROWS[field_name]
    else:  # any other field is an extra, as in CKAN's Solr schema
        key = params.add(fields.extra_key(field_name))
        rows = f"SELECT m.id, p.extras ->> {key} FROM matched m JOIN package p ON p.id = m.id"
    limit_sql = f"LIMIT {int(limit)}" if limit >= 0 else ""
    return (
        f"WITH {matched_cte}, vals(id, val) AS ({rows}) "
        f"SELECT val, count(DISTINCT id) AS n FROM vals WHERE val IS NOT NULL AND val <> '' "
        f"GROUP BY val HAVING count(DISTINCT id) >= {max(int(mincount), 0)} ORDER BY n DESC, val ASC {limit_sql}"
    )


def as_dict(rows: list[Any]) -> dict[str, int]:
    return {row[0]: int(row[1]) for row in rows}
