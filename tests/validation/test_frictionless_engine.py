"""validate_table with the reference engine: errors are reported, never raised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.validation import validate_table

SCHEMA = {
    "fields": [
        {"name": "kommunkod", "type": "string", "constraints": {"required": True, "pattern": "08[0-9]{2}"}},
        {"name": "namn", "type": "string"},
        {"name": "antal", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["kommunkod"],
}


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_with_swedish_text(tmp_path):
    path = write(tmp_path, "kommunkod,namn,antal\n0880,Kalmar,3\n0885,Borgholm,0\n0840,Mörbylånga,12\n")
    report = validate_table(path, SCHEMA, engine="frictionless")
    assert report.valid and report.rows == 3 and report.engine == "frictionless"
    assert report.fields == ("kommunkod", "namn", "antal")
    assert report.errors == () and report.error_counts == {}


def test_bad_rows_are_located(tmp_path):
    path = write(tmp_path, "kommunkod,namn,antal\n0880,Kalmar,tre\n0880,Kalmar,-1\n1280,Malmö,1\n")
    report = validate_table(path, SCHEMA, engine="frictionless")
    assert not report.valid
    assert report.error_keys == {
        (2, "antal", "type-error"),
        (3, "antal", "constraint-error"),
        (3, None, "primary-key"),
        (4, "kommunkod", "constraint-error"),
    }
    type_error = next(e for e in report.errors if e.type == "type-error")
    assert type_error.cell == "tre" and "integer" in type_error.message


def test_schema_from_a_path_and_a_broken_schema_file(tmp_path):
    data = write(tmp_path, "kommunkod,namn,antal\n0880,Kalmar,3\n")
    schema_path = tmp_path / "s.json"
    schema_path.write_text(json.dumps(SCHEMA), encoding="utf-8")
    assert validate_table(data, schema_path, engine="frictionless").valid

    schema_path.write_text('{"fields": [\n  {"name": "a",}\n]}', encoding="utf-8")
    report = validate_table(data, schema_path, engine="frictionless")
    assert not report.valid and report.errors[0].type == "schema-error"
    assert "s.json" in report.errors[0].message and "line 2" in report.errors[0].message

    missing = validate_table(data, tmp_path / "nope.json", engine="frictionless")
    assert missing.errors[0].type == "schema-error" and "does not exist" in missing.errors[0].message


def test_invalid_schema_content_is_reported(tmp_path):
    data = write(tmp_path, "a\n1\n")
    report = validate_table(data, {"fields": [{"name": "a", "type": "bogus"}]}, engine="frictionless")
    assert not report.valid and report.errors[0].type == "field-error"
    crash = validate_table(data, {"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": "x"}}]},
                           engine="frictionless")
    assert crash.errors[0].type == "schema-error" and "minimum" in crash.errors[0].message


def test_missing_file_is_reported_not_raised(tmp_path):
    report = validate_table(tmp_path / "gone.csv", SCHEMA, engine="frictionless")
    assert not report.valid and report.errors[0].type == "scheme-error"
    assert "gone.csv" in report.errors[0].message


def test_limit_errors_stops_like_frictionless(tmp_path):
    rows = "".join(f"08{i:02d},x,bad\n" for i in range(30))
    path = write(tmp_path, "kommunkod,namn,antal\n" + rows)
    report = validate_table(path, SCHEMA, engine="frictionless", limit_errors=5)
    assert report.truncated and len(report.errors) == 5 and report.error_counts == {"type-error": 5}
    assert report.rows == 5


def test_unknown_engine_is_a_configuration_error(tmp_path, monkeypatch):
    path = write(tmp_path, "kommunkod,namn,antal\n0880,K,1\n")
    with pytest.raises(ValueError, match="engine must be one of"):
        validate_table(path, SCHEMA, engine="turbo")
    monkeypatch.setenv("OPPNADATA_VALIDATION_ENGINE", "warp")
    with pytest.raises(ValueError, match="OPPNADATA_VALIDATION_ENGINE"):
        validate_table(path, SCHEMA)
    monkeypatch.setenv("OPPNADATA_VALIDATION_ENGINE", "frictionless")
    assert validate_table(path, SCHEMA).engine == "frictionless"


@pytest.mark.parametrize("engine", ["frictionless", "fast"])
@pytest.mark.parametrize("schema", [{"fields": 5}, {"fields": [None]}, {"fields": [{"name": "a", "example": object()}]}])
def test_malformed_schema_is_reported_not_raised(tmp_path, engine, schema):
    csv_path = tmp_path / "t.csv"
    csv_path.write_text("a\n1\n", encoding="utf-8")
    report = validate_table(csv_path, schema, engine=engine)
    assert not report.valid and [e.type for e in report.errors] == ["schema-error"]


def test_frozen_schema_mapping_is_accepted(tmp_path):
    from types import MappingProxyType

    csv_path = tmp_path / "t.csv"
    csv_path.write_text("a\n1\n", encoding="utf-8")
    schema = MappingProxyType({"fields": (MappingProxyType({"name": "a", "type": "integer"}),)})
    assert validate_table(csv_path, schema, engine="frictionless").valid
