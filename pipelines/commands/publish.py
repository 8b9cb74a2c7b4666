"""`oppnadata publish`: the whole chain for one dataset."""

from __future__ import annotations

import click

from ._shared import catalog_or_exit, dataset_or_exit, settings_or_exit


@click.command("publish")
@click.argument("dataset_id", metavar="ID")
def publish_command(dataset_id: str) -> None:
    """Collect, validate and publish one dataset to CKAN (CKAN_URL, CKAN_API_TOKEN).

    Only valid data is published; an invalid or unreachable source keeps the
    last good version online. Exit 0 when published or unchanged, 1 otherwise.

    Example: CKAN_API_TOKEN=... oppnadata publish kommuner-kalmar-lan
    """
    from ..ckan import PublishError, Publisher, connect, describe_error
    from ..run import process_dataset

    settings = settings_or_exit()
    if not settings.ckan_api_token:
        raise click.UsageError("CKAN_API_TOKEN is not set: export the publishing user's API token first")
    catalog = catalog_or_exit(settings)
    dataset = dataset_or_exit(catalog, dataset_id)
    client = connect(settings)
    publisher = Publisher(client, catalog, settings)
    try:
        publisher.sync_organizations()
    except PublishError as exc:
        click.echo(f"cannot update organizations: {exc}", err=True)
    except Exception as exc:
        click.echo(f"cannot reach CKAN at {settings.ckan_url}: {describe_error(exc)}", err=True)
        raise SystemExit(1) from None
    outcome = process_dataset(dataset, catalog, settings, publisher, run_id="publish")
    click.echo(f"{outcome.dataset_id}: {outcome.status} — {outcome.message}")
    if outcome.rows is not None:
        click.echo(f"  rows: {outcome.rows}")
    click.echo(f"  {outcome.dataset_url}")
    if outcome.report_url:
        click.echo(f"  report: {outcome.report_url}")
    click.echo(f"  CKAN calls: {client.read_calls} reads, {client.write_calls} writes; {outcome.seconds:.1f} s")
    raise SystemExit(0 if outcome.ok else 1)
