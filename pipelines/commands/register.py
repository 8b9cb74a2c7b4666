"""`oppnadata register`: draft a schema and a catalog entry for a steward's new dataset.

The work is `pipelines.catalog.register_dataset`; this command parses the
options, says what was written and what is left to fill in.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..catalog import RegistrationError, register_dataset
from ..sources import HttpSettings
from ._shared import settings_or_exit


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
    try:
        done = register_dataset(settings.project_root, dataset_id, organization, file=file_, url=url, fmt=fmt,
                                sheet=sheet, http=HttpSettings(allow_private_hosts=settings.allow_private_hosts))
    except RegistrationError as exc:
        click.echo(f"register: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Registered {dataset_id}:")
    if done.copied:
        click.echo(f"  copied   {done.copied} -> {done.data_file}")
    click.echo(f"  wrote    {done.schema_path} ({done.fields} fields; check the types, fill in each TODO title and description)")
    click.echo("  appended an entry to catalog.yaml (fill in each TODO: title, description, frequency, themes, keywords)")
    click.echo("Then run: oppnadata check")
