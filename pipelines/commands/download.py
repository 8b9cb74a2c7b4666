"""`oppnadata download`: fetch published data from the public portal, verified."""

from __future__ import annotations

from pathlib import Path

import click

from ._shared import settings_or_exit


def _progress_factory(progress):
    """A hook per file that feeds one rich progress bar (total learned from the response)."""

    def for_file(label: str):
        task = progress.add_task(label, total=None)

        def hook(advance: int, total: int | None) -> None:
            if total is not None and progress.tasks[task].total != total:
                progress.update(task, total=total)
            progress.advance(task, advance)

        return hook

    return for_file


@click.command("download")
@click.argument("dataset_id", metavar="[ID]", required=False)
@click.option("--all", "all_", is_flag=True, help="Download every public dataset as a Frictionless data package.")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Directory to write into (created when missing).")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson", "json"]), default="csv",
              show_default=True, help="Which file of the dataset (ignored with --all: CSV plus GeoJSON).")
def download_command(dataset_id: str | None, all_: bool, to: Path, fmt: str) -> None:
    """Download a published dataset from the public portal and verify its SHA-256.

    Uses the anonymous CKAN API at CKAN_URL (no token), shows progress, and resumes
    an interrupted download when rerun. With --all, writes every public dataset with
    its Table Schema and licence as a data package (DIR/datapackage.json) that
    `frictionless validate` accepts. Exit 1 when anything failed.

    Example: oppnadata download kommuner-kalmar-lan --to data/ --format csv
    """
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                               TransferSpeedColumn)

    from ..download import DownloadError, PublicPortal, download_all, download_dataset

    if all_ == bool(dataset_id):
        raise click.UsageError("give either a dataset ID or --all (not both, not neither)")
    console = Console(stderr=True)
    portal = PublicPortal(settings_or_exit().ckan_url)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            hooks = _progress_factory(progress)
            if all_:
                result = download_all(portal, to, progress=hooks)
            else:
                got = download_dataset(portal, dataset_id, to, fmt, progress=hooks)
    except DownloadError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    if not all_:
        how = f", resumed from byte {got.resumed_from}" if got.resumed_from else ""
        how += ", server ignored Range so it restarted" if got.restarted else ""
        click.echo(f"{got.path}  {got.bytes} bytes  verified: {got.verified}{how}")
        return
    for item in result.downloaded:
        click.echo(f"{item.path}  {item.bytes} bytes  verified: {item.verified}")
    click.echo(f"data package: {result.datapackage} ({len(result.downloaded)} files)")
    for failure in result.failures:
        click.echo(f"error: {failure}", err=True)
    if result.failures:
        click.echo(f"{len(result.failures)} dataset(s) left out of the package; see the errors above.", err=True)
        raise SystemExit(1)
