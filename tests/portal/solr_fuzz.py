"""Random `q`, `fq` and `sort` strings from a grammar of Solr syntax, mixed with garbage (seeded).

Why a generator of our own and not hypothesis: the same strings must be produced inside the portal's
virtualenv (where CKAN lives and hypothesis does not), by the HTTP test and by the benchmark, and a
seed makes any failure reproducible everywhere. Pure Python, no imports beyond the standard library.

The grammar covers what CKAN's UI, ckanext-dcat and API clients send (fields, phrases, ranges with
dates and NOW arithmetic, boolean operators, +/- prefixes, wildcards, nesting) and what an attacker
would try: deep nesting, huge numbers, out-of-range dates, unbalanced quotes and brackets, control
characters, very long words and queries, local parameters, SQL fragments.
"""

from __future__ import annotations

import random

FIELDS = ["tags", "organization", "res_format", "license_id", "name", "id", "groups", "title", "notes",
          "text", "metadata_modified", "metadata_created", "capacity", "state", "type", "dataset_type",
          "extras_theme", "spatial_uri", "kalmar_source_type", "owner_org", "res_url", "res_name",
          "res_description", "name_ngram", "title_ngram", "site_id", "permission_labels", "*", "_x", "a.b-c"]
WORDS = ["badplatser", "skolor", "Kalmar", "och", "i", "vägar", "ÅÄÖ", "CSV", "cc0-1.0", "2024",
         "x" * 120, "ö" * 40, "NOT", "AND", "OR", "TO", "NOW", "*", "?", "a*", "*b", "b?d", "é", "🙂",
         "'; DROP TABLE package; --", "%", "_", "\\", "\\\"", "null", "0", "-1", "1e309"]
DATES = ["NOW", "NOW-7DAYS", "NOW/DAY", "NOW-10000YEARS", "NOW+99999999999999999999DAYS", "NOW-1MONTH",
         "2024-01-31T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "*",
         "2024-13-45", "yesterday", "NOW-" + "9" * 5000 + "DAYS", "2024-01-01", "0000-00-00T00:00:00Z"]
SORT_FIELDS = ["score", "metadata_modified", "metadata_created", "title_string", "name", "id", "rank",
               "popularity", "title", "views_recent", "", "score desc desc"]
GARBAGE = ["(", ")", "[", "]", "{", "}", '"', ":", "+", "-", "!", "^", "~", "&&", "||", "{!lucene}",
           "\x00", "\x01", "\n", "\t", " ", "\u200b", "\ud7ff", "*:*", "::", "[* TO", "TO *]"]


def _value(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(WORDS)
    if roll < 0.8:
        return '"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + '"'
    return "".join(rng.choice(WORDS + GARBAGE) for _ in range(rng.randint(1, 4)))


def _range(rng: random.Random) -> str:
    low, high = rng.choice(DATES), rng.choice(DATES)
    return f"{rng.choice('[{')}{low} TO {high}{rng.choice(']}')}"


def _term(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if roll < 0.15 and depth < 30:
        return "(" + _expr(rng, depth + 1) + ")"
    if roll < 0.25:
        return f"{rng.choice(FIELDS)}:{_range(rng)}"
    if roll < 0.35 and depth < 30:
        return f"{rng.choice(FIELDS)}:(" + _expr(rng, depth + 1) + ")"
    if roll < 0.7:
        return f"{rng.choice(FIELDS)}:{_value(rng)}"
    return _value(rng)


def _expr(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        prefix = rng.choice(["", "", "+", "-", "NOT "])
        parts.append(prefix + _term(rng, depth))
        parts.append(rng.choice([" ", " AND ", " OR ", " && ", " || "]))
    return "".join(parts[:-1])


def query(rng: random.Random) -> str:
    """One q or fq string: mostly grammatical, some deeply nested, long, or pure garbage."""
    roll = rng.random()
    if roll < 0.70:
        return _expr(rng)
    if roll < 0.78:
        n = rng.choice([17, 60, 250, 1000])
        return "(" * n + rng.choice(WORDS) + ")" * rng.choice([n, n - 1, 0])
    if roll < 0.84:
        return " ".join(rng.choice(WORDS) for _ in range(rng.choice([65, 300, 1000])))
    if roll < 0.90:
        return f"metadata_modified:{_range(rng)}"
    return "".join(rng.choice(GARBAGE + WORDS) for _ in range(rng.randint(1, 40)))


def sort(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        parts.append(f"{rng.choice(SORT_FIELDS)} {rng.choice(['asc', 'desc', 'ASC', '', 'up', 'desc;'])}".strip())
    text = ", ".join(parts)
    return text if rng.random() < 0.9 else text + "".join(rng.choice(GARBAGE) for _ in range(5))


def cases(seed: int, count: int) -> list[dict[str, str]]:
    """`count` parameter sets {q, fq, sort} (some keys left out), the same for the same seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        case = {}
        if rng.random() < 0.8:
            case["q"] = query(rng)
        if rng.random() < 0.5:
            case["fq"] = query(rng)
        if rng.random() < 0.4:
            case["sort"] = sort(rng)
        out.append(case)
    return out
