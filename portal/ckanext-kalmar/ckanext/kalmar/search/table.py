"""The search document table: one row per dataset, what Solr's index document was, in PostgreSQL.

Why a table of our own: searching CKAN's live tables re-derives every dataset's text, tags and
formats in every query (a correlated sub-select per row, per word, per facet), and building results
needs one package_show per hit. A row here holds the validated package dict (JSONB, served as is),
a weighted Swedish tsvector, and the facet fields as arrays, all behind GIN indexes.

Who may read which row is enforced by the table itself (row-level security, forced also for the
table's owner): while a search runs, `kalmar.search_labels` holds the caller's permission labels and
only rows sharing one of them are visible, whatever SQL reads the table. Index writes and internal
reads run with the setting empty and see every row.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from ckan import model

log = logging.getLogger(__name__)

TABLE = "kalmar_search_document"
LABELS_SETTING = "kalmar.search_labels"
TEXT_CONFIG = "swedish"

_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id text PRIMARY KEY,
    name text NOT NULL,
    title text NOT NULL DEFAULT '',
    notes text NOT NULL DEFAULT '',
    type text NOT NULL DEFAULT 'dataset',
    state text NOT NULL,
    private boolean NOT NULL DEFAULT false,
    owner_org text,
    organization text,
    creator_user_id text,
    license_id text,
    url text,
    version text,
    author text,
    author_email text,
    maintainer text,
    maintainer_email text,
    metadata_created timestamp,
    metadata_modified timestamp,
    tags text[] NOT NULL DEFAULT '{{}}',
    groups text[] NOT NULL DEFAULT '{{}}',
    res_format text[] NOT NULL DEFAULT '{{}}',
    res_name text[] NOT NULL DEFAULT '{{}}',
    res_description text[] NOT NULL DEFAULT '{{}}',
    res_url text[] NOT NULL DEFAULT '{{}}',
    res_type text[] NOT NULL DEFAULT '{{}}',
    extras jsonb NOT NULL DEFAULT '{{}}',
    permission_labels text[] NOT NULL,
    document tsvector NOT NULL,
    validated_data_dict jsonb NOT NULL,
    data_dict jsonb,
    indexed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS {TABLE}_document ON {TABLE} USING gin (document);
CREATE INDEX IF NOT EXISTS {TABLE}_tags ON {TABLE} USING gin (tags);
CREATE INDEX IF NOT EXISTS {TABLE}_groups ON {TABLE} USING gin (groups);
CREATE INDEX IF NOT EXISTS {TABLE}_res_format ON {TABLE} USING gin (res_format);
CREATE INDEX IF NOT EXISTS {TABLE}_labels ON {TABLE} USING gin (permission_labels);
CREATE INDEX IF NOT EXISTS {TABLE}_extras ON {TABLE} USING gin (extras jsonb_path_ops);
CREATE INDEX IF NOT EXISTS {TABLE}_modified ON {TABLE} (metadata_modified DESC, id);
CREATE INDEX IF NOT EXISTS {TABLE}_name ON {TABLE} (name);
CREATE INDEX IF NOT EXISTS {TABLE}_organization ON {TABLE} (organization);
CREATE INDEX IF NOT EXISTS {TABLE}_owner_org ON {TABLE} (owner_org);
CREATE INDEX IF NOT EXISTS {TABLE}_title_sv ON {TABLE} ((lower(title) COLLATE "sv-SE-x-icu"), id);
ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS {TABLE}_read ON {TABLE};
CREATE POLICY {TABLE}_read ON {TABLE} FOR SELECT USING (
    coalesce(current_setting('{LABELS_SETTING}', true), '') = ''
    OR permission_labels && string_to_array(current_setting('{LABELS_SETTING}', true), ' '));
DROP POLICY IF EXISTS {TABLE}_insert ON {TABLE};
CREATE POLICY {TABLE}_insert ON {TABLE} FOR INSERT WITH CHECK (true);
DROP POLICY IF EXISTS {TABLE}_update ON {TABLE};
CREATE POLICY {TABLE}_update ON {TABLE} FOR UPDATE USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS {TABLE}_delete ON {TABLE};
CREATE POLICY {TABLE}_delete ON {TABLE} FOR DELETE USING (true);
CREATE TABLE IF NOT EXISTS kalmar_search_clock (
    id int PRIMARY KEY CHECK (id = 1),
    removed_at timestamptz NOT NULL
);
"""

_ready = threading.Lock()
_created = False


def ensure() -> None:
    """Create the table, its indexes and policies when missing (once per process, own transaction).

    In the normal case this is one catalog lookup and no DDL: ALTER TABLE and CREATE POLICY take an
    ACCESS EXCLUSIVE lock, which would queue every search and write behind the longest transaction
    open at that moment. Its own connection: the DDL must not be rolled back with a failed request,
    and two processes starting together take an advisory lock instead of racing on CREATE.
    """
    global _created
    if _created:
        return
    with _ready:
        if _created:
            return
        if not _present():
            with model.meta.engine.begin() as conn:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": TABLE})
                if not _present(conn):
                    log.info("creating the search document table %s", TABLE)
                    for statement in _DDL.split(";\n"):
                        if statement.strip():
                            conn.execute(sa.text(statement))
        _created = True


def _present(conn=None) -> bool:
    """The table, its read policy and the removal clock all exist (what _DDL creates last)."""
    query = sa.text(
        "SELECT to_regclass(:t) IS NOT NULL AND to_regclass('kalmar_search_clock') IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM pg_policies WHERE tablename = :t AND policyname = :p)")
    values = {"t": TABLE, "p": f"{TABLE}_read"}
    if conn is not None:
        return bool(conn.execute(query, values).scalar())
    with model.meta.engine.connect() as own:
        return bool(own.execute(query, values).scalar())


def labels_value(labels: list[str] | None) -> str:
    """The value of the labels setting for these labels (None: no restriction).

    An empty or malformed label list gets a value no row carries: it sees nothing, never everything.
    """
    if labels is None:
        return ""
    if not labels or any(not lab or any(c.isspace() for c in lab) for lab in labels):
        return "\x01no-label"
    return " ".join(labels)


def set_labels(labels: list[str] | None) -> None:
    """Restrict what the rest of this transaction reads from the table (None: no restriction)."""
    model.Session.execute(sa.text("SELECT set_config(:k, :v, true)"), {"k": LABELS_SETTING, "v": labels_value(labels)})
