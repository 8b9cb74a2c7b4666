"""What the fast engine does not reproduce goes to frictionless, with the reason in the report.

Each case is a schema feature or a value the fast engine declines — declared
up front (fast_support.py) or met while reading (a key floats cannot tell
apart, a cell frictionless' own reader crashes on). The report must then be
frictionless' own (same errors, same messages), never a different verdict, and
`fallback_reason` must say why.
"""

from __future__ import annotations

import pytest

from pipelines.validation import validate_table

CSV = "id,v\n1,a\n2,b\n2,c\n"
CASES = {
    # name: (schema fields after "id", extra schema properties, csv text, words expected in the reason)
    "format": ([{"name": "v", "type": "string", "format": "email"}], {}, CSV, "format 'email'"),
    "type any": ([{"name": "v", "type": "any"}], {}, CSV, "type 'any'"),
    "type object": ([{"name": "v", "type": "object"}], {}, 'id,v\n1,"{""a"": 1}"\n2,x\n', "type 'object'"),
    "type list": ([{"name": "v", "type": "list"}], {}, 'id,v\n1,"a,b"\n', "type 'list'"),
    "floatNumber": ([{"name": "v", "type": "number", "floatNumber": True}], {}, "id,v\n1,1.5\n2,x\n", "floatNumber"),
    "foreign keys": ([{"name": "v", "type": "string"}],
                     {"foreignKeys": [{"fields": "v", "reference": {"resource": "", "fields": "id"}}]}, CSV, "foreignKeys"),
    "unique duration": ([{"name": "v", "type": "duration", "constraints": {"unique": True}}], {},
                        "id,v\n1,P1D\n2,PT24H\n", "unique on type 'duration'"),
    "enum duration": ([{"name": "v", "type": "duration", "constraints": {"enum": ["P1D"]}}], {},
                      "id,v\n1,P1D\n2,PT24H\n", "enum on type 'duration'"),
    "exclusive bound in a v1 resource": ([{"name": "v", "type": "integer", "constraints": {"exclusiveMinimum": 0}}],
                                         {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json"},
                                         "id,v\n1,0\n", "rejects the schema"),
    "number key floats cannot tell apart": ([{"name": "v", "type": "number"}], {"primaryKey": ["v"]},
                                            "id,v\n1,0.1\n2,0.10000000000000000001\n", "not exactly representable"),
    "naive cell, aware bound": ([{"name": "v", "type": "datetime", "constraints": {"minimum": "2020-01-01T00:00:00Z"}}],
                                {}, "id,v\n1,2021-01-01T00:00:00Z\n2,2021-01-01T00:00:00\n", "reader fails"),
    "invalid pattern": ([{"name": "v", "type": "string", "constraints": {"pattern": "(a"}}], {}, CSV, "reader"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_declined_feature_falls_back_with_a_reason(tmp_path, name):
    fields, extra, text, reason = CASES[name]
    schema = {"fields": [{"name": "id", "type": "integer"}, *fields], **extra}
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    ref = validate_table(path, schema, engine="frictionless")
    fast = validate_table(path, schema, engine="fast")
    assert fast.engine == "frictionless" and reason in (fast.fallback_reason or ""), fast.fallback_reason
    assert [e.to_dict() for e in fast.errors] == [e.to_dict() for e in ref.errors]
    assert (fast.rows, fast.valid) == (ref.rows, ref.valid)


def test_patterns_python_alone_understands_stay_fast(tmp_path):
    """A look-behind is not in polars' regex dialect: Python checks each distinct value, still in the fast engine."""
    schema = {"fields": [{"name": "v", "type": "string", "constraints": {"pattern": r"(?<=)\w+\s?\d"}}]}
    path = tmp_path / "data.csv"
    path.write_text("v\nabc 1\nabc\nå 7\nx\u00a01\n", encoding="utf-8")
    ref = validate_table(path, schema, engine="frictionless")
    fast = validate_table(path, schema, engine="fast")
    assert fast.engine == "fast"
    assert [e.to_dict() for e in fast.errors] == [e.to_dict() for e in ref.errors] and not ref.valid
