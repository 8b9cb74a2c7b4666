"""Load catalog.yaml into frozen typed objects, and check the whole project for stewards.

Two entry points with different scopes:

* `load_catalog(path)` is what every run starts with. It checks catalog.yaml
  itself (syntax, the JSON Schema in pipelines/catalog/catalog.schema.json, unique ids,
  references, that the files it names exist and stay inside their folders, no
  literal secrets, no unfinished `TODO`) and returns a `Catalog` — or raises
  `CatalogError` with every problem located as file:line:column. It does not
  read the data, so one steward's broken CSV never stops the other datasets'
  night: that file is reported as an invalid dataset by the run.
* `check_project(root)` is what `oppnadata check` and CI run: everything
  `load_catalog` checks, plus every Table Schema in schemas/ and every steward
  file in datasets/ against its schema. It returns the problems, never raises.

The checks themselves live in pipelines/catalog/checks/, one module per kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .checks.building import build_catalog
from .checks.control_characters import control_character_problems
from .checks.paths import inside
from .checks.placeholders import placeholder_problems
from .checks.problems import CatalogError, Problem
from .checks.references import reference_problems
from .checks.paths import path_problems
from .checks.secrets_scan import secret_problems
from .checks.specification_refs import harvest_problems, specification_problems
from .checks.structure import structure_problems
from .checks.table_schemas import read_table_schema
from .checks.fast_yaml import read_fast
from .checks.yaml_tree import parse_tree, read_text, to_plain
from ..model import Catalog, Dataset

def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _read(path: Path) -> tuple[Catalog | None, list[Problem], Any, set[tuple]]:
    """(catalog or None, problems, the plain data (None on a YAML error), the broken data paths).

    A well-formed catalog is read through libyaml (`fast_yaml`); whatever that
    reading cannot take, or finds a problem in, is read again with the
    round-trip loader, so every problem is located at its line and column.
    """
    path = Path(path)
    root = path.parent
    display = _display(path, root)
    text, problems = read_text(path, display)
    if text is None:
        return None, problems, None, set()
    fast = read_fast(text)
    if fast is not None:
        plain = to_plain(fast.data)
        problems, broken = _problems(plain, fast.data, display, root)
        if not problems:
            return build_catalog(plain, None, root, item_line=lambda s, i: fast.item_lines[(s, i)]), [], plain, broken
    tree, problems = parse_tree(text, display)
    if tree is None:
        return None, problems, None, set()
    plain = to_plain(tree)
    problems, broken = _problems(plain, tree, display, root)
    if problems:
        return None, sorted(set(problems)), plain, broken
    return build_catalog(plain, tree, root), [], plain, broken


def _problems(plain: Any, tree: Any, display: str, root: Path) -> tuple[list[Problem], set[tuple]]:
    """Every check of catalog.yaml; `tree` is where they look for positions (a plain tree has none)."""
    problems = secret_problems(tree, display) + placeholder_problems(plain, tree, display)
    problems += control_character_problems(plain, tree, display)
    structural, broken = structure_problems(plain, tree, display)
    problems += structural
    problems += reference_problems(plain, tree, display, broken)
    problems += path_problems(plain, tree, display, root, broken)
    problems += specification_problems(plain, tree, display, root, broken)
    problems += harvest_problems(plain, tree, display, broken)
    return problems, broken


def read_catalog(path: Path) -> tuple[Catalog | None, list[Problem]]:
    """(catalog, []) when catalog.yaml is usable, else (None, problems). Never raises on bad input."""
    catalog, problems, _plain, _broken = _read(path)
    return catalog, problems


def load_catalog(path: Path) -> Catalog:
    """The checked catalog; raises CatalogError listing every located problem."""
    catalog, problems = read_catalog(path)
    if catalog is None:
        raise CatalogError(problems)
    return catalog


def load_schema(root: Path, dataset: Dataset | str) -> dict[str, Any]:
    """The dataset's Table Schema as a dict; raises CatalogError when it is missing or invalid.

    `dataset` is a Dataset or a schema path relative to `root` (e.g. "schemas/x.json").
    A union's schema is its specification's plus the provenance columns.
    """
    if isinstance(dataset, Dataset) and dataset.source.type == "union":
        from ..sources import union_schema

        return union_schema(load_schema(root, dataset.schema))
    rel = dataset.schema if isinstance(dataset, Dataset) else str(dataset)
    path = Path(root) / rel
    if not inside(path, Path(root) / "schemas"):
        raise CatalogError([Problem(rel, 0, 0, "schema path points outside schemas/", "keep Table Schemas in schemas/", "path-escape")])
    descriptor, problems = read_table_schema(path, rel)
    hard = [p for p in problems if p.code in {"missing-schema", "schema-encoding", "schema-json", "not-table-schema", "type-todo"}]
    if descriptor is None or hard:
        raise CatalogError(problems)
    return descriptor


def _schema_files(root: Path) -> list[Path]:
    folder = root / "schemas"
    return sorted(p for p in folder.rglob("*.json") if p.is_file()) if folder.is_dir() else []


def _file_entries(plain: Any, broken: set[tuple]) -> list[tuple[str, dict, str]]:
    """(id, source options, schema path) of file datasets whose entry passed every check."""
    from .checks.paths import schema_relpath
    from .checks.structure import is_broken

    out = []
    datasets = plain.get("datasets") if isinstance(plain, dict) else None
    for i, ds in enumerate(datasets if isinstance(datasets, list) else []):
        if not isinstance(ds, dict) or is_broken(broken, ("datasets", i)):
            continue
        source = ds.get("source")
        if isinstance(source, dict) and source.get("type") == "file" and isinstance(ds.get("id"), str):
            out.append((ds["id"], source, schema_relpath(ds)))
    return out


def check_project(root: Path) -> list[Problem]:
    """Every problem in catalog.yaml, schemas/ and the steward files in datasets/, sorted by location.

    Steward files are checked even when another part of catalog.yaml is broken,
    as long as their own entry is sound, so one mistake never hides another.
    """
    from .checks.steward_files import steward_file_problems  # pulls in the normalizer and validator

    root = Path(root)
    catalog, problems, plain, broken = _read(root / "catalog.yaml")
    entry_problems = {p for p in problems if p.file == "catalog.yaml"}
    schemas: dict[str, dict | None] = {}
    for path in _schema_files(root):
        rel = _display(path, root)
        descriptor, found = read_table_schema(path, rel)
        schemas[rel] = descriptor
        problems += found
    if plain is not None:
        for dataset_id, options, schema_rel in _file_entries(plain, broken):
            if _entry_has_problem(dataset_id, entry_problems):
                continue
            descriptor = schemas.get(schema_rel)
            if descriptor is not None:
                problems += steward_file_problems(root, dataset_id, options, schema_rel, descriptor)
    if catalog is not None:
        problems += _orphan_folders(root, catalog)
    return sorted(set(problems))


def _entry_has_problem(dataset_id: str, entry_problems: set[Problem]) -> bool:
    """Did any catalog.yaml problem mention this dataset (by id in its located path)?"""
    return any(f"({dataset_id})" in p.message for p in entry_problems)


def _orphan_folders(root: Path, catalog: Catalog) -> list[Problem]:
    """A folder in datasets/ without a catalog entry is usually a typo in an id."""
    folder = root / "datasets"
    ids = {d.id for d in catalog.datasets}
    if not folder.is_dir():
        return []
    return [
        Problem(f"datasets/{p.name}", 0, 0, f"folder datasets/{p.name}/ has no entry in catalog.yaml",
                f"add a dataset with id '{p.name}' to catalog.yaml, or rename/remove the folder", "orphan-folder")
        for p in sorted(folder.iterdir())
        if p.is_dir() and p.name not in ids and not p.name.startswith(".")
    ]
