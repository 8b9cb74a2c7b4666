"""The dataset search CKAN's `package_search` action runs, answered from PostgreSQL instead of Solr.

Why a SearchQuery and not a rewritten action: CKAN's own `package_search` keeps doing everything
around the query (parameter validation and limits, include_private/include_drafts/include_deleted,
the caller's permission labels, IPackageController hooks, facet titles), and so does every other
caller of `ckan.lib.search.query_for(Package)` (package_autocomplete, the web UI, ckanext-dcat).
Only the part that used to talk to Solr is replaced, so permissions work exactly as in CKAN.

Datasets are read live from CKAN's tables: there is no index to rebuild and no stale result.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.lib.search.query import VALID_SOLR_PARAMETERS, SearchQuery
from ckan.plugins import toolkit

from . import facets, fields, sorting
from .compile import PERMISSION_LABELS_SQL, Compiler
from .syntax import parse

log = logging.getLogger(__name__)

# Columns a result can be served from without building the whole dataset dict.
_ROW_FIELDS = {"id", "name", "title", "type", "state", "owner_org", "license_id", "private",
               "metadata_modified", "metadata_created", "notes", "url", "version"}


class PostgresPackageSearchQuery(SearchQuery):
    """Runs one package search; sets `count`, `results` and `facets` like CKAN's PackageSearchQuery."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        rows = model.Session.execute(
            sa.text("SELECT id FROM package WHERE state = 'active' ORDER BY id LIMIT :n"), {"n": max_results}
        )
        return [r[0] for r in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
        # package_show asks the index for a cached copy first; there is none, so it reads the tables.
        raise SearchError(f"no search index documents (PostgreSQL search reads datasets live): {reference}")

    def run(self, query: dict[str, Any], permission_labels: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        query = dict(query)
        invalid = set(query) - VALID_SOLR_PARAMETERS
        if invalid:
            raise SearchQueryError(f"Invalid search parameters: {sorted(invalid)}")

        q = query.get("q")
        if not q or q in ('""', "''"):
            q = "*:*"
        try:
            rows = int(query.get("rows", 10))
            start = int(query.get("start", 0))
        except (TypeError, ValueError):
            raise SearchQueryError("rows and start must be whole numbers") from None
        if rows < 0 or start < 0:
            raise SearchQueryError("rows and start must not be negative")

        fqs = [query["fq"]] if isinstance(query.get("fq"), str) else list(query.get("fq") or [])
        fqs.extend(query.get("fq_list") or [])
        if not any("+state:" in f for f in fqs if f):
            fqs.append("+state:active")

        params = fields.Params()
        fq_compiler = Compiler(params, "fq")
        conditions = [fq_compiler.compile(parse(f, "fq")) for f in fqs if f and f.strip()]

        q_compiler = Compiler(params, "q")  # plain words, "phrases", OR, -exclusions and field:value
        conditions.append(q_compiler.compile(parse(q, "q")))

        if permission_labels is not None:
            conditions.append(f"({PERMISSION_LABELS_SQL} && CAST({params.add(list(permission_labels))} AS text[]))")

        rank = (
            f"ts_rank({fields.DOCUMENT_SQL}, {' || '.join(q_compiler.text_queries)})"
            if q_compiler.text_queries else "0.0"
        )
        matched = (
            f"matched AS (SELECT p.id, {rank} AS score FROM package p "
            f'LEFT JOIN "group" o ON o.id = p.owner_org WHERE {" AND ".join(conditions) or "TRUE"})'
        )
        order = sorting.order_by(query.get("sort"))
        session = model.Session
        try:
            self.count = session.execute(sa.text(f"WITH {matched} SELECT count(*) FROM matched"), params.values).scalar()
            page = [
                r[0]
                for r in session.execute(
                    sa.text(
                        f"WITH {matched} SELECT m.id FROM matched m JOIN package p ON p.id = m.id "
                        f"ORDER BY {order} LIMIT {rows} OFFSET {start}"
                    ),
                    params.values,
                )
            ]
            self.facets = self._facets(query, matched, params)
        except sa.exc.DBAPIError as e:
            session.rollback()
            log.exception("package search failed")
            raise SearchError(f"the dataset search failed in PostgreSQL: {e.orig}") from None

        self.results = self._results(page, query.get("fl", "name"))
        return {"results": self.results, "count": self.count}

    def _facets(self, query: dict[str, Any], matched: str, params: fields.Params) -> dict[str, dict[str, int]]:
        if str(query.get("facet", "true")).lower() != "true":
            return {}
        wanted = query.get("facet.field") or []
        if isinstance(wanted, str):
            wanted = json.loads(wanted) if wanted.startswith("[") else [wanted]
        limit = int(query.get("facet.limit", toolkit.config.get("search.facets.limit")))
        mincount = int(query.get("facet.mincount", 1))
        out = {}
        for name in wanted:
            local = fields.Params(dict(params.values))
            sql = facets.facet_sql(name, matched, local, limit, mincount)
            out[name] = facets.as_dict(list(model.Session.execute(sa.text(sql), local.values)))
        return out

    def _results(self, ids: list[str], fl: Any) -> list[Any]:
        wanted = [f for f in re.split(r"[\s,]+", fl if isinstance(fl, str) else " ".join(fl)) if f]
        if not ids:
            return []
        if set(wanted) <= _ROW_FIELDS:
            cols = ", ".join(f"p.{c}" for c in wanted)
            rows = model.Session.execute(
                sa.text(f"SELECT p.id AS _id, {cols} FROM package p WHERE p.id = ANY(:ids)"), {"ids": ids}
            ).mappings()
            by_id = {r["_id"]: {c: _plain(r[c]) for c in wanted} for r in rows}
            results = [by_id[i] for i in ids if i in by_id]
        else:
            results = [self._from_dataset(pkg_id, wanted) for pkg_id in ids]
        if wanted in (["id"], ["name"]):
            return [r[wanted[0]] for r in results]
        return results

    @staticmethod
    def _from_dataset(pkg_id: str, wanted: list[str]) -> dict[str, Any]:
        pkg = toolkit.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": pkg_id})
        extras = {e["key"]: e["value"] for e in pkg.get("extras", [])}
        result: dict[str, Any] = {}
        for name in wanted:
            if name in ("validated_data_dict", "data_dict"):
                result[name] = json.dumps(pkg)
            elif name.startswith("extras_"):
                result.setdefault("extras", {})[name[len("extras_"):]] = extras.get(name[len("extras_"):])
            else:
                result[name] = pkg.get(name, extras.get(name))
        return result


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
