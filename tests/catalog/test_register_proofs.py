"""`register` drafts only what the values prove, and `check` refuses what is unproven or contradicted.

The cases are the ones a steward met: one-decimal percentages drafted as
geopoint, a header-only file drafted as `any`, duplicate header names that
shifted a code column's type, UTF-16 exports that drafted garbage names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.catalog import check_project
from pipelines.cli import main

from .test_register import fill_in, register


def drafted(project: Path, dataset_id: str) -> dict[str, dict]:
    schema = json.loads((project / f"schemas/{dataset_id}.json").read_text(encoding="utf-8"))
    return {f["name"]: f for f in schema["fields"]}


def export(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_decimal_comma_percentages_are_numbers_and_convert_exactly(project: Path, tmp_path: Path):
    data = "kommunkod;kommun;andel\n0880;Kalmar;4,9\n0861;Mönsterås;12,0\n0885;Borgholm;0,5\n".encode("cp1252")
    result = register(project, "andelar", "--file", str(export(tmp_path, "andelar.csv", data)), "--organization", "kalmar-kommun")
    assert result.exit_code == 0, result.output
    fields = drafted(project, "andelar")
    assert fields["andel"]["type"] == "number"  # frictionless' describe said geopoint
    assert fields["kommunkod"] == {**fields["kommunkod"], "type": "string", "constraints": {"pattern": r"^\d{4}$"}}
    fill_in(project, "andelar")
    assert check_project(project) == []
    validated = CliRunner().invoke(main, ["validate", "andelar"], env={"OPPNADATA_ROOT": str(project),
                                                                      "OPPNADATA_STATE_DIR": str(tmp_path / "state")})
    assert validated.exit_code == 0, validated.output
    canonical = (tmp_path / "state/work/validate/andelar/andelar.csv").read_text(encoding="utf-8")
    assert canonical == "kommunkod,kommun,andel\n0880,Kalmar,4.9\n0861,Mönsterås,12.0\n0885,Borgholm,0.5\n"


def test_nothing_is_drafted_from_a_guess(project: Path, tmp_path: Path):
    """Values that a type guesser reads as geopoint, year or any stay strings; only proofs become types."""
    data = ("punkt,år,blandat,datum,svar,tal\n"
            "\"57.1,16.3\",2024,4,2024-05-01,true,1.5\n"
            "\"57.2,16.4\",2023,x,2024-02-29,false,2\n").encode()
    assert register(project, "gissningar", "--file", str(export(tmp_path, "g.csv", data)),
                    "--organization", "kalmar-kommun").exit_code == 0
    types = {name: f["type"] for name, f in drafted(project, "gissningar").items()}
    assert types == {"punkt": "string", "år": "integer", "blandat": "string", "datum": "date", "svar": "boolean", "tal": "number"}


def test_a_header_only_file_drafts_todo_types_that_check_refuses(project: Path, tmp_path: Path):
    assert register(project, "tom", "--file", str(export(tmp_path, "tom.csv", b"kommunkod;kommun;antal\n")),
                    "--organization", "kalmar-kommun").exit_code == 0
    fields = drafted(project, "tom")
    assert all(f["type"].startswith("TODO") for f in fields.values())
    fill_in(project, "tom")  # titles, descriptions and the entry: everything but the types
    problems = [p for p in check_project(project) if p.file == "schemas/tom.json"]
    assert {p.code for p in problems} == {"type-todo"} and len(problems) == 3
    assert all(p.line > 0 and "the type is still a TODO" in p.message for p in problems)


def test_an_all_empty_column_gets_a_todo_type_and_the_others_are_proven(project: Path, tmp_path: Path):
    data = b"kommunkod,anteckning,antal\n0880,,1\n0881,,2\n"
    assert register(project, "delvis", "--file", str(export(tmp_path, "d.csv", data)), "--organization", "kalmar-kommun").exit_code == 0
    fields = drafted(project, "delvis")
    assert fields["anteckning"]["type"].startswith("TODO") and fields["antal"]["type"] == "integer"


@pytest.mark.parametrize("data, words", [
    (b"kommunkod,kommun,kommunkod\n0880,Kalmar,0881\n", "names both column 1 and column 3 'kommunkod'"),
    (b"kommunkod,,antal\n0880,Kalmar,1\n", "has no name in column 2"),
    (b'kommunkod,kommun\n0880,"Kalmar\n0881,Nybro\n', "line 2, column 2: a quoted value starts here and is never closed"),
    ("kommun\nMörbylånga\n".encode() + "Mönsterås\n".encode("cp1252"), "mixed encodings, first offending line 3"),
])
def test_register_refuses_what_validate_refuses_with_the_same_words(project: Path, tmp_path: Path, data, words):
    result = register(project, "trasig", "--file", str(export(tmp_path, "trasig.csv", data)), "--organization", "kalmar-kommun")
    assert result.exit_code == 1 and words in result.output, result.output
    assert not (project / "schemas/trasig.json").exists() and not (project / "datasets/trasig").exists()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_utf16_exports_draft_real_names(project: Path, tmp_path: Path, codec):
    data = "kommunkod\tkommun\tandel\r\n0880\tKalmar\t4,9\r\n".encode(codec)
    assert register(project, "unicode", "--file", str(export(tmp_path, "u.txt", data)), "--format", "csv",
                    "--organization", "kalmar-kommun").exit_code == 0
    assert {n: f["type"] for n, f in drafted(project, "unicode").items()} == {"kommunkod": "string", "kommun": "string", "andel": "number"}


def test_check_reports_any_fields_and_types_the_values_contradict(project: Path):
    """A schema written by hand: a code column named so that no name rule sees it, as integer (0880 would
    become 880), and the name as `any`."""
    schema_path = project / "schemas/kommuner.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    code, name = schema["fields"]
    code["type"] = "integer"
    del code["constraints"]["pattern"]
    name["type"] = "any"
    data = project / "datasets/kommuner/kommuner.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("kommunkod", "kommunnummer", 1), encoding="utf-8")
    code["name"] = schema["primaryKey"][0] = "kommunnummer"
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = check_project(project)
    by_code = {p.code: p for p in problems}
    assert {"field-any", "type-contradicted"} <= set(by_code), problems
    assert by_code["field-any"].line > 0 and "'kommunnamn' has type 'any'" in by_code["field-any"].message
    contradicted = by_code["type-contradicted"]
    assert contradicted.file == "schemas/kommuner.json" and contradicted.line > 0
    assert "'kommunnummer' is integer, but values such as '0880' have leading zeros" in contradicted.message


def test_check_reports_percentages_declared_as_geopoint(project: Path, tmp_path: Path):
    data = b"kommunkod;andel\n0880;4,9\n0861;12,0\n"
    assert register(project, "punkter", "--file", str(export(tmp_path, "p.csv", data)), "--organization", "kalmar-kommun").exit_code == 0
    fill_in(project, "punkter")
    path = project / "schemas/punkter.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][1]["type"] = "geopoint"  # what frictionless' describe drafted
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    contradicted = [p for p in check_project(project) if p.code == "type-contradicted"]
    assert len(contradicted) == 1 and "'andel' is geopoint, but every value is a plain number (e.g. '4,9')" in contradicted[0].message
