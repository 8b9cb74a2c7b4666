"""Source type `file`: a steward-maintained file under `datasets/<id>/` in this repository.

Options: `path` (required, relative to datasets/<id>/), `format` csv|xlsx|json|geojson
(default from the extension), `encoding`, `delimiter`, `sheet`, `header_row` (1-based),
`records_path` (JSON).

Why the path checks: catalog.yaml is edited by many stewards; a `path` with `..`,
an absolute path or a symlink pointing elsewhere could publish any file on the
machine. The resolved file must stay inside datasets/<id>/.

Output: `<id>.csv` (canonical CSV, columns as in the file) and, for geojson,
`<id>.geojson` — see `pipelines.normalize` and `pipelines.sources.geojson`.
"""

from __future__ import annotations

import time
from pathlib import Path, PurePosixPath

from ..errors import SourceError, SourceErrorKind
from ..model import Dataset, frozen_mapping
from .base import Collected, CollectContext
from .options import check_format, check_options, where
from .tabular import canonical_files

OPTIONS = ("path", "format", "encoding", "delimiter", "sheet", "header_row", "records_path")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".json": "json", ".geojson": "geojson"}


def resolve_path(dataset: Dataset, project_root: Path, path: str) -> Path:
    """The file's real path, or a SourceError if it is not safely inside datasets/<id>/."""
    base = (project_root / "datasets" / dataset.id).resolve()
    rel = PurePosixPath(str(path).replace("\\", "/"))
    if rel.is_absolute() or ".." in rel.parts or str(path).startswith("~") or (len(str(path)) > 1 and str(path)[1] == ":"):
        raise SourceError(
            SourceErrorKind.CONFIG, f"{where(dataset)}: path {path!r} must be relative to datasets/{dataset.id}/ without '..'"
        )
    target = base / Path(*rel.parts)
    if not target.exists():
        raise SourceError(SourceErrorKind.NOT_FOUND, f"{where(dataset)}: file datasets/{dataset.id}/{rel} does not exist; add it or fix `path`")
    real = target.resolve()
    if not real.is_relative_to(base):
        raise SourceError(
            SourceErrorKind.CONFIG, f"{where(dataset)}: datasets/{dataset.id}/{rel} is a link to a file outside datasets/{dataset.id}/; copy the file in instead"
        )
    if not real.is_file():
        raise SourceError(SourceErrorKind.NOT_FOUND, f"{where(dataset)}: datasets/{dataset.id}/{rel} is not a file")
    return real


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    opts = check_options(dataset, allowed=OPTIONS, required=("path",))
    src = resolve_path(dataset, context.project_root, opts["path"])
    fmt = opts.get("format") or EXTENSIONS.get(src.suffix.lower())
    if fmt is None:
        raise SourceError(SourceErrorKind.CONFIG, f"{where(dataset)}: cannot tell the format of {src.name!r}; set `format`")
    fmt = check_format(dataset, fmt)
    started = time.monotonic()
    files = canonical_files(
        src, fmt, workdir, dataset.id, context.schema, opts, source=f"datasets/{dataset.id}/{opts['path']}"
    )
    return Collected(dataset.id, files, timings=frozen_mapping({"normalize": time.monotonic() - started}))
