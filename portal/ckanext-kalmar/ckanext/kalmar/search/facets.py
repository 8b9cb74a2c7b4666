"""Facet counts (`facet.field`) by SQL GROUP BY over the matching search documents.

Why: the web UI's filter lists (organizations, groups, tags, formats, licences) and API clients read
`search_facets`; Solr counted documents per value. Multi-valued fields are arrays holding each value
once per dataset, so counting rows of `unnest` counts datasets per value.
"""

from __future__ import annotations

from typing import Any

from ckan.lib.search.common import SearchQueryError

from . import fields

# Facetable fields: single-valued columns and arrays of the document table.
SINGLE = {"organization": "organization", "owner_org": "owner_org", "license_id": "license_id",
          "type": "type", "dataset_type": "type", "state": "state"}
MULTI = {"tags": "tags", "groups": "groups", "res_format": "res_format", "res_type": "res_type"}
MAX_FACET_FIELDS = 20


def column(field_name: str, params: fields.Params) -> tuple[str, bool]:
    """(SQL over the matched rows `m`, whether it is an array) for one facet field."""
    if field_name in SINGLE:
        return f"m.{SINGLE[field_name]}", False
    if field_name in MULTI:
        return f"m.{MULTI[field_name]}", True
    if not field_name or len(field_name) > 100:
        raise SearchQueryError(f"facet.field: {field_name[:100]!r} is not a field name")
    return f"(m.extras ->> {params.add(fields.extra_key(field_name))})", False


def facet_sql(field_name: str, params: fields.Params, limit: int, mincount: int) -> str:
    """A sub-select giving the facet as a JSON array of [value, count], most frequent first."""
    expr, is_array = column(field_name, params)
    source = f"m, unnest({expr}) AS f(val)" if is_array else f"(SELECT {expr} AS val FROM m) AS f"
    limit_sql = f"LIMIT {int(limit)}" if limit >= 0 else ""
    return (
        f"(SELECT coalesce(json_agg(json_build_array(val, n)), '[]') FROM ("
        f"SELECT f.val, count(*) AS n FROM {source} WHERE f.val IS NOT NULL AND f.val <> '' "
        f"GROUP BY f.val HAVING count(*) >= {max(int(mincount), 0)} ORDER BY n DESC, f.val ASC {limit_sql}) AS x)"
    )


def columns_needed(wanted: list[str]) -> set[str]:
    """Document columns the matched rows must carry for these facets."""
    needed = set()
    for name in wanted:
        if name in SINGLE:
            needed.add(SINGLE[name])
        elif name in MULTI:
            needed.add(MULTI[name])
        else:
            needed.add("extras")
    return needed


def as_dict(pairs: list[Any]) -> dict[str, int]:
    return {value: int(count) for value, count in pairs}
