"""The run summary as a rich table: what `oppnadata run` prints at the end."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..run_report import RunSummary
from .rows import summary_rows

STATUS_STYLES = {
    "published": "green",
    "unchanged": "dim",
    "withdrawn": "yellow",
    "invalid": "bold red",
    "source error": "bold red",
    "publish error": "bold red",
}


def summary_table(summary: RunSummary) -> Table:
    table = Table(title=escape(f"Nightly publication — {summary.headline()}"), title_justify="left")
    for name, justify in (
        ("Dataset", "left"),
        ("Organization", "left"),
        ("Status", "left"),
        ("Rows", "right"),
        ("Seconds", "right"),
        ("Message", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")
    for row in summary_rows(summary):
        style = STATUS_STYLES.get(row["status"], "")
        table.add_row(
            escape(row["dataset"]),
            escape(row["organization"]),
            f"[{style}]{row['status']}[/]" if style else row["status"],
            "" if row["rows"] is None else str(row["rows"]),
            f"{row['seconds']:.1f}",
            escape(row["message"]),
        )
    return table
