"""Files that catalog entries point at: schemas in schemas/, steward files in datasets/<id>/.

A path is resolved (symlinks followed) before it is trusted, so neither
`../` nor a symlink can make the pipeline read or publish a file from outside
the folder the steward owns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..specifications import specification_relpath
from .problems import Problem
from .structure import is_broken
from .yaml_tree import describe_path, locate

FORMATS_BY_SUFFIX = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".geojson": "geojson"}


def specification_key(entry: dict) -> str | None:
    """The specification whose schema the entry uses: its `conforms_to`, or a union's `source.specification`."""
    source = entry.get("source")
    if isinstance(source, dict) and source.get("type") == "union" and isinstance(source.get("specification"), str):
        return source["specification"]
    conforms = entry.get("conforms_to")
    return conforms if isinstance(conforms, str) else None


def schema_relpath(entry: dict) -> str:
    """The dataset's Table Schema, relative to the project root.

    A dataset that follows a specification is validated against it (a union
    against it plus its provenance columns); otherwise `schema:`, by default
    schemas/<id>.json.
    """
    key = specification_key(entry)
    if key is not None:
        return specification_relpath(key)
    return entry.get("schema") or f"schemas/{entry.get('id')}.json"


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def source_format(options: dict) -> str | None:
    """`format:` if given, else from the file extension (None when neither says)."""
    if options.get("format"):
        return options["format"]
    return FORMATS_BY_SUFFIX.get(Path(str(options.get("path", ""))).suffix.lower())


def path_problems(plain: Any, tree: Any, display: str, root: Path, broken: set[tuple]) -> list[Problem]:
    problems: list[Problem] = []
    datasets = plain.get("datasets") if isinstance(plain, dict) else None
    for i, ds in enumerate(datasets if isinstance(datasets, list) else []):
        if not isinstance(ds, dict) or not isinstance(ds.get("id"), str) or is_broken(broken, ("datasets", i, "id")):
            continue
        if not is_broken(broken, ("datasets", i, "schema")) and specification_key(ds) is None:
            problems += _schema_path(ds, i, tree, display, root)  # a specification is checked by checks/specification_refs
        source = ds.get("source")
        if isinstance(source, dict) and source.get("type") == "file" and not is_broken(broken, ("datasets", i, "source")):
            problems += _file_source(ds, source, i, tree, display, root)
    return problems


def _schema_path(ds: dict, i: int, tree: Any, display: str, root: Path) -> list[Problem]:
    rel = schema_relpath(ds)
    at = ["datasets", i, "schema"] if "schema" in ds else ["datasets", i, "id"]
    line, col = locate(tree, at)
    where = describe_path(at, tree)
    target = root / rel
    if not inside(target, root / "schemas"):
        return [Problem(display, line, col, f"{where}: schema {rel!r} points outside schemas/",
                        "keep Table Schemas in schemas/ (no '..', no symlinks out)", "path-escape")]
    if not target.is_file():
        return [Problem(display, line, col, f"{where}: schema file {rel} does not exist",
                        f"create {rel} (oppnadata register writes one), or name an existing file with 'schema:'",
                        "missing-schema")]
    return []


def _file_source(ds: dict, source: dict, i: int, tree: Any, display: str, root: Path) -> list[Problem]:
    at = ["datasets", i, "source", "path"]
    line, col = locate(tree, at)
    where = describe_path(at, tree)
    folder = root / "datasets" / ds["id"]
    rel = str(source.get("path", ""))
    target = folder / rel
    if not inside(target, folder):
        return [Problem(display, line, col, f"{where}: {rel!r} points outside datasets/{ds['id']}/",
                        f"put the file in datasets/{ds['id']}/ and give its name relative to that folder (no '..', no symlinks out)",
                        "path-escape")]
    if not target.is_file():
        return [Problem(display, line, col, f"{where}: steward file datasets/{ds['id']}/{rel} does not exist",
                        f"add the file to datasets/{ds['id']}/ or correct the name", "missing-file")]
    if source_format(source) is None:
        return [Problem(display, line, col, f"{where}: cannot tell the format of {rel!r} from its extension",
                        "add 'format:' (csv, xlsx, json or geojson)", "unknown-format")]
    return []
