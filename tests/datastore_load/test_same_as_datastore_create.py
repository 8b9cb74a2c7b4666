"""A loaded table is the table datastore_create makes of the same rows: catalog, names, `_full_text`, every value.

Compared as PostgreSQL's superuser (tests/datastore_load/database.py): column types, defaults and
comments (the data dictionary), the `_id` sequence and its position, every index with its name,
constraints, the `_full_text` trigger, owner and grants (the read-only user), the table's place in
`_table_metadata`, and each row as JSON including its `_full_text` vector.
"""

from __future__ import annotations

import csv
import io
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .reference import datastore_create_reference

pytestmark = pytest.mark.ckan


def assert_load_equals_datastore_create(target, database, schema: dict, csv_text: str) -> None:
    target.schema(schema)
    resource_id = target.data(csv_text)
    datastore_create_reference(target.api, resource_id, csv_text, schema)
    reference = database.table_snapshot(resource_id)
    target.load()
    loaded = database.table_snapshot(resource_id)
    for part in reference:
        assert loaded[part] == reference[part], part
    assert reference["rows"]  # the comparison saw the data


EVERY_TYPE = {
    "fields": [
        {"name": "kod", "type": "string", "title": "Kod", "description": "Kommunkod"},
        {"name": "belopp", "type": "number", "title": "Belopp"},
        {"name": "antal", "type": "integer"},
        {"name": "dag", "type": "date"},
        {"name": "ok", "type": "boolean"},
        {"name": "ar", "type": "year"},
        {"name": "beskrivning", "type": "string", "constraints": {"unique": True}},
    ],
    "primaryKey": ["kod"],
}
EVERY_TYPE_CSV = ("kod,belopp,antal,dag,ok,ar,beskrivning\n"
                  "0880,-12.50,-3,2024-06-01,true,2024,\"Rad, med \"\"citat\"\"\növer två rader\"\n"
                  "0164A,1E+3,9007199254740993,0999-12-31,0,1999,Åre\n"
                  "0821,,,,,,\n")


def test_every_copy_native_type_matches_datastore_create(target, database):
    assert_load_equals_datastore_create(target, database, EVERY_TYPE, EVERY_TYPE_CSV)


def test_converted_columns_match_datastore_create(target, database):
    """Words for booleans, several missing values, date-times and times with UTC offsets."""
    schema = {
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "svar", "type": "boolean", "trueValues": ["ja", "Ja"], "falseValues": ["nej"]},
            {"name": "tid", "type": "datetime"},
            {"name": "klocka", "type": "time"},
            {"name": "summa", "type": "number"},
        ],
        "missingValues": ["", "-", "saknas"],
        "primaryKey": "id",
    }
    text = ("id,svar,tid,klocka,summa\n"
            "a,ja,2024-06-01T10:00:00+02:00,10:15:00+02:00,-\n"
            "b,nej,2024-06-01T10:00:00Z,23:59:59,1.5\n"
            "c,saknas,2024-06-01T10:00:00,-,saknas\n"
            "d,Ja,,,\n")
    assert_load_equals_datastore_create(target, database, schema, text)


# ---- generated tables ---------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x00")
                | st.sampled_from([",", '"', "\n", "å", "ä", "ö", "'", "\\"]), min_size=1, max_size=12)
_KINDS = {
    "code": ({"type": "string"}, st.from_regex(r"\A[0-9]{4}[A-Z]?\Z")),
    "text": ({"type": "string"}, _TEXT.filter(lambda s: s == s.strip())),
    "integer": ({"type": "integer"}, st.integers(-(2**63), 2**63 - 1).map(str)),
    "number": ({"type": "number"}, st.tuples(st.integers(-(10**15), 10**15), st.integers(0, 6)).map(
        lambda t: f"{'-' if t[0] < 0 else ''}{str(abs(t[0])).rjust(t[1] + 1, '0')[:-t[1] or None]}"
                  f"{'.' + str(abs(t[0])).rjust(t[1] + 1, '0')[-t[1]:] if t[1] else ''}")),
    "date": ({"type": "date"}, st.dates().map(lambda d: d.isoformat())),
    "boolean": ({"type": "boolean"}, st.sampled_from(["true", "false", "1", "0", "True", "FALSE"])),
    "ja_nej": ({"type": "boolean", "trueValues": ["ja"], "falseValues": ["nej"]}, st.sampled_from(["ja", "nej"])),
    "year": ({"type": "year"}, st.integers(1, 9999).map(lambda y: f"{y:04d}")),
}


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(_KINDS)), min_size=1, max_size=5))
    missing = draw(st.sampled_from([[""], ["", "-"]]))
    names = [f"k{i}_{kind}" for i, kind in enumerate(kinds)]
    schema = {"fields": [{"name": "nyckel", "type": "string"}] + [{"name": n, **_KINDS[k][0]} for n, k in zip(names, kinds)],
              "primaryKey": ["nyckel"], "missingValues": missing}
    count = draw(st.integers(1, 12))
    keys = draw(st.lists(st.from_regex(r"\A0[0-9]{3}[A-Z]?\Z"), min_size=count, max_size=count, unique=True))
    rows = []
    for key in keys:
        row = [key]
        for kind in kinds:
            value = draw(st.none() | _KINDS[kind][1].filter(lambda v: v not in missing))
            row.append(draw(st.sampled_from(missing)) if value is None else value)
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["nyckel", *names])
    writer.writerows(rows)
    return schema, out.getvalue()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=tables())
def test_generated_tables_match_datastore_create(target, database, table):
    schema, text = table
    assert_load_equals_datastore_create(target, database, schema, text)
