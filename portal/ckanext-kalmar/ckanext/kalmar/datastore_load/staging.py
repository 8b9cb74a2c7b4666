"""The staging table of a load: filled from the file, finished and indexed, never seen by readers.

Two steps, because they cost very differently. COPY FREEZE reads the file into an unlogged `raw`
table (values parsed, `_id` numbered in file order) — fast, but one process. Then one
`CREATE TABLE … AS SELECT` makes the staging table from it, computing every final value and
`_full_text`: to_tsvector is most of a load's CPU, and PostgreSQL runs that SELECT in parallel
workers (an INSERT … SELECT or a generated column during COPY would use one core). `_id` then gets
its sequence default, NOT NULL and primary key, which makes the table's catalog the one of
datastore_create's `serial primary key`.

Names start with "_", which keeps them out of the DataStore's table list (`_table_metadata`), and
everything lives only inside the load's transaction: if the load fails or the portal dies
mid-COPY, PostgreSQL rolls it back and nothing is left behind.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import psycopg2
from ckanext.datastore.backend.postgres import identifier, literal_string

from . import fulltext
from .errors import LoadError
from .indexes import Index
from .pg_errors import located
from .source import CHUNK, StoredFile
from .table_schema import Column, TablePlan

FULLTEXT_TRIGGER = "CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger()"


@dataclass
class Staged:
    name: str
    rows: int = 0
    renames: list[tuple[str, str]] = field(default_factory=list)  # (staging index name, datastore_create's name)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, reported by the action

    @property
    def sequence(self) -> str:
        return self.name + "__id_seq"

    def phase(self, name: str, started: float) -> float:
        now = time.monotonic()
        self.seconds[name] = round(now - started, 3)
        return now


def fill(cur, name: str, table: TablePlan, source: StoredFile, config: str) -> Staged:
    """Create and fill the staging table `name`; raises LoadError naming the row or field at fault."""
    header = source.header()
    if header != table.names:
        raise LoadError("data", f"Row 1: the header {header} is not the Table Schema's fields {table.names} "
                        "in that order.", row=1)
    staged = Staged(name)
    raw = name + "_raw"
    started = time.monotonic()
    columns = ", ".join(f"{identifier(c.name)} {'text' if c.copied_as_text else c.copy_type}" for c in table.columns)
    cur.execute(f"CREATE SEQUENCE {identifier(staged.sequence)} AS integer")
    # Unlogged: the raw table is dropped before the commit, so writing its rows to the WAL would be waste.
    cur.execute(f"CREATE UNLOGGED TABLE {identifier(raw)} (\"_id\" integer NOT NULL DEFAULT "
                f"nextval({literal_string(identifier(staged.sequence))}::regclass), {columns})")
    try:
        cur.copy_expert(_copy_sql(raw, table), source, size=CHUNK)
    except psycopg2.Error as exc:
        raise located(exc, table.names) from None
    staged.rows = cur.rowcount
    started = staged.phase("copy", started)
    _create_from_raw(cur, name, raw, table.columns, config)
    started = staged.phase("full text", started)
    cur.execute(f"DROP TABLE {identifier(raw)}")
    cur.execute(f"ALTER TABLE {identifier(name)} ALTER COLUMN \"_id\" SET NOT NULL, ALTER COLUMN \"_id\" SET DEFAULT "
                f"nextval({literal_string(identifier(staged.sequence))}::regclass)")
    cur.execute(f"ALTER SEQUENCE {identifier(staged.sequence)} OWNED BY {identifier(name)}.\"_id\"")
    cur.execute(f"ALTER TABLE {identifier(name)} ADD PRIMARY KEY (\"_id\")")  # named {name}_pkey, as serial primary key
    started = staged.phase("_id primary key", started)
    cur.execute(FULLTEXT_TRIGGER.format(table=identifier(name)))
    for column in table.columns:
        comment = " " + json.dumps({"_info": column.info}, ensure_ascii=False, separators=(",", ":"))
        cur.execute(f"COMMENT ON COLUMN {identifier(name)}.{identifier(column.name)} IS {literal_string(comment)}")
    return staged


def add_indexes(cur, staged: Staged, indexes: list[Index], table: TablePlan) -> None:
    """Build `indexes` on the staging table under temporary names (the swap gives them theirs), then ANALYZE it."""
    started = time.monotonic()
    for number, planned in enumerate(indexes):
        temporary = f"{staged.name}_{number}"
        _create_index(cur, staged.name, temporary, planned, table)
        staged.renames.append((temporary, planned.name))
        started = staged.phase(f"index {planned.expression}", started)
    cur.execute(f"ANALYZE {identifier(staged.name)}")
    staged.phase("analyze", started)


def _copy_sql(name: str, table: TablePlan) -> str:
    native = [identifier(c.name) for c in table.columns if not c.copied_as_text]
    text = [identifier(c.name) for c in table.columns if c.copied_as_text]
    options = ["FORMAT csv", "HEADER MATCH", "FREEZE", "ENCODING 'UTF8'", f"NULL {literal_string(table.null)}"]
    if native:
        options.append(f"FORCE_NULL ({', '.join(native)})")  # a quoted "" is missing too, as in the Table Schema
    if text:
        options.append(f"FORCE_NOT_NULL ({', '.join(text)})")  # these columns' own missing values apply later
    return f"COPY {identifier(name)} ({', '.join(identifier(c) for c in table.names)}) FROM STDIN WITH ({', '.join(options)})"


def _create_from_raw(cur, name: str, raw: str, columns: tuple[Column, ...], config: str) -> None:
    """The staging table: `_id`, `_full_text` and every column in its final type, in datastore_create's order."""
    values = [f"CAST({c.value_sql(identifier(c.name)) if c.converted else identifier(c.name)} AS {c.type}) "
              f"AS {identifier(c.name)}" for c in columns]
    cur.execute("SAVEPOINT kalmar_convert")
    try:
        cur.execute(f"CREATE TABLE {identifier(name)} AS SELECT \"_id\", {fulltext.sql(columns, config)} AS \"_full_text\", "
                    f"{', '.join(values)} FROM {identifier(raw)}")
    except psycopg2.DataError as exc:
        cur.execute("ROLLBACK TO SAVEPOINT kalmar_convert")
        raise _first_bad_value(cur, raw, columns, exc) from None
    cur.execute("RELEASE SAVEPOINT kalmar_convert")


