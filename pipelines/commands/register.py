"""`oppnadata register`: draft a schema and a catalog entry for a steward's new dataset.

It never overwrites: an existing id, schema file or data file stops it before
anything is written. catalog.yaml is rewritten with ruamel.yaml's round trip,
so every comment and the order of everything already there stay as they were.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import click
import requests

from ..catalog import read_catalog
from ..catalog_checks.paths import FORMATS_BY_SUFFIX, inside
from ..catalog_checks.yaml_tree import round_trip_yaml
from ..catalog_draft import draft_entry, infer_schema
from ..normalize import normalize_csv
from ..sources.base import SourceError
from ..xlsx import normalize_xlsx
from ._shared import settings_or_exit

SAMPLE_BYTES = 5 * 1024 * 1024  # enough rows to infer types; the nightly run reads everything


def fail(message: str) -> None:
    click.echo(f"register: {message}", err=True)
    raise SystemExit(1)


def _download_sample(url: str, dest: Path, allow_private_hosts: bool) -> None:
    """The first SAMPLE_BYTES of `url`, refusing private hosts on every redirect hop (like the sources)."""
    from urllib.parse import urljoin

    from ..sources.base import HttpSettings, SourceError
    from ..sources.netguard import check_url

    guard = HttpSettings(allow_private_hosts=allow_private_hosts)
    current = url
    try:
        for _hop in range(6):
            check_url(current, guard)
            with requests.get(current, stream=True, timeout=(10, 60), allow_redirects=False,
                              headers={"User-Agent": "oppnadata-kalmar register"}) as resp:
                if resp.is_redirect:
                    current = urljoin(current, resp.headers["Location"])
                    continue
                if resp.status_code != 200:
                    fail(f"{url} answered HTTP {resp.status_code}; check the URL")
                with dest.open("wb") as out:
                    size = 0
                    for chunk in resp.iter_content(65536):
                        out.write(chunk)
                        size += len(chunk)
                        if size >= SAMPLE_BYTES:
                            break
                return
        fail(f"{url} redirects more than 5 times; give the final URL")
    except SourceError as exc:
        fail(f"{exc} (set OPPNADATA_ALLOW_PRIVATE_HOSTS=true only for a test server on this machine)")
    except requests.RequestException as exc:
        fail(f"could not download {url} ({type(exc).__name__}); check the URL and the network")


def _trim_to_whole_lines(path: Path) -> None:
    """A sample cut mid-row would end in a broken row: keep whole lines only."""
    data = path.read_bytes()
    if len(data) >= SAMPLE_BYTES and b"\n" in data:
        path.write_bytes(data[: data.rfind(b"\n") + 1])


@click.command("register")
@click.argument("dataset_id", metavar="ID")
@click.option("--file", "file_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A local data file (copied into datasets/<ID>/ when it is elsewhere).")
@click.option("--url", help="The URL of a remote CSV or Excel file (a sample is downloaded).")
@click.option("--organization", required=True, help="The organization id in catalog.yaml, e.g. kalmar-kommun.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="File format (default: from the file extension).")
@click.option("--sheet", default=None, help="Excel sheet name (default: the first sheet).")
def register_command(dataset_id: str, file_: Path | None, url: str | None, organization: str,
                     fmt: str | None, sheet: str | None) -> None:
    """Draft schemas/<ID>.json and a catalog.yaml entry from a local file or a URL.

    Infers the Table Schema from a sample (code-like columns such as kommunkod
    stay strings), appends the entry with what you must fill in marked TODO,
    and never overwrites an existing id, schema or file.

    Example: oppnadata register badplatser-kalmar --file badplatser.csv --organization kalmar-kommun
    """
    if (file_ is None) == (url is None):
        raise click.UsageError("give exactly one of --file or --url")
    settings = settings_or_exit()
    root = settings.project_root
    catalog_path = settings.catalog_path
    _catalog, problems = read_catalog(catalog_path)
    if any(p.code != "placeholder" for p in problems):  # unfinished drafts may wait; real mistakes may not
        fail("catalog.yaml has problems; fix them first (oppnadata check shows them all)")
    yaml = round_trip_yaml()
    tree = yaml.load(catalog_path.read_text(encoding="utf-8"))
    if not re.match(r"^[a-z0-9_-]{2,100}$", dataset_id):
        fail(f"{dataset_id!r} is not a valid id: use 2-100 characters of a-z, 0-9, '-' and '_'")
    if any(d.get("id") == dataset_id for d in tree["datasets"]):
        fail(f"a dataset with id {dataset_id!r} already exists in catalog.yaml; choose another id")
    orgs = {o["id"]: o for o in tree["organizations"]}
    if organization not in orgs:
        fail(f"no organization {organization!r} in catalog.yaml (known: {', '.join(orgs)})")
    org_code = str(orgs[organization]["code"])
    default_license = str(tree["catalog"]["license"])
    schema_rel = f"schemas/{dataset_id}.json"
    if (root / schema_rel).exists():
        fail(f"{schema_rel} already exists; register never overwrites a schema")

    name = file_.name if file_ else url.rsplit("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    fmt = fmt or FORMATS_BY_SUFFIX.get(Path(name).suffix.lower())
    if fmt not in ("csv", "xlsx"):
        fail(f"cannot tell the format of {name!r}: give --format csv or --format xlsx")
    folder = root / "datasets" / dataset_id
    target = folder / name
    if file_ and not inside(file_, folder) and target.exists():
        fail(f"datasets/{dataset_id}/{name} already exists; register never overwrites a data file")

    with tempfile.TemporaryDirectory(prefix="oppnadata-register-") as tmp:
        sample = Path(tmp) / f"sample.{fmt}"
        if file_:
            shutil.copyfile(file_, sample)
        else:
            _download_sample(url, sample, settings_or_exit().allow_private_hosts)
            if fmt == "csv":
                _trim_to_whole_lines(sample)
        canonical = Path(tmp) / "canonical.csv"
        try:
            if fmt == "csv":
                normalize_csv(sample, canonical, {}, source=name)
            else:
                normalize_xlsx(sample, canonical, {}, sheet=sheet, source=name)
        except SourceError as exc:
            fail(f"cannot read {name}: {exc}")
        schema = infer_schema(canonical)

    if file_:
        source = {"type": "file", "path": name}
        if fmt == "xlsx" and sheet:
            source["sheet"] = sheet
    else:
        source = {"type": "http", "url": url, "format": fmt}
        if sheet:
            source["sheet"] = sheet
    tree["datasets"].append(draft_entry(dataset_id, organization, source, default_license, org_code))
    if file_ and not inside(file_, folder):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file_, target)
    (root / schema_rel).write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with catalog_path.open("w", encoding="utf-8") as out:
        yaml.dump(tree, out)

    todo_fields = len(schema["fields"])
    click.echo(f"Registered {dataset_id}:")
    if file_ and not inside(file_, folder):
        click.echo(f"  copied   {file_} -> datasets/{dataset_id}/{name}")
    click.echo(f"  wrote    {schema_rel} ({todo_fields} fields; check the types, fill in each TODO title and description)")
    click.echo(f"  appended an entry to catalog.yaml (fill in each TODO: title, description, frequency, themes, keywords)")
    click.echo("Then run: oppnadata check")
