"""`oppnadata publish`: the whole chain for one dataset."""

from __future__ import annotations

import click

from ._shared import catalog_or_exit, dataset_or_exit, publishing_settings_or_exit


@click.command("publish")
@click.argument("dataset_id", metavar="ID")
def publish_command(dataset_id: str) -> None:
    """Collect, validate and publish one dataset to CKAN (CKAN_URL, CKAN_API_TOKEN).

    Only valid data is published; an invalid or unreachable source keeps the
    last good version online. Exit 0 when published or unchanged, 1 otherwise.

    Example: CKAN_API_TOKEN=... oppnadata publish kommuner-kalmar-lan
    """
    from ..ckan import Publisher, connect
    from ..run import process_dataset, sync_organizations

    settings = publishing_settings_or_exit()
    catalog = catalog_or_exit(settings)
    dataset = dataset_or_exit(catalog, dataset_id)
    client = connect(settings)
    publisher = Publisher(client, catalog, settings)
    organizations = sync_organizations(publisher)
    if not organizations.reached_ckan:
        click.echo(f"cannot reach CKAN at {settings.ckan_url}: {organizations.problem}", err=True)
        raise SystemExit(1)
    if organizations.problem:
        click.echo(f"cannot update organizations: {organizations.problem}", err=True)
    outcome = process_dataset(dataset, settings, publisher, run_id="publish")
    click.echo(f"{outcome.dataset_id}: {outcome.status} — {outcome.message}")
    if outcome.rows is not None:
        click.echo(f"  rows: {outcome.rows}")
    click.echo(f"  {outcome.dataset_url}")
    if outcome.report_url:
        click.echo(f"  report: {outcome.report_url}")
    click.echo(f"  CKAN calls: {client.read_calls} reads, {client.write_calls} writes; {outcome.seconds:.1f} s")
    raise SystemExit(0 if outcome.ok else 1)
