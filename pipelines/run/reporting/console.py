"""The run summary as a rich table: what `oppnadata run` prints at the end."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ...outcome import Status
from ..summary import RunSummary
from .rows import summary_rows

STATUS_STYLES = {  # by the label the rows carry
    Status.PUBLISHED.label: "green",
    Status.UNCHANGED.label: "dim",
    Status.WITHDRAWN.label: "yellow",
    Status.INVALID.label: "bold red",
    Status.SOURCE_ERROR.label: "bold red",
    Status.PUBLISH_ERROR.label: "bold red",
}


MESSAGE_CHARS = 160  # the full message is in the JSON run report and the Prefect artifacts


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def summary_table(summary: RunSummary) -> Table:
    """Identifiers never wrap (they are what people copy); the message takes the remaining width."""
    table = Table(title=escape(f"Nightly publication — {summary.headline()}"), title_justify="left")
    table.add_column("Dataset", no_wrap=True)
    table.add_column("Organization", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Rows", justify="right", no_wrap=True)
    table.add_column("Seconds", justify="right", no_wrap=True)
    table.add_column("Message", overflow="fold", ratio=1, min_width=20)
    for row in summary_rows(summary):
        style = STATUS_STYLES.get(row["status"], "")
        table.add_row(
            escape(row["dataset"]),
            escape(row["organization"]),
            f"[{style}]{row['status']}[/]" if style else row["status"],
            "" if row["rows"] is None else str(row["rows"]),
            f"{row['seconds']:.1f}",
            escape(_short(row["message"])),
        )
    return table
