"""Compile a parsed Solr query (syntax.Node) into a SQL boolean expression over the search documents `d`.

Why a separate step: parsing is about the syntax CKAN speaks, compiling is about the document
table's columns (fields.py). Full-text terms are also collected, so the caller can rank by them
(`sort=score`). Every condition can use an index: the tsvector, the arrays and the extras have GIN
indexes, so a word costs one index probe, not a re-built document per row.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ckan.lib.search.common import SearchQueryError
from ckan.plugins import toolkit

from . import fields
from .syntax import And, MatchAll, Node, Not, Or, Range, Term

MAX_WORD_CHARS = 100  # a longer "word" matches nothing and would overflow tsquery's 2,047-byte limit

_WORD_RE = re.compile(r"[^\W_]+")
_NOW_MATH = re.compile(r"([+-])(\d+)(YEAR|MONTH|DAY|HOUR|MINUTE|SECOND)S?")
_UNIT_SECONDS = {"YEAR": 365 * 86400, "MONTH": 30 * 86400, "DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}


def parse_solr_date(value: str, where: str) -> datetime:
    """A Solr date (ISO 8601 with Z, `NOW`, `NOW-7DAYS`, `NOW/DAY`) as naive UTC, like CKAN stores them.

    A date outside what a timestamp can hold (`NOW-10000YEARS`, `NOW+99999999999DAYS`, year 0001
    with an offset that moves it before year 1) is the caller's error, reported as such.
    """
    try:
        return _parse_solr_date(value, where)
    except (OverflowError, ValueError):
        raise SearchQueryError(
            f"{where}: the date {value[:60]!r} is outside the years 1 to 9999 a dataset date can have"
        ) from None


def _parse_solr_date(value: str, where: str) -> datetime:
    text = value.strip()
    if text.upper().startswith("NOW"):
        rest, now = text[3:].upper(), datetime.now(timezone.utc).replace(tzinfo=None)
        round_day = rest.endswith("/DAY")
        rest = rest[: -len("/DAY")] if round_day else rest
        for sign, amount, unit in _NOW_MATH.findall(rest):
            delta = timedelta(seconds=int(amount) * _UNIT_SECONDS[unit])
            now = now + delta if sign == "+" else now - delta
        if _NOW_MATH.sub("", rest):
            raise SearchQueryError(f"{where}: cannot read the date {value!r}; use ISO 8601 (2024-01-31T00:00:00Z) or NOW")
        return now.replace(hour=0, minute=0, second=0, microsecond=0) if round_day else now
    if text.endswith("Z"):
        text = text[:-1]
        if not re.search(r"[+-]\d\d:\d\d$", text):
            text += "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise SearchQueryError(
            f"{where}: cannot read the date {value!r}; use ISO 8601 (2024-01-31T00:00:00Z) or NOW"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def _has_wildcard(term: Term) -> bool:
    return not term.phrase and ("*" in term.value or "?" in term.value)


class Compiler:
    """Turns one tree into SQL; `text_queries` holds the tsquery SQL of every full-text term seen.

    `stop_only` names the term texts whose every word is a Swedish stop word (looked up in
    PostgreSQL before compiling, see query.stop_only_terms): such a term matches every dataset, as
    Solr drops stop words.
    """

    def __init__(self, params: fields.Params, where: str, stop_only: frozenset[str] = frozenset()):
        self.params = params
        self.where = where  # "q" or "fq", for error messages
        self.stop_only = stop_only
        self.text_queries: list[str] = []

    def compile(self, node: Node) -> str:
        if isinstance(node, MatchAll):
            return "TRUE"
        if isinstance(node, Not):
            return f"NOT coalesce({self.compile(node.node)}, FALSE)"
        if isinstance(node, And):
            return "(" + " AND ".join(self.compile(n) for n in node.nodes) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.compile(n) for n in node.nodes) + ")"
        if isinstance(node, Range):
            return self.range(node)
        return self.term(node)

    def text_match(self, field_name: str | None, term: Term) -> str:
        """Full-text match in Swedish, tolerant of the Swedish stemmer's uneven stems.

        The snowball stemmer cuts "badplatser" to "badplats" but "badplats" to "badplat", so a stem
        alone would miss the plural. Each word therefore matches its stem OR any word starting with it
        ("badplats:*" finds the "badplats" of "badplatser"). Stop words ("i", "och") match everything,
        as Solr drops them; a quoted phrase matches as a phrase; "word*" is a prefix search.
        """
        doc = fields.TEXT_FIELDS[field_name]
        cfg = fields.TEXT_CONFIG
        words = text_words(term)
        if any(len(w) > MAX_WORD_CHARS for w in words):
            raise SearchQueryError(f"{self.where}: a word longer than {MAX_WORD_CHARS} characters in {term.value[:60]!r}...")
        if not words:
            return "TRUE"
        if term.phrase:
            tsq = f"phraseto_tsquery('{cfg}', {self.params.add(term.value)})"
            if term.value in self.stop_only:
                return "TRUE"
        elif term.value.endswith("*"):
            tsq = f"to_tsquery('simple', {self.params.add(' & '.join(w + ':*' for w in words))})"
        else:
            if term.value in self.stop_only:
                return "TRUE"
            stems = f"plainto_tsquery('{cfg}', {self.params.add(' '.join(words))})"
            prefixes = f"to_tsquery('simple', {self.params.add(' & '.join(w + ':*' for w in words))})"
            tsq = f"({stems} || {prefixes})"
        if field_name in (None, "text"):
            self.text_queries.append(tsq)
        return f"({doc} @@ {tsq})"

    def equals(self, column_sql: str, term: Term) -> str:
        if term.value == "*" and not term.phrase:
            return f"({column_sql} IS NOT NULL AND {column_sql} <> '')"
        if _has_wildcard(term):
            return f"({column_sql} LIKE {self.params.add(_like_pattern(term.value))})"
        return f"({column_sql} = {self.params.add(term.value)})"

    def contains(self, array_sql: str, term: Term) -> str:
        if term.value == "*" and not term.phrase:
            return f"(cardinality({array_sql}) > 0)"
        if _has_wildcard(term):
            pattern = self.params.add(_like_pattern(term.value))
            return f"EXISTS (SELECT 1 FROM unnest({array_sql}) AS v(val) WHERE v.val LIKE {pattern})"
        return f"({array_sql} @> ARRAY[CAST({self.params.add(term.value)} AS text)])"

    def extra(self, key: str, term: Term) -> str:
        if term.value == "*" and not term.phrase or _has_wildcard(term):
            return self.equals(fields.extra_value_sql(self.params.add(key)), term)
        return f"(d.extras @> jsonb_build_object(CAST({self.params.add(key)} AS text), CAST({self.params.add(term.value)} AS text)))"

    def term(self, term: Term) -> str:
        name = term.field
        if name in fields.TEXT_FIELDS:
            return self.text_match(name, term)
        if name == "*":
            raise SearchQueryError(f"{self.where}: '*:{term.value}' is not supported; use *:* to match everything")
        if name in fields.PACKAGE_COLUMNS:
            return self.equals(fields.PACKAGE_COLUMNS[name], term)
        if name in fields.ARRAY_COLUMNS:
            return self.contains(fields.ARRAY_COLUMNS[name], term)
        if name in fields.NGRAM_FIELDS:
            return f"({fields.NGRAM_FIELDS[name]} ILIKE {self.params.add('%' + _like_pattern(term.value) + '%')})"
        if name in fields.TIMESTAMP_FIELDS:
            when = parse_solr_date(term.value, self.where)
            return f"({fields.TIMESTAMP_FIELDS[name]} = {self.params.add(when)})"
        if name == "capacity":
            if term.value not in ("public", "private"):
                raise SearchQueryError(f"{self.where}: capacity must be public or private, not {term.value!r}")
            return "(NOT d.private)" if term.value == "public" else "(d.private)"
        if name == "site_id":
            return "TRUE" if term.value == toolkit.config.get("ckan.site_id") else "FALSE"
        if name == "permission_labels":
            return self.contains("d.permission_labels", term)
        return self.extra(fields.extra_key(name), term)

    def range(self, node: Range) -> str:
        if node.field in fields.TIMESTAMP_FIELDS:
            column = fields.TIMESTAMP_FIELDS[node.field]
            low = parse_solr_date(node.low, self.where) if node.low is not None else None
            high = parse_solr_date(node.high, self.where) if node.high is not None else None
        elif node.field in fields.PACKAGE_COLUMNS:
            column, low, high = fields.PACKAGE_COLUMNS[node.field], node.low, node.high
        elif node.field in fields.TEXT_FIELDS or node.field in fields.ARRAY_COLUMNS or node.field == "*":
            raise SearchQueryError(f"{self.where}: ranges are not supported on {node.field!r}")
        else:  # extras hold ISO dates and numbers as text: compare as text, like Solr's string fields
            column = fields.extra_value_sql(self.params.add(fields.extra_key(node.field)))
            low, high = node.low, node.high
        parts = [f"{column} IS NOT NULL"]
        if low is not None:
            parts.append(f"{column} {'>=' if node.include_low else '>'} {self.params.add(low)}")
        if high is not None:
            parts.append(f"{column} {'<=' if node.include_high else '<'} {self.params.add(high)}")
        return "(" + " AND ".join(parts) + ")"


def text_words(term: Term) -> list[str]:
    return _WORD_RE.findall(term.value)


def text_terms(node: Node) -> list[str]:
    """The values of the tree's full-text terms (for the stop-word lookup before compiling)."""
    if isinstance(node, Term):
        return [node.value] if node.field in fields.TEXT_FIELDS and not node.value.endswith("*") else []
    if isinstance(node, Not):
        return text_terms(node.node)
    if isinstance(node, (And, Or)):
        return [v for n in node.nodes for v in text_terms(n)]
    return []
