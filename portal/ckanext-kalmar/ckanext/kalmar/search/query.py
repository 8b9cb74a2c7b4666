"""The dataset search CKAN's `package_search` action runs, answered from the search document table.

Why a SearchQuery and not a rewritten action: CKAN's own `package_search` keeps doing everything
around the query (parameter validation and limits, include_private/include_drafts/include_deleted,
the caller's permission labels, IPackageController hooks, facet titles), and so does every other
caller of `ckan.lib.search.query_for(Package)` (package_autocomplete, the web UI, ckanext-dcat).
Only the part that used to talk to Solr is replaced, so permissions work exactly as in CKAN.

One statement finds the matching documents once (a materialized CTE) and derives the count, the
page of ids and every facet from it, and, when whole datasets are asked for (CKAN's default), the
page's stored dataset JSON texts; other `fl` fields are read by a second statement. No hit costs a
package_show.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any

import cachetools

import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.lib.search.query import VALID_SOLR_PARAMETERS, SearchQuery
from ckan.plugins import toolkit

from . import api_results, facets, fields, sorting, table
from .compile import Compiler, text_terms
from .syntax import parse

log = logging.getLogger(__name__)

TIMEOUT_OPTION = "ckanext.kalmar.search.statement_timeout_ms"
DEFAULT_TIMEOUT_MS = 3000
MAX_FILTERS = 32
MAX_FL_FIELDS = 50
# Columns the matched rows carry: what sorting can name, plus facets' columns added per query.
_MATCH_COLUMNS = ("id", "name", "title", "metadata_modified", "metadata_created")
# The `fl` CKAN's package_search sets when it wants whole datasets -> the stored field it decodes.
_WHOLE_DATASET_FL = {("id", "validated_data_dict"): "validated_data_dict", ("id", "data_dict"): "data_dict"}
# Full-text terms known to consist of Swedish stop words only (or not): the answer never changes.
_STOP_ONLY: "cachetools.LRUCache[str, bool]" = cachetools.LRUCache(maxsize=4096)
_STOP_ONLY_LOCK = threading.Lock()


class PostgresPackageSearchQuery(SearchQuery):
    """Runs one package search; sets `count`, `results` and `facets` like CKAN's PackageSearchQuery."""

    def get_all_entity_ids(self, max_results: int = 1000) -> list[str]:
        table.ensure()
        rows = model.Session.execute(
            sa.text(f"SELECT id FROM {table.TABLE} ORDER BY id LIMIT :n"), {"n": max_results})
        return [r[0] for r in rows]

    def get_index(self, reference: str) -> dict[str, Any]:
        """The stored dataset dict, which package_show uses when its metadata_modified is current."""
        table.ensure()
        row = model.Session.execute(sa.text(
            f"SELECT validated_data_dict::text, coalesce(data_dict, validated_data_dict)::text, metadata_modified "
            f"FROM {table.TABLE} WHERE id = :r OR name = :r LIMIT 1"), {"r": reference}).first()
        if row is None:
            raise SearchError(f"no search document for {reference}")
        return {"validated_data_dict": row[0], "data_dict": row[1],
                "metadata_modified": row[2].isoformat() if row[2] else ""}

    def run(self, query: dict[str, Any], permission_labels: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
        query = dict(query)
        invalid = set(query) - VALID_SOLR_PARAMETERS
        if invalid:
            raise SearchQueryError(f"Invalid search parameters: {sorted(invalid)}")
        q = query.get("q")
        if not q or q in ('""', "''"):
            q = "*:*"
        if not isinstance(q, str):
            raise SearchQueryError("q must be a text")
        rows, start = _whole(query.get("rows", 10), "rows"), _whole(query.get("start", 0), "start")

        fqs = _filters(query)
        if not any("+state:" in f for f in fqs):
            fqs.append("+state:active")

        table.ensure()
        trees = [(parse(f, "fq"), "fq") for f in fqs if f.strip()]
        q_tree = parse(q, "q")
        stop_only = _stop_only_terms([v for tree, _ in trees for v in text_terms(tree)] + text_terms(q_tree))

        params = fields.Params()
        conditions = [Compiler(params, "fq", stop_only).compile(tree) for tree, _ in trees]
        q_compiler = Compiler(params, "q", stop_only)
        conditions.append(q_compiler.compile(q_tree))
        if permission_labels is not None:  # also enforced by the table's row-level security (table.py)
            conditions.append(f"(d.permission_labels && CAST({params.add(list(permission_labels))} AS text[]))")

        sort = query.get("sort")
        order = sorting.order_by(sort)
        rank = "0.0"
        if q_compiler.text_queries and sorting.uses_score(sort):
            rank = f"ts_rank(d.document, {' || '.join(q_compiler.text_queries)})"
        wanted_facets = _facet_fields(query)
        facet_limit = _whole(query.get("facet.limit", toolkit.config.get("search.facets.limit")), "facet.limit", -1)
        facet_min = _whole(query.get("facet.mincount", 1), "facet.mincount")
        fl = _result_fields(query.get("fl", "name"))

        columns = set(_MATCH_COLUMNS) | facets.columns_needed(wanted_facets)
        matched = (f"m AS MATERIALIZED (SELECT {', '.join('d.' + c for c in sorted(columns))}, {rank} AS score "
                   f"FROM {table.TABLE} d WHERE {' AND '.join(conditions)})")
        # The page's ids in order (a top-N sort of the matches), numbered for what is read per hit.
        page = (f"page AS MATERIALIZED (SELECT p.id, p.ord FROM unnest(ARRAY(SELECT m.id FROM m ORDER BY {order} "
                f"LIMIT {rows} OFFSET {start})) WITH ORDINALITY AS p(id, ord))")
        facet_json = ", ".join(
            f"{params.add(name)}, {facets.facet_sql(name, params, facet_limit, facet_min)}" for name in wanted_facets)
        raw = api_results.pending() if fl == ["id"] else None
        whole = raw.field if raw is not None else _WHOLE_DATASET_FL.get(tuple(fl))
        # Whole datasets (what CKAN asks for unless the caller names `fl`) come with the page, as JSON
        # texts in a second column: no second statement, and no JSON escaping of a JSON text.
        documents = (f", (SELECT array_agg({fields.RESULT_COLUMNS[whole]} ORDER BY p.ord) "
                     f"FROM page p JOIN {table.TABLE} d ON d.id = p.id)") if whole else ""
        statement = (
            f"WITH {matched}, {page} SELECT json_build_object("
            f"'count', (SELECT count(*) FROM m), "
            f"'page', (SELECT coalesce(json_agg(p.id ORDER BY p.ord), '[]') FROM page p), "
            f"'facets', json_build_object({facet_json}))::text{documents}"
        )
        with _limits(permission_labels):
            row = _execute(statement, params.values).one()
            found = json.loads(row[0])
            if whole is None:
                self.results = _results(found["page"], fl)
        if whole is not None:
            texts = row[1] or []
            if len(texts) != len(found["page"]):
                raise SearchError(f"the search found {len(found['page'])} datasets but read {len(texts)}")
            if raw is not None:
                raw.texts = texts
                self.results = found["page"]
            else:
                self.results = [{"id": i, whole: text} for i, text in zip(found["page"], texts)]
        self.count = found["count"]
        self.facets = {name: facets.as_dict(pairs) for name, pairs in found["facets"].items()}
        return {"results": self.results, "count": self.count}


def _whole(value: Any, name: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(f"{name} must be a whole number, not {str(value)[:40]!r}") from None
    if number < minimum or number > 10**9:
        raise SearchQueryError(f"{name} must be between {minimum} and 1000000000, not {number}")
    return number


def _filters(query: dict[str, Any]) -> list[str]:
    fq = query.get("fq")
    fqs = [fq] if isinstance(fq, str) else list(fq or [])
    fq_list = query.get("fq_list") or []
    if isinstance(fq_list, str) or not isinstance(fq_list, (list, tuple)):
        raise SearchQueryError("fq_list must be a list of filter queries")
    fqs.extend(fq_list)
    if any(not isinstance(f, str) for f in fqs):
        raise SearchQueryError("every filter query (fq, fq_list) must be a text")
    if len(fqs) > MAX_FILTERS:
        raise SearchQueryError(f"{len(fqs)} filter queries; at most {MAX_FILTERS} are allowed")
    return fqs


def _facet_fields(query: dict[str, Any]) -> list[str]:
    if str(query.get("facet", "true")).lower() != "true":
        return []
    wanted = query.get("facet.field") or []
    if isinstance(wanted, str):
        try:
            wanted = json.loads(wanted) if wanted.startswith("[") else [wanted]
        except ValueError:
            raise SearchQueryError(f"facet.field is not a JSON list of field names: {wanted[:60]!r}") from None
    if not isinstance(wanted, list) or any(not isinstance(w, str) for w in wanted):
        raise SearchQueryError("facet.field must be a list of field names")
    if len(wanted) > facets.MAX_FACET_FIELDS:
        raise SearchQueryError(f"{len(wanted)} facet fields; at most {facets.MAX_FACET_FIELDS} are allowed")
    return list(dict.fromkeys(wanted))


def _result_fields(fl: Any) -> list[str]:
    """`fl` limited to the stored columns (and extras): a result never costs a package_show."""
    text = fl if isinstance(fl, str) else " ".join(str(f) for f in (fl or []))
    wanted = [f for f in re.split(r"[\s,]+", text) if f] or ["name"]
    if len(wanted) > MAX_FL_FIELDS:
        raise SearchQueryError(f"fl: {len(wanted)} fields; at most {MAX_FL_FIELDS} are allowed")
    for name in wanted:
        if name not in fields.RESULT_COLUMNS and not (name.startswith("extras_") and 7 < len(name) <= 107):
            raise SearchQueryError(
                f"fl: {name[:60]!r} is not a stored field; use some of: "
                + ", ".join(sorted(fields.RESULT_COLUMNS)) + ", extras_<key>")
    return list(dict.fromkeys(wanted))


def _results(ids: list[str], wanted: list[str]) -> list[Any]:
    if not ids:
        return []
    params = fields.Params({"ids": ids})
    exprs = []
    for i, name in enumerate(wanted):
        sql = fields.RESULT_COLUMNS.get(name) or fields.extra_value_sql(params.add(fields.extra_key(name)))
        exprs.append(f"{sql} AS c{i}")
    rows = _execute(f"SELECT d.id, {', '.join(exprs)} FROM {table.TABLE} d WHERE d.id = ANY(:ids)", params.values)
    by_id = {}
    for row in rows:
        result: dict[str, Any] = {}
        for i, name in enumerate(wanted):
            value = _plain(row[i + 1])
            if name.startswith("extras_"):
                result.setdefault("extras", {})[name[len("extras_"):]] = value
            else:
                result[name] = value
        by_id[row[0]] = result
    results = [by_id[i] for i in ids if i in by_id]
    if wanted in (["id"], ["name"]):
        return [r[wanted[0]] for r in results]
    return results


def _stop_only_terms(values: list[str]) -> frozenset[str]:
    """The full-text term texts that consist of Swedish stop words only (they match everything).

    Asked of PostgreSQL's Swedish configuration once per term and process (the answer is fixed).
    """
    terms = list(dict.fromkeys(values))
    with _STOP_ONLY_LOCK:
        unknown = [t for t in terms if t not in _STOP_ONLY]
    if unknown:
        rows = _execute(
            f"SELECT t, numnode(plainto_tsquery('{table.TEXT_CONFIG}', t)) = 0 FROM unnest(CAST(:ts AS text[])) AS t",
            {"ts": unknown})
        answers = {t: bool(stop) for t, stop in rows}
        with _STOP_ONLY_LOCK:
            _STOP_ONLY.update(answers)
    else:
        answers = {}
    with _STOP_ONLY_LOCK:
        return frozenset(t for t in terms if answers.get(t, _STOP_ONLY.get(t)))


def _execute(statement: str, values: dict[str, Any]):
    try:
        return model.Session.execute(sa.text(statement), values)
    except sa.exc.DBAPIError as e:
        model.Session.rollback()
        if getattr(e.orig, "pgcode", None) == "57014":  # query_canceled: the statement_timeout
            raise SearchQueryError(
                "the search took too long and was stopped; search with fewer or more specific words") from None
        log.exception("package search failed")
        raise SearchError(f"the dataset search failed in PostgreSQL: {e.orig}") from None


class _limits:
    """For a caller with permission labels: only their rows are visible, and a statement timeout.

    One statement sets both (and reads the timeout to restore), one restores them.
    """

    def __init__(self, labels: list[str] | None):
        self.labels = labels

    def __enter__(self):
        if self.labels is None:
            return self
        timeout = int(toolkit.config.get(TIMEOUT_OPTION) or DEFAULT_TIMEOUT_MS)
        self.previous = model.Session.execute(sa.text(
            "WITH before AS MATERIALIZED (SELECT current_setting('statement_timeout') AS t) "
            "SELECT before.t, set_config(:k, :v, true), set_config('statement_timeout', :t, true) FROM before"),
            {"k": table.LABELS_SETTING, "v": table.labels_value(list(self.labels)), "t": f"{timeout}ms"}).scalar()
        return self

    def __exit__(self, *exc):
        if self.labels is None:
            return False
        try:
            model.Session.execute(sa.text("SELECT set_config(:k, '', true), set_config('statement_timeout', :t, true)"),
                                  {"k": table.LABELS_SETTING, "t": self.previous})
        except sa.exc.DBAPIError:
            model.Session.rollback()  # the transaction was aborted by the failed search; the rollback resets both
        return False


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