def _first_bad_value(cur, name: str, columns: tuple[Column, ...], error: psycopg2.Error) -> LoadError:
    """The field and first row whose value does not convert (a binary search over the raw table's rows)."""
    for column in columns:
        if not column.converted:
            continue
        cur.execute(f"SELECT max(_id) FROM {identifier(name)}")
        low, high = 1, cur.fetchone()[0] or 0
        message = _convert_error(cur, name, column, low, high)
        if message is None:
            continue
        while low < high:
            middle = (low + high) // 2
            found = _convert_error(cur, name, column, low, middle)
            if found is None:
                low = middle + 1
            else:
                high, message = middle, found
        return LoadError("data", f"Row {low + 1}, field {column.name!r}: {message}. Fix it in the source (row numbers "
                         "as in the validation report: the header is row 1).", row=low + 1, field=column.name)
    return LoadError("data", f"{(error.diag.message_primary or str(error)).rstrip('.')}.")


def _convert_error(cur, name: str, column: Column, first: int, last: int) -> str | None:
    """PostgreSQL's message when a value of `column` in rows first..last does not convert, else None."""
    col = identifier(column.name)
    cur.execute("SAVEPOINT kalmar_probe")
    try:
        cur.execute(f"SELECT count({column.value_sql(col)}) FROM {identifier(name)} WHERE _id BETWEEN %s AND %s",
                    (first, last))
    except psycopg2.DataError as exc:
        cur.execute("ROLLBACK TO SAVEPOINT kalmar_probe")
        return (exc.diag.message_primary or str(exc)).rstrip(".")
    cur.execute("RELEASE SAVEPOINT kalmar_probe")
    return None


def _create_index(cur, table_name: str, temporary: str, index: Index, table: TablePlan) -> None:
    if not index.unique:
        cur.execute(index.create_sql(table_name, temporary))
        return
    cur.execute("SAVEPOINT kalmar_unique")
    try:
        cur.execute(index.create_sql(table_name, temporary))
    except psycopg2.errors.UniqueViolation:
        cur.execute("ROLLBACK TO SAVEPOINT kalmar_unique")
        raise _duplicate_key(cur, table_name, table) from None
    cur.execute("RELEASE SAVEPOINT kalmar_unique")


def _duplicate_key(cur, table_name: str, table: TablePlan) -> LoadError:
    """Name the first two rows sharing a primary key value (row = _id + 1: COPY numbers rows in file order)."""
    key = ", ".join(identifier(f) for f in table.primary_key)
    cur.execute(f"SELECT array_agg(_id ORDER BY _id), {key} FROM {identifier(table_name)} "
                f"GROUP BY {key} HAVING count(*) > 1 ORDER BY min(_id) LIMIT 1")
    ids, *values = cur.fetchone()
    shown = ", ".join(f"{f}={v!r}" for f, v in zip(table.primary_key, values))
    return LoadError("data", f"Rows {ids[0] + 1} and {ids[1] + 1} have the same primary key ({shown}); "
                     "a primary key value may occur once.", row=ids[1] + 1, field=table.primary_key[0])
