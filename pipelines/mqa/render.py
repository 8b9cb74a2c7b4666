"""A plain-text MQA report: what `oppnadata check --quality` prints.

WHY text, not a table library: the report goes to terminals, log files and
Prefect markdown artifacts alike; fixed-width text reads the same in all three.
"""

from __future__ import annotations

from pipelines.mqa.indicators import DIMENSIONS
from pipelines.mqa.scoring import QualityScore


def _num(value: float) -> str:
    return f"{value:g}"


def render_text(score: QualityScore, show_reasons: bool = True) -> str:
    """Points per dimension and indicator, the total and rating, and why points were lost."""
    lines = [
        f"MQA {score.subject}: {_num(score.total)} / {score.max_points} points — {score.rating}"
    ]
    dims = score.dimension_points()
    for dim in DIMENSIONS:
        points, maximum = dims[dim]
        lines.append(f"  {dim:<17} {_num(points):>6} / {maximum}")
        for ind in score.indicators:
            if ind.dimension != dim:
                continue
            mark = "✓" if ind.full else "✗"
            lines.append(
                f"    {mark} {ind.label:<36} {_num(ind.points):>6} / {ind.max_points:<3}"
                f" ({ind.passed}/{ind.total})"
            )
            if show_reasons and not ind.full:
                for reason in ind.reasons:
                    lines.append(f"        - {reason}")
    if score.unscored:
        lines.append("  not scored:")
        lines.extend(f"    - {item}" for item in score.unscored)
    return "\n".join(lines)
