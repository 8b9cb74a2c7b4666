"""The harvest report of a run: per source, how many records were new, changed, unchanged, withdrawn or failed, and why.

Why apart from the dataset table: one harvest source stands for many
datasets; a row per record would bury the catalog's own datasets, so the
terminal and the Prefect artifact show one row per source and then only the
records that need someone's attention (failed, withdrawn). The JSON run
report keeps every record.
"""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ...outcome import RecordStatus
from ..summary import RunSummary

ATTENTION = (RecordStatus.FAILED, RecordStatus.WITHDRAWN)
MESSAGE_CHARS = 200


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def attention_lines(summary: RunSummary) -> list[str]:
    """One line per harvest source that could not be read and per record withdrawn or failed."""
    lines = []
    for harvest in summary.harvests:
        if harvest.error:
            lines.append(f"{harvest.source_id}: not harvested: {harvest.error}")
        for record in harvest.records:
            if record.status in ATTENTION:
                lines.append(f"{harvest.source_id}: {record.status} {record.dataset_id or record.uri}: {record.message}")
    return lines


def harvest_table(summary: RunSummary) -> Table:
    table = Table(title="Harvest", title_justify="left")
    for column in ("Source", "Organization", *[s.value for s in RecordStatus], "Pages (304)", "Seconds"):
        table.add_column(column, no_wrap=True, justify="left" if column in ("Source", "Organization") else "right")
    for harvest in summary.harvests:
        counts = harvest.counts
        cells = ["-"] * len(RecordStatus) if harvest.error else [str(counts[s.value]) for s in RecordStatus]
        table.add_row(escape(harvest.source_id), escape(harvest.organization), *cells,
                      f"{harvest.pages} ({harvest.not_modified_pages})", f"{harvest.seconds:.1f}")
    return table


def harvest_markdown(summary: RunSummary) -> str:
    if not summary.harvests:
        return ""
    heads = " | ".join(s.value for s in RecordStatus)
    lines = ["", "## Harvest", "", f"| Source | Organization | {heads} |", "|---|---|" + "---:|" * len(RecordStatus)]
    for harvest in summary.harvests:
        cells = " | ".join("-" if harvest.error else str(harvest.counts[s.value]) for s in RecordStatus)
        lines.append(f"| {harvest.source_id} | {harvest.organization} | {cells} |")
    lines += ["", *[f"- {_short(line).replace('|', '/')}" for line in attention_lines(summary)]]
    return "\n".join(lines) + "\n"
