"""The run summary as Markdown, for the Prefect markdown artifact people open in the UI."""

from __future__ import annotations

from ..summary import RunSummary
from .harvest import harvest_markdown
from .rows import summary_rows


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _link(label: str, url: str) -> str:
    return f"[{_cell(label)}]({url})" if url else ""


def summary_markdown(summary: RunSummary) -> str:
    lines = [
        f"# Nightly publication: {summary.run_name}",
        "",
        f"**{_cell(summary.headline())}**",
        "",
        f"Started {summary.started}, finished {summary.finished}. "
        f"Portal: {summary.portal_url}. CKAN write calls: {summary.write_calls}.",
        "",
        *[f"- Run error: {_cell(error)}" for error in summary.run_errors],
        *[f"- {_cell(mail.line())}" for mail in summary.notifications],
        "",
        "| Dataset | Organization | Status | Rows | Seconds | Validation report | Message |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for row in summary_rows(summary):
        dataset = _link(row["dataset"], row["dataset_url"]) or _cell(row["dataset"])
        rows = "" if row["rows"] is None else str(row["rows"])
        lines.append(
            f"| {dataset} | {_cell(row['organization'])} | {row['status']} | {rows} | {row['seconds']:.2f} "
            f"| {_link('report', row['report_url'])} | {_cell(row['message'])} |"
        )
    network = summary.network_line()
    if network:
        lines += ["", f"**{network}**"]
    return "\n".join(lines) + "\n" + harvest_markdown(summary)
