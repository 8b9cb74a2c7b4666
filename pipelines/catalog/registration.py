"""Register a steward's new dataset: a drafted Table Schema and catalog entry, written without overwriting.

It never overwrites: an existing id, schema file or data file stops it before
anything is written. catalog.yaml is rewritten with ruamel.yaml's round trip,
so every comment and the order of everything already there stay as they were.

A remote source is sampled through the sources' guarded `fetch` (host checks
on every redirect hop, size limit, HTML refused), the same path the nightly
run takes; the sample is normalized exactly as the run would, so the drafted
types describe what validation will see.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SourceError, SourceErrorKind
from ..normalize import normalize_csv, normalize_xlsx
from ..sources import HttpSettings, fetch
from .checks.paths import FORMATS_BY_SUFFIX, inside
from .checks.yaml_tree import round_trip_yaml
from .drafting import draft_entry, infer_schema
from .loading import read_catalog

SAMPLE_BYTES = 5 * 1024 * 1024  # enough rows to infer types; the nightly run reads everything
ID_PATTERN = re.compile(r"[a-z0-9_-]{2,100}")
FORMATS = ("csv", "xlsx")


class RegistrationError(Exception):
    """Registering cannot go on; the message says why and what to do. Nothing has been written."""


@dataclass(frozen=True)
class Registration:
    dataset_id: str
    schema_path: str  # relative to the project root: schemas/<id>.json
    fields: int  # fields drafted in the schema
    copied: Path | None = None  # the steward's file, when it was copied into datasets/<id>/
    data_file: str | None = None  # where it was copied to, relative to the project root


def register_dataset(
    root: Path,
    dataset_id: str,
    organization: str,
    *,
    file: Path | None = None,
    url: str | None = None,
    fmt: str | None = None,
    sheet: str | None = None,
    http: HttpSettings | None = None,
) -> Registration:
    """Draft `schemas/<id>.json` and append an entry to catalog.yaml from a local `file` or a `url`."""
    if (file is None) == (url is None):
        raise ValueError("give exactly one of file or url")
    catalog_path = root / "catalog.yaml"
    _catalog, problems = read_catalog(catalog_path)
    if any(p.code != "placeholder" for p in problems):  # unfinished drafts may wait; real mistakes may not
        raise RegistrationError("catalog.yaml has problems; fix them first (oppnadata check shows them all)")
    yaml = round_trip_yaml()
    tree = yaml.load(catalog_path.read_text(encoding="utf-8"))
    if not ID_PATTERN.fullmatch(dataset_id):
        raise RegistrationError(f"{dataset_id!r} is not a valid id: use 2-100 characters of a-z, 0-9, '-' and '_'")
    if any(d.get("id") == dataset_id for d in tree["datasets"]):
        raise RegistrationError(f"a dataset with id {dataset_id!r} already exists in catalog.yaml; choose another id")
    orgs = {o["id"]: o for o in tree["organizations"]}
    if organization not in orgs:
        raise RegistrationError(f"no organization {organization!r} in catalog.yaml (known: {', '.join(orgs)})")
    schema_rel = f"schemas/{dataset_id}.json"
    if (root / schema_rel).exists():
        raise RegistrationError(f"{schema_rel} already exists; register never overwrites a schema")

    name = file.name if file else url.rsplit("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    fmt = fmt or FORMATS_BY_SUFFIX.get(Path(name).suffix.lower())
    if fmt not in FORMATS:
        raise RegistrationError(f"cannot tell the format of {name!r}: give --format csv or --format xlsx")
    folder = root / "datasets" / dataset_id
    target = folder / name
    copy = file is not None and not inside(file, folder)
    if copy and target.exists():
        raise RegistrationError(f"datasets/{dataset_id}/{name} already exists; register never overwrites a data file")

    schema = draft_schema(name, fmt, sheet, file=file, url=url, http=http or HttpSettings())
    if file:
        source: dict[str, Any] = {"type": "file", "path": name}
        if fmt == "xlsx" and sheet:
            source["sheet"] = sheet
    else:
        source = {"type": "http", "url": url, "format": fmt}
        if sheet:
            source["sheet"] = sheet
    org_code = str(orgs[organization]["code"])
    default_license = str(tree["catalog"]["license"])
    tree["datasets"].append(draft_entry(dataset_id, organization, source, default_license, org_code))
    if copy:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    (root / schema_rel).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with catalog_path.open("w", encoding="utf-8") as out:
        yaml.dump(tree, out)
    return Registration(
        dataset_id, schema_rel, len(schema["fields"]),
        copied=file if copy else None, data_file=f"datasets/{dataset_id}/{name}" if copy else None,
    )


def draft_schema(name: str, fmt: str, sheet: str | None, *, file: Path | None, url: str | None,
                    http: HttpSettings) -> dict[str, Any]:
    """The Table Schema inferred from the file, or from a sample of the URL, after normalization.

    `register`'s one network step: the URL is sampled through the sources'
    guarded `fetch` (the one network path), so a steward's URL is judged
    exactly as the nightly run would judge it.
    """
    with tempfile.TemporaryDirectory(prefix="oppnadata-register-") as tmp:
        sample = Path(tmp) / f"sample.{fmt}"
        if file:
            shutil.copyfile(file, sample)
        else:
            _download_sample(url, sample, fmt, http)
        canonical = Path(tmp) / "canonical.csv"
        try:
            if fmt == "csv":
                normalize_csv(sample, canonical, {}, source=name)
            else:
                normalize_xlsx(sample, canonical, {}, sheet=sheet, source=name)
        except SourceError as exc:
            raise RegistrationError(f"cannot read {name}: {exc}") from None
        return infer_schema(canonical)


def _download_sample(url: str, dest: Path, fmt: str, http: HttpSettings) -> None:
    """A CSV's first SAMPLE_BYTES, cut back to whole lines (a row cut in half would look broken); an XLSX whole."""
    try:
        fetch(url, dest, http, expect=f"{fmt.upper()} data", sample_bytes=SAMPLE_BYTES if fmt == "csv" else None)
    except SourceError as exc:
        if exc.kind == SourceErrorKind.FORBIDDEN_HOST:
            raise RegistrationError(
                f"{exc} (set OPPNADATA_ALLOW_PRIVATE_HOSTS=true only for a test server on this machine)"
            ) from None
        raise RegistrationError(f"could not download {url}: {exc}; check the URL and the network") from None
    if fmt == "csv":
        data = dest.read_bytes()
        if len(data) >= SAMPLE_BYTES and b"\n" in data:
            dest.write_bytes(data[: data.rfind(b"\n") + 1])
