"""`oppnadata worker`: a Prefect process worker for fanned-out nights whose flow runs start warm."""

from __future__ import annotations

import os
import sys

import click


@click.command("worker")
@click.option("--pool", envvar="OPPNADATA_WORK_POOL", required=True,
              help="The work pool to take batches from (default: OPPNADATA_WORK_POOL).")
@click.option("--limit", type=click.IntRange(1), default=1, show_default=True,
              help="Batches this worker runs at the same time.")
@click.option("--name", help="The worker's name in Prefect (default: Prefect's).")
def worker_command(pool: str, limit: int, name: str | None) -> None:
    """Take batches of the nightly run from a work pool, each started in about a second instead of several.

    Starts a warm engine server (Prefect and the pipeline imported once), then
    becomes `prefect worker start --pool POOL --type process`: the same
    process worker, whose flow runs fork from the warm server instead of
    importing everything again (seconds per batch). A stock `prefect worker
    start` on the same pool runs the same batches, started cold.

    Example: set -a; eval "$(portal/stack env)"; set +a; oppnadata worker --pool oppnadata-datasets
    """
    from ..run import WarmStartUnavailable, start_warm_server

    try:
        os.environ.update(start_warm_server().env)
    except WarmStartUnavailable as exc:
        click.echo(f"warning: {exc}; this worker's batches start cold", err=True)
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process",
               "--limit", str(limit)] + (["--name", name] if name else [])
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)
