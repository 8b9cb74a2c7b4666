"""National specifications: the committed file, `conforms_to` in catalog.yaml, checks against it, and a union's schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipelines.catalog import check_project, known_specifications, load_catalog, load_schema
from pipelines.catalog.specifications import specification_problem
from pipelines.sources import union_schema
from pipelines.validation import validate_table

ROOT = Path(__file__).resolve().parents[2]
SPEC = "offentliga-toaletter-utkast-1"
SPEC_FILE = ROOT / "schemas" / "specifications" / f"{SPEC}.json"
HEADER = "source,id,name,latitude,longitude,email,visit_url,wikidata,updated,description\n"
TOILETS_ENTRY = f"""
  - id: toaletter
    title: Offentliga toaletter
    description: Kommunens offentliga toaletter.
    organization: kalmar-kommun
    conforms_to: {SPEC}
    source:
      type: file
      path: toaletter.csv
    frequency: MONTHLY
    themes: [SOCI]
    keywords: [toaletter]
"""


def _with_toilets(project: Path, rows: str, entry: str = TOILETS_ENTRY) -> None:
    (project / "schemas" / "specifications").mkdir(parents=True)
    shutil.copy(SPEC_FILE, project / "schemas" / "specifications")
    (project / "datasets" / "toaletter").mkdir(parents=True)
    (project / "datasets" / "toaletter" / "toaletter.csv").write_text(HEADER + rows, encoding="utf-8")
    with (project / "catalog.yaml").open("a", encoding="utf-8") as fh:
        fh.write(entry)


def test_the_committed_specification_says_what_it_is_and_where_each_fact_comes_from():
    descriptor = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert specification_problem(descriptor, SPEC) is None
    meta = descriptor["specification"]
    assert "Utkast" in meta["status"] and meta["license"] is None  # draft status and missing licence said plainly
    assert all(fact["source"] for fact in meta["facts"])
    names = [f["name"] for f in descriptor["fields"]]
    assert names == ["source", "id", "name", "latitude", "longitude", "email", "visit_url", "wikidata", "updated", "description"]
    required = [f["name"] for f in descriptor["fields"] if f.get("constraints", {}).get("required")]
    assert required == names[:6]  # the draft's six mandatory fields
    assert known_specifications(ROOT)[SPEC].uri == meta["uri"]


def test_a_specification_uri_that_is_not_a_valid_iri_is_refused():
    """The uri becomes dct:conformsTo in the DCAT feed: a space or a brace there would break its RDF."""
    descriptor = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    for bad in ("https://dataportal.se/specifications/offentliga toaletter", "https://dataportal.se/{x}"):
        descriptor["specification"]["uri"] = bad
        assert "is not a valid IRI" in specification_problem(descriptor, SPEC)
    descriptor["specification"]["uri"] = "https://dataportal.se/specifications/offentliga%20toaletter"
    assert specification_problem(descriptor, SPEC) is None


def test_a_dataset_following_the_specification_is_checked_against_it(project):
    _with_toilets(project, "0880,wc-1,Toalett vid torget,56.66,16.36,kommun@kalmar.se,,,2024-05-02,\n"
                           "0880,wc-2,Toalett i parken,156.66,16.35,Kommun@Kalmar.se,,q12,,\n")
    catalog = load_catalog(project / "catalog.yaml")
    toilets = catalog.dataset("toaletter")
    assert toilets.conforms_to == (known_specifications(project)[SPEC].uri,)
    assert toilets.schema == f"schemas/specifications/{SPEC}.json"
    problems = [p for p in check_project(project) if p.file == "datasets/toaletter/toaletter.csv"]
    said = " ".join(p.message for p in problems)
    assert {p.line for p in problems} == {3} and "latitude" in said and "email" in said and "wikidata" in said


def test_unknown_specification_and_a_schema_beside_it_are_located(project):
    _with_toilets(project, "0880,wc-1,Toalett,56.66,16.36,kommun@kalmar.se,,,,\n",
                  TOILETS_ENTRY.replace(f"conforms_to: {SPEC}", "conforms_to: badplatser-9\n    schema: schemas/kommuner.json"))
    problems = {p.code: p for p in check_project(project)}
    assert problems["unknown-specification"].line == problems["conflicting-schema"].line - 1
    assert SPEC in problems["unknown-specification"].hint  # names the specifications there are


def test_a_union_schema_adds_the_municipality_and_provenance_and_keys_per_municipality(tmp_path):
    schema = union_schema(load_schema(ROOT, f"schemas/specifications/{SPEC}.json"))
    names = [f["name"] for f in schema["fields"]]
    assert names[:2] == ["kommunkod", "kommun"] and names[-2:] == ["kalla", "kalla_version"]
    assert schema["primaryKey"] == ["kommunkod", "id"]
    version = "a" * 64
    row = "{code},{name},{code},wc-1,Toalett,56.66,16.36,kommun@example.se,,,,,https://portal/dataset/x,{version}\n"
    csv = tmp_path / "union.csv"
    csv.write_text(",".join(names) + "\n" + row.format(code="0880", name="Kalmar", version=version)
                   + row.format(code="0881", name="Nybro", version=version), encoding="utf-8")
    assert validate_table(csv, schema).valid  # the same id in two municipalities is two rows
    csv.write_text(csv.read_text(encoding="utf-8") + row.format(code="0881", name="Nybro", version=version), encoding="utf-8")
    assert not validate_table(csv, schema).valid
