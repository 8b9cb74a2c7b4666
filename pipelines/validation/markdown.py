"""The validation report as Markdown for data stewards.

Stewards fix the source file, so they need, in this order: is it valid, how many
problems of each kind, and the first problems with row, field, the offending
value and what is wrong. The table is capped so a file with a million bad rows
still gives a readable page; cell text is escaped so a value containing `|` or a
newline cannot break the table.
"""

from __future__ import annotations

from .report import ValidationReport

MAX_CELL_CHARS = 80


def escape_cell(value: object) -> str:
    """Make any value safe inside one Markdown table cell."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "↵")
    return text


def render_markdown(report: ValidationReport, title: str, *, max_errors: int = 50) -> str:
    lines = [f"# {title}", ""]
    if report.valid:
        lines.append(f"**Giltig / valid** — {report.rows} rader, {len(report.fields)} fält.")
    else:
        total = sum(report.error_counts.values())
        more = " (validation stopped at the error limit; there may be more)" if report.truncated else ""
        lines.append(f"**Ogiltig / invalid** — {total} fel i {report.rows} lästa rader{more}.")
    lines.append("")
    lines.append(f"Motor / engine: `{report.engine}`, {report.seconds:.2f} s.")
    if report.fallback_reason:
        lines.append(f"Fallback to frictionless: {escape_cell(report.fallback_reason)}.")
    lines += _warning_lines(report, max_errors)
    if report.valid:
        return "\n".join(lines) + "\n"

    lines += ["", "## Fel per typ / errors per type", "", "| Typ / type | Antal / count |", "|---|---:|"]
    for error_type, count in sorted(report.error_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {escape_cell(error_type)} | {count} |")

    shown = report.errors[:max_errors]
    lines += [
        "",
        f"## Första felen / first errors ({len(shown)} av {len(report.errors)})",
        "",
        "| Rad / row | Fält / field | Värde / value | Typ / type | Meddelande / message |",
        "|---:|---|---|---|---|",
    ]
    for e in shown:
        row = "" if e.row is None else str(e.row)
        lines.append(
            f"| {row} | {escape_cell(e.field)} | {escape_cell(e.cell)} | {escape_cell(e.type)} | {escape_cell(e.message)} |"
        )
    if len(report.errors) > len(shown):
        lines += ["", f"… och {len(report.errors) - len(shown)} fel till i JSON-rapporten / more errors in the JSON report."]
    return "\n".join(lines) + "\n"


def _warning_lines(report: ValidationReport, max_rows: int) -> list[str]:
    """Warnings (e.g. text a spreadsheet would run as a formula): listed, but they do not make the data invalid."""
    if not report.warnings:
        return []
    shown = report.warnings[:max_rows]
    lines = ["", f"## Varningar / warnings ({len(report.warnings)})", "",
             "| Rad / row | Fält / field | Värde / value | Typ / type | Meddelande / message |", "|---:|---|---|---|---|"]
    for w in shown:
        row = "" if w.row is None else str(w.row)
        lines.append(f"| {row} | {escape_cell(w.field)} | {escape_cell(w.cell)} | {escape_cell(w.type)} | {escape_cell(w.message)} |")
    return lines
