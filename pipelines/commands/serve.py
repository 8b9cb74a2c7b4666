"""`oppnadata serve`: the nightly schedule (02:00 Europe/Stockholm) against a local Prefect server."""

from __future__ import annotations

import os

import click

from ._shared import catalog_or_exit, publishing_settings_or_exit

DEPLOYMENT_NAME = "nightly-0200-stockholm"
CRON = "0 2 * * *"
TIMEZONE = "Europe/Stockholm"


@click.command("serve")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=4200, show_default=True, help="Port of the local Prefect server."
)
@click.option(
    "--no-server",
    is_flag=True,
    help="Do not start a Prefect server: use the one PREFECT_API_URL points at.",
)
def serve_command(port: int, no_server: bool) -> None:
    """Serve the nightly flow on its schedule: every day at 02:00 Stockholm time, until stopped.

    Starts `prefect server start` on 127.0.0.1 (its database: the PostgreSQL one
    PREFECT_SERVER_DATABASE_CONNECTION_URL names, analytics off) unless
    --no-server, registers the deployment
    with Cron("0 2 * * *", timezone="Europe/Stockholm") and runs scheduled runs
    in this process. The run finishes before Sveriges dataportal harvests (04:00).

    Example: set -a; eval "$(portal/stack env)"; set +a; oppnadata serve --port 4200
    """
    settings = publishing_settings_or_exit()
    catalog_or_exit(settings)
    if no_server and not os.environ.get("PREFECT_API_URL"):
        raise click.UsageError("--no-server needs PREFECT_API_URL (the Prefect server to register with)")

    from ..run import LocalPrefectServer, PrefectServerError, database_url_from, use_project_prefect_home

    home = use_project_prefect_home(settings)  # before prefect is imported
    server = None
    if not no_server:
        try:
            server = LocalPrefectServer(home, database_url=database_url_from(), port=port)
        except PrefectServerError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"starting the Prefect server on {server.ui_url} (database {server.database}) …")
        try:
            server.start()
        except PrefectServerError as exc:
            raise click.ClickException(str(exc)) from None
        os.environ["PREFECT_API_URL"] = server.api_url
    try:
        serve_nightly()
    except KeyboardInterrupt:
        # Ctrl-C is how serve is meant to stop; where in Prefect's runner it lands (handled
        # there or raised through asyncio) must not turn a clean stop into click's "Aborted!".
        click.echo("serve stopped (interrupted)")
    finally:
        if server is not None:
            click.echo("stopping the Prefect server …")
            server.stop()


def serve_nightly() -> None:
    """Register the scheduled deployment and run its flow runs here until interrupted."""
    from prefect.schedules import Cron

    from ..run import nightly

    click.echo(f"serving deployment nightly/{DEPLOYMENT_NAME}: {CRON} ({TIMEZONE}); Ctrl-C stops")
    nightly.serve(
        name=DEPLOYMENT_NAME,
        schedule=Cron(CRON, timezone=TIMEZONE),
        description="Nightly publication of Öppna data Kalmar län to CKAN, before the 04:00 dataportal harvest.",
        tags=["oppnadata", "nightly"],
    )
