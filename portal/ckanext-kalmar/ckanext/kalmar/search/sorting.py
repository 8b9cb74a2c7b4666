"""Translate CKAN's `sort` parameter ("score desc, metadata_modified desc") into ORDER BY.

Why: the web UI offers relevance, name and last-modified orders, ckanext-dcat pages its catalog by
`metadata_modified desc`, and paging must return every dataset exactly once, so every order ends
with the dataset id as a unique tie-breaker.
"""

from __future__ import annotations

from ckan.lib.search.common import SearchQueryError

SORTABLE = {
    "score": "m.score",
    "rank": "m.score",
    "metadata_modified": "m.metadata_modified",
    "metadata_created": "m.metadata_created",
    # Solr's title_string is the exact title; sort it case-insensitively in Swedish order (å ä ö after z).
    "title_string": 'lower(m.title) COLLATE "sv-SE-x-icu"',
    "title": 'lower(m.title) COLLATE "sv-SE-x-icu"',
    "name": "m.name",
    "id": "m.id",
    # Popularity (CKAN's page-view tracking; the home page asks for "view_recent desc"). The portal does
    # not track page views, so every dataset would tie and Solr would fall back to its arbitrary index
    # order; the last change is the honest, stable stand-in: "desc" lists the most recently changed first.
    "view_recent": "m.metadata_modified",
    "views_recent": "m.metadata_modified",
    "views_total": "m.metadata_modified",
}


def order_by(sort: str | None) -> str:
    """ORDER BY clause body. Raises SearchQueryError naming the bad part of `sort`."""
    terms = []
    if len(sort or "") > 200:
        raise SearchQueryError(f'Invalid "sort" parameter: {len(sort)} characters; at most 200 are allowed')
    for part in (sort or "score desc, metadata_modified desc").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or words[0] not in SORTABLE or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise SearchQueryError(
                f'Invalid "sort" parameter: {part.strip()!r}; use "<field> asc|desc" with a field among '
                + ", ".join(sorted(SORTABLE))
            )
        direction = words[1].upper() if len(words) == 2 else "ASC"
        nulls = "NULLS LAST" if direction == "DESC" else "NULLS FIRST"
        terms.append(f"{SORTABLE[words[0]]} {direction} {nulls}")
    terms.append("m.id ASC")
    return ", ".join(terms)


def uses_score(sort: str | None) -> bool:
    return any(part.split()[:1] in (["score"], ["rank"]) for part in (sort or "score desc").split(","))
