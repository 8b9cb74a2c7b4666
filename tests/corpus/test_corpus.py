"""Every file of the vendored corpus through the real commands: `register` → `check` → `validate`.

The corpus (tests/fixtures/corpus/, see its README) holds files no one here
wrote: csv-spectrum, the W3C CSVW test suite's dialect and encoding inputs,
frictionless-py's own test tables and Swedish open data. manifest.jsonl says,
per file, what must happen — written from an independent reading
(oracle_reading.py), never from the pipeline's output:

- accepted: `register` drafts exactly the listed types, `check` finds nothing
  once a steward has filled in the titles, and `validate` passes and writes
  exactly the listed rows (numbers compared by value);
- refused-at-check: a column proves no type (it is empty), `register` drafts a
  TODO type for exactly the listed columns and `check` refuses those;
- refused: `register` refuses, `check` reports the file, and `validate` ends
  in a source error of the listed kind at the listed line.

Projects of a few files keep the cost down: the files of one chunk are
registered into one project (so catalog.yaml stays small, which `register`
re-reads), `check` runs once per chunk, and `validate` once per file — all
through click's CliRunner, in-process. A chunk is built when its first file's
test runs.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from pipelines.cli import main
from tests.normalize.oracle import same_value

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
BASE = Path(__file__).resolve().parents[1] / "catalog" / "fixtures" / "base"
MANIFEST = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
ORGANIZATION = "kalmar-kommun"
CHUNK = 8  # files per project


def dataset_id(rel: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", rel.lower()).strip("-")
    digest = hashlib.sha1(rel.encode()).hexdigest()[:6]  # two names that slug alike stay apart
    return f"k-{slug[:80]}-{digest}"


@dataclass
class Project:
    root: Path
    env: dict[str, str]
    registered: dict[str, object] = field(default_factory=dict)  # file -> CliRunner result
    problems: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))  # dataset id -> check problems

    def cli(self, *args: str):
        result = CliRunner().invoke(main, list(args), env=self.env)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{args[:2]} raised {type(result.exception).__name__}: {result.exception}")
        return result


def _fill_in(root: Path) -> None:
    """What the steward does by hand: every TODO but the types (the types are what is under test)."""
    yaml = YAML()
    path = root / "catalog.yaml"
    tree = yaml.load(path.read_text(encoding="utf-8"))
    for entry in tree["datasets"]:
        if str(entry.get("title", "")).startswith("TODO"):
            entry["title"] = f"Korpusfil {entry['id']}"
            entry["description"] = "En fil ur testkorpusen, registrerad för att pröva hela kedjan."
            entry["frequency"] = "IRREG"
            entry["themes"][0] = "GOVE"
            entry["keywords"][0] = "testkorpus"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(tree, out)
    for schema_path in (root / "schemas").glob("k-*.json"):
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        for f in schema["fields"]:
            f["title"] = f"Kolumn {f['name']}"
            f["description"] = "En kolumn ur testkorpusen."
        schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def _add_by_hand(root: Path, line: dict) -> None:
    """A catalog entry for a file `register` refused, so that `check` and `validate` meet the file too."""
    ds = dataset_id(line["file"])
    src = CORPUS / line["file"]
    folder = root / "datasets" / ds
    folder.mkdir(parents=True)
    shutil.copyfile(src, folder / src.name)
    schema = {"fields": [{"name": "kolumn", "type": "string", "title": "Kolumn", "description": "En kolumn."}]}
    (root / "schemas" / f"{ds}.json").write_text(json.dumps(schema), encoding="utf-8")
    yaml = YAML()
    tree = yaml.load((root / "catalog.yaml").read_text(encoding="utf-8"))
    entry = copy.deepcopy(tree["datasets"][0])  # a copy, so that YAML writes no aliases
    entry.update(id=ds, title=f"Korpusfil {ds}", schema=f"schemas/{ds}.json",
                 source={"type": "file", "path": src.name, "format": line["format"]})
    tree["datasets"].append(entry)
    with (root / "catalog.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(tree, out)


def _chunks() -> dict[str, list[dict]]:
    """Manifest lines grouped into chunks of CHUNK files of one source; key: '<source>#<n>'."""
    by_source: dict[str, list[dict]] = defaultdict(list)
    for line in MANIFEST:
        by_source[line["source"]].append(line)
    chunks = {}
    for source, lines in by_source.items():
        for n in range(0, len(lines), CHUNK):
            chunks[f"{source}#{n // CHUNK}"] = lines[n:n + CHUNK]
    return chunks


CHUNKS = _chunks()
CHUNK_OF = {line["file"]: key for key, lines in CHUNKS.items() for line in lines}


def _build(root: Path, lines: list[dict]) -> Project:
    """Every file of a chunk registered, the TODOs filled in, `check` run once."""
    shutil.copytree(BASE, root)
    project = Project(root, {"OPPNADATA_ROOT": str(root), "OPPNADATA_STATE_DIR": str(root / ".state")})
    for line in lines:
        args = ["register", dataset_id(line["file"]), "--file", str(CORPUS / line["file"]),
                "--organization", ORGANIZATION, "--format", line["format"]]
        project.registered[line["file"]] = project.cli(*args)
        if line["outcome"] == "refused":
            _add_by_hand(root, line)
    _fill_in(root)
    checked = project.cli("check", "--format", "json", "--root", str(root))
    for problem in json.loads(checked.stdout)["problems"]:
        owner = (re.search(r"(?:schemas|datasets)/(k-[a-z0-9-]+?)(?:\.json|/)", problem["file"])
                 or re.search(r"\((k-[a-z0-9-]+)\)", problem["message"]))
        project.problems[owner.group(1) if owner else "?"].append(problem)
    assert not project.problems.get("?"), project.problems.get("?")
    return project


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    built: dict[str, Project] = {}

    def project_for(file: str) -> Project:
        key = CHUNK_OF[file]
        if key not in built:
            built[key] = _build(tmp_path_factory.mktemp("corpus") / "project", CHUNKS[key])
        return built[key]
    return project_for


def _canonical_rows(project: Project, ds: str) -> list[list[str]]:
    with (project.root / ".state" / "work" / "validate" / ds / f"{ds}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("line", MANIFEST, ids=[line["file"] for line in MANIFEST])
def test_corpus_file(line, projects):
    project = projects(line["file"])
    ds = dataset_id(line["file"])
    registered = project.registered[line["file"]]
    problems = project.problems.get(ds, [])

    if line["outcome"] == "refused":
        assert registered.exit_code == 1 and "register: cannot read" in registered.output, registered.output
        if line["line"] is not None:
            assert f"line {line['line']}" in registered.output or f"row {line['line']}" in registered.output, registered.output
        assert [p["code"] for p in problems] == ["steward-file"] and problems[0]["line"] == (line["line"] or 0), problems
        validated = project.cli("validate", ds)
        assert validated.exit_code == 1 and f"source error ({line['kind']})" in validated.output, validated.output
        assert not _canonical_or_none(project, ds), "a refused file left a canonical CSV behind"
        return

    assert registered.exit_code == 0, registered.output
    schema = json.loads((project.root / "schemas" / f"{ds}.json").read_text(encoding="utf-8"))
    drafted = {f["name"]: ("TODO" if f["type"].startswith("TODO") else f["type"]) for f in schema["fields"]}

    if line["outcome"] == "refused-at-check":
        assert [n for n, t in drafted.items() if t == "TODO"] == line["todo"]
        assert {p["code"] for p in problems} == {"type-todo"} and len(problems) == len(line["todo"]), problems
        return

    assert drafted == line["types"]
    assert problems == [], problems
    validated = project.cli("validate", ds)
    assert validated.exit_code == 0, validated.output
    got = _canonical_rows(project, ds)
    assert got[0] == line["header"]
    rows = got[1:]
    assert len(rows) == line["row_count"]
    expected = line.get("rows") or line["first_rows"]
    for want, have in zip(expected, rows):
        assert len(want) == len(have) and all(same_value(w, h, line["types"][n]) for n, w, h in zip(line["header"], want, have)), (want, have)
    if "rows_sha256" in line:
        assert rows[-1] == line["last_row"]
        assert hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest() == line["rows_sha256"]


def _canonical_or_none(project: Project, ds: str) -> bool:
    folder = project.root / ".state" / "work" / "validate" / ds
    return folder.is_dir() and any(folder.glob("*.csv"))


def test_the_manifest_covers_every_vendored_table():
    from .make_manifest import corpus_files

    listed = {line["file"] for line in MANIFEST}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in corpus_files()}
    assert listed == on_disk


def test_csv_spectrum_values_match_its_own_json_answers():
    """csv-spectrum ships the values each CSV holds as JSON: the manifest agrees with that independent answer."""
    for line in (entry for entry in MANIFEST if entry["source"] == "csv-spectrum" and entry["outcome"] == "accepted"):
        answer = json.loads((CORPUS / line["file"].replace("csvs/", "json/").replace(".csv", ".json")).read_text(encoding="utf-8"))
        as_rows = [[record[name] for name in line["header"]] for record in answer]
        assert len(as_rows) == len(line["rows"]), line["file"]
        for want, have in zip(as_rows, line["rows"]):
            # a line break inside a value is compared as LF: csv-spectrum's answers and CSVs disagree on it
            # (newlines_crlf.csv holds LF in the published repository, its JSON answer says CRLF)
            assert all(same_value(w.replace("\r\n", "\n"), h.replace("\r\n", "\n"), line["types"][n])
                       for n, w, h in zip(line["header"], want, have)), (line["file"], want, have)
