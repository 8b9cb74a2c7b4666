"""One decimal mark per number column, or a located refusal.

Why: normalization writes '12,5' as 12.5 (the Swedish decimal comma). A value
'1.234' in the same column is then ambiguous: 1.234 (a decimal point) or 1234
(a point grouping thousands, as in '1.234,5')? Publishing either guess could
change the number by a factor of a thousand. A column whose values use a comma
as decimal mark in some rows and a bare point in others is therefore refused,
naming a line of each, instead of being converted value by value.

A value counts as comma-decimal when it holds a comma (the converter accepts
'12,5', '1 234,5' and '1.234,5', whose point groups thousands), and as
point-decimal when it holds a point and no comma.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..errors import SourceError, SourceErrorKind


class MixedMarksInBatch(Exception):
    """A batch without line numbers holds both marks: the caller reruns row by row to name the lines."""


@dataclass
class _Column:
    name: str
    number: int  # 1-based column number
    comma: tuple[int | None, str] | None = None  # (line, value) of the first comma-decimal value
    point: tuple[int | None, str] | None = None


@dataclass
class DecimalMarks:
    """Tracks the decimal mark of each number column across a whole file (all batches, all rows)."""

    source: str
    columns: dict[int, _Column] = field(default_factory=dict)  # by 0-based index

    def watch(self, index: int, name: str) -> None:
        self.columns[index] = _Column(name, index + 1)

    def batch(self, index: int, values: Sequence[str]) -> None:
        """A batch of raw values without line numbers: one string test when the batch has no marks."""
        column = self.columns.get(index)
        if column is None:
            return
        joined = "\x00".join(values)
        if "," not in joined and "." not in joined:
            return
        comma = next((v for v in values if "," in v), None)
        point = next((v for v in values if "." in v and "," not in v), None) if "." in joined else None
        if (comma or column.comma) and (point or column.point):
            raise MixedMarksInBatch()
        if comma and column.comma is None:
            column.comma = (None, comma)
        if point and column.point is None:
            column.point = (None, point)

    def value(self, index: int, value: str, line: int | None) -> None:
        column = self.columns.get(index)
        if column is not None and ("," in value or "." in value):
            self._note(column, value, line)

    def _note(self, column: _Column, value: str, line: int | None) -> None:
        if "," in value:
            if column.comma is None:
                column.comma = (line, value)
            elif column.point is None:
                return
        elif "." in value:
            if column.point is None:
                column.point = (line, value)
            elif column.comma is None:
                return
        else:
            return
        if column.comma and column.point:
            (comma_line, comma_value), (point_line, point_value) = column.comma, column.point
            if comma_line is None or point_line is None:
                raise MixedMarksInBatch()
            raise SourceError(
                SourceErrorKind.WRONG_CONTENT,
                f"{self.source}: column {column.number} ({column.name!r}) writes decimals with a comma "
                f"(line {comma_line}: {comma_value!r}) and with a point (line {point_line}: {point_value!r}); "
                "a point could also group thousands, so the numbers are ambiguous. Write every decimal in the "
                "column the same way (a comma, or a point), without thousands separators other than spaces",
            )
