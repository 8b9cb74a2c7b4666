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

    from ..run import LocalPrefectServer, RunSummary


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

    Shows progress, then one row per dataset, the harvest report per harvest
    source and the portal URL. What the libraries print (Prefect's logs, task
    tracebacks) goes to the run's log file under <state>/logs, whose path is
    printed. Prefect keeps its data under <state>/prefect unless PREFECT_HOME
    is set. Exit 0 when every dataset was published, unchanged or withdrawn
    and every harvested record mirrored; 1 when any failed; 75 when another
    run holds the night or one of the datasets (nothing was done).

    Example: CKAN_API_TOKEN=... oppnadata run
    """
    settings = publishing_settings_or_exit()
    if settings.work_pool and not os.environ.get("PREFECT_API_URL"):
        # this run's own temporary server is one no worker polls: the batches would wait and fail
        raise click.UsageError(
            f"OPPNADATA_WORK_POOL={settings.work_pool} needs PREFECT_API_URL: the Prefect server whose workers "
            "poll that pool (or unset OPPNADATA_WORK_POOL to run the datasets in this process)"
        )
    catalog = catalog_or_exit(settings)
    known = {d.id for d in catalog.datasets} | {h.id for h in catalog.harvest}
    unknown = [d for d in datasets if d not in known]
    if unknown:
        raise click.BadParameter(f"not in catalog.yaml: {', '.join(unknown)}", param_hint="--dataset")

    from ..run import quiet_library_settings, run_log_path, use_project_prefect_home

    own_home = "PREFECT_HOME" not in os.environ
    use_project_prefect_home(settings)  # before prefect is imported
    quiet_library_settings()  # the library output goes to the run's log file; the bar shows progress

    from rich.console import Console
    from rich.markup import escape

    console = Console(width=None if sys.stdout.isatty() else 160)  # logs and CI get a readable table
    log_path = run_log_path(settings)
    console.print(f"Run log: {log_path}", highlight=False)
    server = _launch_api_server(settings) if own_home else None
    summary, problem = _run_logged(console, log_path, list(datasets) or None, retries, retry_delay, wait, server)
    if summary is None:
        console.print(f"[red]the nightly run did not finish:[/] {escape(problem)}")
        console.print(f"Run log: {log_path}", highlight=False)
        raise SystemExit(1)

    from ..run import attention_lines, harvest_table, summary_table

    console.print(summary_table(summary))
    if summary.harvests:
        console.print(harvest_table(summary))
        for line in attention_lines(summary):
            console.print(escape(line), highlight=False)
    for error in summary.run_errors:
        console.print(f"[red]run error:[/] {escape(error)}")
    for mail in summary.notifications:
        console.print(mail.line(), markup=False, highlight=False)
    network = summary.network_line()
    if network:
        console.print(f"[bold yellow]{escape(network)}[/]")
    console.print(f"Portal: {summary.portal_url}", highlight=False)
    console.print(f"Run report: {settings.reports_dir / summary.file_name()}", highlight=False)
    console.print(f"Run log: {log_path}", highlight=False)
    raise SystemExit(0 if summary.ok else 1)


def _launch_api_server(settings) -> LocalPrefectServer | None:
    """Start the Prefect API this run talks to, before Prefect is imported here, so the two overlap.

    Left to Prefect, the temporary server starts only once the flow is
    called, after every import: on a loaded machine the two take about
    equally long (tens of seconds each), one after the other. Only when the
    project's own Prefect home is in use and no API is configured: a server
    the user set up is theirs to use.
    """
    if "prefect" in sys.modules or os.environ.get("PREFECT_API_URL"):
        return None
    from ..run import LocalPrefectServer, free_port, prefect_home

    server = LocalPrefectServer(prefect_home(settings), database_url=None, port=free_port(), ui=False, services=False,
                                startup_timeout=float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    server.launch()
    os.environ["PREFECT_API_URL"] = server.api_url
    # No UI, and gone after the run: no link to it belongs in the stewards' mails (`flows._run_url`)
    os.environ.setdefault("PREFECT_UI_URL", "")
    return server


def _run_logged(console: Console, log_path, datasets: list[str] | None, retries: int, retry_delay: float,
                wait: float | None, server: LocalPrefectServer | None) -> tuple[RunSummary | None, str]:
    """The nightly flow with every library's output in the log file: (its summary, "") or (None, why not).

    A run refused by the locks exits with EXIT_LOCKED, its reason said on stderr
    once the log file has handed stderr back.
    """
    import logging

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..run import finish_library_work, stderr_to_log

    locked = None
    with stderr_to_log(log_path):
        try:
            from ..run import RunLocked, RunSummary, nightly

            if server is not None:
                server.wait_until_healthy()

            columns = (TextColumn("[bold]nightly[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       TextColumn("{task.description}"))
            # redirect_stderr=False: what libraries write to stderr belongs in the log, not above the bar
            with Progress(*columns, console=console, transient=False, redirect_stderr=False) as progress:
                state = nightly(
                    datasets=datasets,
                    collect_retries=retries,
                    retry_delay_seconds=retry_delay,
                    progress=_BarListener(progress, console),
                    lock_wait_seconds=wait,
                    return_state=True,
                )
            summary = state.result(raise_on_failure=False)
            if isinstance(summary, RunLocked):
                logging.getLogger("pipelines.commands.run").warning("not started: %s", summary)
                locked = summary
            elif not isinstance(summary, RunSummary):
                return None, str(state.message or summary)
            else:
                return summary, ""
        except Exception as exc:  # e.g. the Prefect API server did not start: said in one line, told in the log
            logging.getLogger("pipelines.commands.run").exception("the nightly run did not finish")
            return None, f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        finally:
            finish_library_work()
            if server is not None:
                server.stop()
    click.echo(f"not started: {locked}", err=True)
    raise SystemExit(EXIT_LOCKED)
