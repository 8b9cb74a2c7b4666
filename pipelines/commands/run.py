"""`oppnadata run`: the main job — the nightly publication, once, with progress and a summary."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from ..outcome import DatasetOutcome
from ..sources import HttpSettings
from ._shared import catalog_or_exit, publishing_settings_or_exit

EXIT_LOCKED = 75  # sysexits' EX_TEMPFAIL: try again later

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


class _BarListener:
    """Advances a rich progress bar as datasets finish (called from worker threads; rich locks)."""

    def __init__(self, progress: Progress, console: Console):
        self.progress = progress
        self.console = console
        self.task_id: TaskID | None = None

    def started(self, total: int) -> None:
        self.task_id = self.progress.add_task("datasets", total=total)

    def finished(self, outcome: DatasetOutcome) -> None:
        from rich.markup import escape

        if not outcome.ok:
            self.console.print(f"[red]{escape(outcome.dataset_id)}: {outcome.status} — {escape(outcome.message)}[/]")
        if self.task_id is not None:
            self.progress.update(self.task_id, advance=1, description=escape(outcome.dataset_id))


@click.command("run")
@click.option("--dataset", "-d", "datasets", multiple=True, metavar="ID", help="Only this dataset (repeatable).")
@click.option(
    "--retry-delay",
    type=click.FloatRange(min=0),
    default=HttpSettings.backoff_max,
    show_default=True,
    help="Longest wait in seconds between two tries of a source request that failed transiently "
         "(unreachable, timeout, 5xx, 429); a server asking for a longer Retry-After fails at once.",
)
@click.option(
    "--retries", type=click.IntRange(min=0), default=HttpSettings.max_attempts - 1, show_default=True,
    help="Retries of a source request that failed transiently (the only retries: nothing retries on top).",
)
@click.option(
    "--wait", "wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
    help="Wait this long for a run that is processing the same datasets (default OPPNADATA_LOCK_WAIT, 0: exit at once).",
)
def run_command(datasets: tuple[str, ...], retry_delay: float, retries: int, wait: float | None) -> None:
    """Run the nightly publication once: every catalog dataset collected, validated and published to CKAN.

    Shows progress, then one row per dataset and the portal URL. Prefect keeps
    its data under <state>/prefect unless PREFECT_HOME is set. Exit 0 when every
    dataset was published, unchanged or withdrawn; 1 when any failed; 75 when
    another run holds the night or one of the datasets (nothing was done).

    Example: CKAN_API_TOKEN=... oppnadata run
    """
    settings = publishing_settings_or_exit()
    catalog = catalog_or_exit(settings)
    known = {d.id for d in catalog.datasets}
    unknown = [d for d in datasets if d not in known]
    if unknown:
        raise click.BadParameter(f"not in catalog.yaml: {', '.join(unknown)}", param_hint="--dataset")

    from ..run import use_project_prefect_home

    use_project_prefect_home(settings)  # before prefect is imported
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")  # the bar shows progress

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..run import RunLocked, RunSummary, nightly, summary_table

    console = Console(width=None if sys.stdout.isatty() else 160)  # logs and CI get a readable table
    columns = (TextColumn("[bold]nightly[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=False) as progress:
        state = nightly(
            datasets=list(datasets) or None,
            collect_retries=retries,
            retry_delay_seconds=retry_delay,
            progress=_BarListener(progress, console),
            lock_wait_seconds=wait,
            return_state=True,
        )
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, RunLocked):
        click.echo(f"not started: {summary}", err=True)
        raise SystemExit(EXIT_LOCKED)
    if not isinstance(summary, RunSummary):
        click.echo(f"the nightly run did not finish: {state.message or summary}", err=True)
        raise SystemExit(1)
    console.print(summary_table(summary))
    for error in summary.run_errors:
        console.print(f"[red]run error:[/] {error}", markup=True)
    for mail in summary.notifications:
        console.print(mail.line(), markup=False)
    console.print(f"Portal: {summary.portal_url}")
    console.print(f"Run report: {settings.reports_dir / summary.file_name()}")
    raise SystemExit(0 if summary.ok else 1)
