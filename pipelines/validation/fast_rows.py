"""Per-row checks of the fast engine: screen every batch, set flagged rows aside, detail them together.

A batch is screened in one parallel polars `select` (fast_fields.py): a row
is *flagged* when a cell is not certainly fine, when every cell is missing
(a blank row) or when the record has too few or too many cells. Only flagged
rows are kept (raw cells, cell counts, row numbers); the exact detail runs
once they add up to `DETAIL_ROWS` or at the end of the file. On a tiny set
of rows polars' fixed cost per call dominates, so detailing a file's few
flagged rows in one go instead of batch by batch is several times cheaper —
and memory stays bounded, because a file that is mostly flagged is detailed
every `DETAIL_ROWS` rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .csv_structure import CsvBatch
from .fast_fields import ColumnCheck
from .fast_keys import KeyColumns

DETAIL_ROWS = 50_000


@dataclass
class Detailed:
    errors: list[pl.DataFrame]  # idx (row of the file), type, sub, constraint, field, cell (raw)
    blank_idx: pl.Series  # rows of the file that are completely blank


@dataclass
class RowChecks:
    checks: list[ColumnCheck]
    keys: KeyColumns
    pending: list[pl.DataFrame] = field(default_factory=list)  # flagged rows: idx, counts, c0…, d0…, blank
    pending_rows: int = 0

    def __post_init__(self) -> None:
        """The screen's expressions, built once per file (building them costs Python time per batch)."""
        n = len(self.checks)
        screens = [check.screen(pl.col(f"c{j}")) for j, check in enumerate(self.checks)]
        goods = [good for good, _, _ in screens if good is not None]
        misses = [miss for _, miss, _ in screens]
        odd_shape = pl.col("counts") != n
        flag = pl.all_horizontal(misses) | odd_shape
        if goods:
            flag = flag | ~pl.all_horizontal(goods)
        self.screen_exprs = [flag.alias("flag"), *(key.alias(f"k{j}") for j, (_, _, key) in enumerate(screens) if key is not None)]
        # for a flagged row, per field: is its cell doubted (a record of the wrong length: all are), and is it blank
        self.doubt_exprs = [(odd_shape if good is None else ~good | odd_shape).alias(f"d{j}")
                            for j, (good, _, _) in enumerate(screens)]
        self.doubt_exprs.append((pl.all_horizontal(misses) & ~odd_shape).alias("blank"))

    def screen(self, batch: CsvBatch, offset: int) -> None:
        """Screen a batch whose first data row is row `offset` of the file; keep its flagged rows.

        A flagged row keeps, per field, whether its cell is doubted (the only cells
        the detail looks at) and whether it is missing (a row of missing cells is blank).
        A record with too few or too many cells has every cell doubted.
        """
        cells = batch.cells.with_columns(counts=batch.counts)
        screened = cells.lazy().select(self.screen_exprs).collect()
        for j in self.keys.types:
            raw = batch.cells.get_column(f"c{j}") if j in self.keys.raw_fields else None
            self.keys.add(j, screened.get_column(f"k{j}"), raw=raw)
        flagged = screened.get_column("flag").arg_true()
        if flagged.len():
            rows = cells.gather(flagged)
            rows = rows.with_columns(self.doubt_exprs).with_columns(idx=(flagged + offset).cast(pl.UInt32))
            self.pending.append(rows)
            self.pending_rows += rows.height

    def due(self, errors_to_limit: int | None) -> bool:
        """Time to detail: enough rows set aside, or perhaps enough to reach the error limit (a flagged
        row nearly always holds an error, and reading stops at the limit)."""
        if errors_to_limit is not None and self.pending_rows >= errors_to_limit:
            return True
        return self.pending_rows >= DETAIL_ROWS

    def detail(self) -> Detailed:
        """Exact errors of the doubted cells of every pending row (and their keys, into the key store)."""
        n = len(self.checks)
        if not self.pending:
            return Detailed([], pl.Series([], dtype=pl.UInt32))
        rows = pl.concat(self.pending)
        self.pending, self.pending_rows = [], 0
        idx, counts = rows.get_column("idx"), rows.get_column("counts")
        odd_shape = counts != n
        blank = rows.get_column("blank")  # exact for a complete record (missing is decided exactly by the screen)
        blank_odd = odd_shape  # a short or long record: every cell is doubted, its detail decides
        frames: list[pl.DataFrame] = []
        for j, check in enumerate(self.checks):
            doubted = rows.get_column(f"d{j}")
            if not doubted.any():
                continue
            at = doubted.arg_true()
            column = rows.get_column(f"c{j}").gather(at)
            present = counts.gather(at) > j
            if not present.all():  # polars fills absent cells with "": make them null, as frictionless has no cell there
                column = pl.select(pl.when(present).then(column)).to_series()
            result = check.detail(column)
            blank_odd = blank_odd.scatter(at, blank_odd.gather(at) & (result.blank | ~odd_shape.gather(at)))
            if result.key is not None:
                self.keys.patch(j, idx.gather(at), result.key)
            errors = result.errors
            if errors.height:
                frames.append(errors.with_columns(
                    idx=idx.gather(at.gather(errors["idx"])), field=pl.lit(j, pl.Int32), cell=column.gather(errors["idx"])))
        frames.extend(_structure_errors(idx, counts, n))
        return Detailed(frames, idx.filter(blank | blank_odd))


def _structure_errors(idx: pl.Series, counts: pl.Series, n: int) -> list[pl.DataFrame]:
    """extra-cell for each cell beyond the schema's fields, missing-cell for each one short of them."""
    frames = []
    extra = counts > n
    if extra.any():
        rows = pl.DataFrame({"idx": idx.filter(extra), "k": counts.filter(extra)}).with_columns(
            pos=pl.int_ranges(n, pl.col("k"))).explode("pos", empty_as_null=True)
        frames.append(cell_frame(rows["idx"], "extra-cell", sub=rows["pos"], field=-1))
    short = counts < n
    if short.any():
        rows = pl.DataFrame({"idx": idx.filter(short), "k": counts.filter(short)}).with_columns(
            pos=pl.int_ranges(pl.col("k"), n)).explode("pos", empty_as_null=True)
        frames.append(cell_frame(rows["idx"], "missing-cell", sub=0, field=rows["pos"]))
    return frames


def cell_frame(idx: pl.Series, error_type: str, *, sub: int | pl.Series, field: int | pl.Series) -> pl.DataFrame:
    """Errors in the engine's frame shape: idx, type, sub, constraint, field, cell."""
    frame = pl.DataFrame({"idx": idx.cast(pl.UInt32)})
    return frame.with_columns(
        type=pl.lit(error_type, pl.String),
        sub=(sub.cast(pl.Int32) if isinstance(sub, pl.Series) else pl.lit(sub, pl.Int32)),
        constraint=pl.lit(None, pl.String),
        field=(field.cast(pl.Int32) if isinstance(field, pl.Series) else pl.lit(field, pl.Int32)),
        cell=pl.lit(None, pl.String),
    )
