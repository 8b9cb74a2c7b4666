"""One flat row per dataset: the shared shape of the table artifact, the Markdown and the terminal table.

Why a separate step: the three renderings must show the same columns in the
same order, so they all start from these rows.
"""

from __future__ import annotations

from typing import Any

from ...outcome import DatasetOutcome
from ..summary import RunSummary

COLUMNS = ("dataset", "organization", "status", "rows", "seconds", "dataset_url", "report_url", "message")

def outcome_row(outcome: DatasetOutcome) -> dict[str, Any]:
    return {
        "dataset": outcome.dataset_id,
        "organization": outcome.organization,
        "status": outcome.status.label,
        "rows": outcome.rows,
        "seconds": round(outcome.seconds, 2),
        "dataset_url": outcome.dataset_url or "",
        "report_url": outcome.report_url or "",
        "message": outcome.message,
    }


def summary_rows(summary: RunSummary) -> list[dict[str, Any]]:
    return [outcome_row(o) for o in summary.outcomes]
