"""`oppnadata register`: drafts that keep catalog.yaml intact, never overwrite, and pass check once filled."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from ruamel.yaml import YAML

from pipelines.catalog import check_project
from pipelines.cli import main

# A typical municipal export: Windows-1252, ';'-separated, codes with leading zeros.
EXPORT = "kommunkod;kommun;antal_badplatser\n0880;Kalmar;12\n0861;Mönsterås;7\n0885;Borgholm;21\n".encode("cp1252")


def register(root: Path, *args: str, allow_loopback: bool = False):
    env = {"OPPNADATA_ROOT": str(root), "OPPNADATA_ALLOW_PRIVATE_HOSTS": "true" if allow_loopback else "false"}
    result = CliRunner().invoke(main, ["register", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def fill_in(root: Path, dataset_id: str) -> None:
    """What the steward does by hand: replace every TODO with real values."""
    yaml = YAML()
    yaml.preserve_quotes = True
    path = root / "catalog.yaml"
    tree = yaml.load(path.read_text(encoding="utf-8"))
    entry = next(d for d in tree["datasets"] if d["id"] == dataset_id)
    entry["title"] = "Badplatser per kommun"
    entry["description"] = "Antal kommunala badplatser per kommun."
    entry["frequency"] = "ANNUAL"
    entry["themes"][0] = "ENVI"
    entry["keywords"][0] = "badplatser"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(tree, out)
    schema_path = root / f"schemas/{dataset_id}.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        field["title"] = field["name"].capitalize()
        field["description"] = f"Kolumnen {field['name']}."
    schema_path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")


def test_register_a_local_file(project: Path, tmp_path: Path):
    export = tmp_path / "badplatser.csv"
    export.write_bytes(EXPORT)
    before = (project / "catalog.yaml").read_text(encoding="utf-8")

    result = register(project, "badplatser", "--file", str(export), "--organization", "kalmar-kommun")
    assert result.exit_code == 0, result.output
    assert "oppnadata check" in result.output.splitlines()[-1]

    after = (project / "catalog.yaml").read_text(encoding="utf-8")
    assert after.startswith(before), "every existing line, comment and the order are kept"
    added = after[len(before):]
    assert "- id: badplatser" in added and "organization: kalmar-kommun" in added
    assert "fill in" in added  # the comments that say what to write
    assert (project / "datasets/badplatser/badplatser.csv").read_bytes() == EXPORT

    schema = json.loads((project / "schemas/badplatser.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["kommunkod"]["type"] == "string"
    assert fields["kommunkod"]["constraints"] == {"pattern": r"^\d{4}$"}
    assert fields["antal_badplatser"]["type"] == "integer"
    assert fields["kommun"]["type"] == "string"

    codes = {p.code for p in check_project(project)}
    assert codes == {"placeholder"}  # the draft is not publishable until filled in

    fill_in(project, "badplatser")
    assert check_project(project) == []
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 0, result.output


def test_register_never_overwrites(project: Path, tmp_path: Path):
    export = tmp_path / "badplatser.csv"
    export.write_bytes(EXPORT)
    assert register(project, "badplatser", "--file", str(export), "--organization", "kalmar-kommun").exit_code == 0
    catalog = (project / "catalog.yaml").read_bytes()
    schema = (project / "schemas/badplatser.json").read_bytes()

    again = register(project, "badplatser", "--file", str(export), "--organization", "kalmar-kommun")
    assert again.exit_code == 1
    assert "already exists in catalog.yaml" in again.output
    existing_id = register(project, "kommuner", "--file", str(export), "--organization", "kalmar-kommun")
    assert existing_id.exit_code == 1
    assert (project / "catalog.yaml").read_bytes() == catalog
    assert (project / "schemas/badplatser.json").read_bytes() == schema

    (project / "schemas/lekplatser.json").write_text('{"fields": []}', encoding="utf-8")
    orphan_schema = register(project, "lekplatser", "--file", str(export), "--organization", "kalmar-kommun")
    assert orphan_schema.exit_code == 1
    assert "schemas/lekplatser.json already exists" in orphan_schema.output
    assert (project / "schemas/lekplatser.json").read_text(encoding="utf-8") == '{"fields": []}'
    assert (project / "catalog.yaml").read_bytes() == catalog


def test_register_refuses_bad_input(project: Path, tmp_path: Path):
    export = tmp_path / "badplatser.csv"
    export.write_bytes(EXPORT)
    catalog = (project / "catalog.yaml").read_bytes()
    assert register(project, "Badplatser", "--file", str(export), "--organization", "kalmar-kommun").exit_code == 1
    unknown = register(project, "badplatser", "--file", str(export), "--organization", "kalmar")
    assert unknown.exit_code == 1 and "no organization 'kalmar'" in unknown.output
    assert register(project, "badplatser", "--organization", "kalmar-kommun").exit_code == 2  # neither --file nor --url
    assert (project / "catalog.yaml").read_bytes() == catalog


def test_register_from_a_url(project: Path, fixture_server):
    fixture_server.set("/export/badplatser.csv", EXPORT, content_type="text/csv")
    url = fixture_server.url("/export/badplatser.csv")
    result = register(project, "badplatser-url", "--url", url, "--organization", "kalmar-kommun", allow_loopback=True)
    assert result.exit_code == 0, result.output
    added = (project / "catalog.yaml").read_text(encoding="utf-8")
    assert "type: http" in added and f"url: {url}" in added and "format: csv" in added
    schema = json.loads((project / "schemas/badplatser-url.json").read_text(encoding="utf-8"))
    assert [f["type"] for f in schema["fields"]] == ["string", "string", "integer"]
    assert not (project / "datasets/badplatser-url").exists()  # a remote source keeps no steward file


def test_register_refuses_a_loopback_url_by_default(project: Path, fixture_server):
    fixture_server.set("/export/intern.csv", EXPORT, content_type="text/csv")
    fixture_server.reset_counts()
    catalog = (project / "catalog.yaml").read_bytes()
    result = register(project, "intern", "--url", fixture_server.url("/export/intern.csv"), "--organization", "kalmar-kommun")
    assert result.exit_code == 1
    assert "OPPNADATA_ALLOW_PRIVATE_HOSTS" in result.output
    assert fixture_server.count("/export/intern.csv") == 0  # refused before connecting
    assert (project / "catalog.yaml").read_bytes() == catalog


def test_decimal_comma_columns_are_drafted_as_numbers_and_the_filled_in_entry_passes_check(project: Path, tmp_path: Path):
    export = tmp_path / "badplatser-lage.csv"
    export.write_bytes("namn;kommunkod;lat;lon\nByxelkrok;0885;57,3265;17,0098\nStensö;0880;56,6475;16,3352\n".encode("cp1252"))
    result = register(project, "badplatser-lage", "--file", str(export), "--organization", "kalmar-kommun")
    assert result.exit_code == 0, result.output
    schema = json.loads((project / "schemas/badplatser-lage.json").read_text(encoding="utf-8"))
    assert {f["name"]: f["type"] for f in schema["fields"]} == {"namn": "string", "kommunkod": "string", "lat": "number", "lon": "number"}
    fill_in(project, "badplatser-lage")
    assert check_project(project) == []  # the steward file (cp1252, ';', decimal commas) validates as numbers
