"""Read-only looks at a portal's DataStore database as PostgreSQL's superuser, for what CKAN's API does not show.

Why: "the table looks to CKAN exactly like a datastore_create'd one" covers the catalog (column
types and defaults, the `_id` sequence, indexes and their names, the `_full_text` trigger, column
comments, grants) and the exact `_full_text` vectors; the API shows only part of that. psql runs as
the cluster owner over the stack's own socket directory, as portal/stack does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.plugins.portal import ROOT

PSQL = "/usr/lib/postgresql/15/bin/psql"


@dataclass(frozen=True)
class Database:
    socket_dir: Path
    port: int
    name: str = "datastore_default"

    @classmethod
    def shared_portal(cls) -> "Database":
        state = Path(os.environ.get("PORTAL_STATE_DIR", ROOT / ".portal"))
        return cls(state / "run", int(os.environ.get("PORTAL_PG_PORT", "54329")))

    def rows(self, sql: str) -> list[list[str]]:
        command = [PSQL, "-X", "-q", "--csv", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
                   "-p", str(self.port), "-d", self.name, "-c", sql]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return [row for row in csv.reader(io.StringIO(done.stdout))]

    def table_snapshot(self, table: str) -> dict[str, list]:
        """Everything about a DataStore table that CKAN reads or relies on, and its rows with `_full_text`, in one query."""
        quoted = '"' + table.replace('"', '""') + '"'
        rel = f"to_regclass({_literal(quoted)})"
        parts = {
            "columns": "SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated, "
                       "pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum) FROM pg_attribute a "
                       f"LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = {rel} "
                       "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            "indexes": f"SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = {rel} ORDER BY 1",
            "constraints": f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = {rel} ORDER BY 1",
            "triggers": f"SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger WHERE tgrelid = {rel} "
                        "AND NOT tgisinternal ORDER BY 1",
            "relation": f"SELECT relkind, relpersistence, relowner::regrole::text, relacl::text, "
                        f"pg_get_serial_sequence({_literal('public.' + quoted)}, '_id') FROM pg_class WHERE oid = {rel}",
            "sequence": f'SELECT last_value, is_called FROM "{table}__id_seq"',  # where the next upsert's _id starts
            "listed": f"SELECT name, alias_of FROM \"_table_metadata\" WHERE name = {_literal(table)}",
            "rows": f"SELECT to_json(t)::text FROM (SELECT * FROM {quoted} ORDER BY _id) t",
        }
        sql = "SELECT json_build_object(" + ", ".join(
            f"{_literal(name)}, (SELECT coalesce(json_agg(to_json(q)), '[]') FROM ({query}) q)" for name, query in parts.items()
        ) + ")"
        return json.loads(self.rows(sql)[0][0])

    def tables_named_like(self, pattern: str) -> list[str]:
        return [r[0] for r in self.rows(f"SELECT relname FROM pg_class WHERE relname LIKE '{pattern}'")]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
