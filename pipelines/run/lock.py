"""One nightly run at a time, and one process per dataset: PostgreSQL advisory locks.

Why advisory locks: PostgreSQL releases them the moment the holder's connection
ends, so a run that is killed never leaves a lock behind (no lease to expire,
nothing to clean up), every machine that reaches the database shares them, and
`pg_locks` names the holder, so a refused run can say who is in the way. The
database is Prefect's own (`PREFECT_SERVER_DATABASE_CONNECTION_URL`) unless
OPPNADATA_LOCK_DATABASE_URL names another.

Two kinds of lock, taken together without ever blocking (`pg_try_advisory_lock`,
so two runs can never deadlock): the night's (only a run of the whole catalog
takes it) and one per dataset (every run takes those of its datasets, so
`oppnadata run -d X` waits for a night that is processing X, and the other way
round). A run that finds a lock taken waits up to `wait_seconds`, then gives up
with `RunLocked`, whose message says who holds what and since when.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..config import Settings

log = logging.getLogger(__name__)

# The first key of each advisory lock says what it guards; the second which one.
NIGHT_SPACE = 0x4F44_0001
DATASET_SPACE = 0x4F44_0002
POLL_SECONDS = 1.0


class RunLocked(Exception):
    """Another run holds the night or a dataset; the message says who, since when, and what to do."""


class LockUnavailable(Exception):
    """The lock database could not be reached: the run does not start unguarded."""


@dataclass(frozen=True)
class LockKey:
    space: int
    id: int
    label: str  # "the nightly run" or "dataset <id>"


def night_key() -> LockKey:
    return LockKey(NIGHT_SPACE, 0, "the nightly run")


def dataset_key(dataset_id: str) -> LockKey:
    """A signed 32-bit key from the dataset id (PostgreSQL's two-key advisory locks take two int4)."""
    digest = int.from_bytes(hashlib.blake2b(dataset_id.encode("utf-8"), digest_size=4).digest(), "big", signed=True)
    return LockKey(DATASET_SPACE, digest, f"dataset {dataset_id}")


def libpq_url(url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://` (Prefect's spelling) as libpq's `postgresql://`."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+', 1)[0]}{sep}{rest}"


def _keys(dataset_ids: Iterable[str], whole_night: bool) -> list[LockKey]:
    keys = [night_key()] if whole_night else []
    return keys + [dataset_key(d) for d in sorted(set(dataset_ids))]


def _try_all(conn, keys: list[LockKey]) -> list[LockKey]:
    """Take every lock or none; returns the keys others hold (empty: all taken)."""
    spaces, ids = [k.space for k in keys], [k.id for k in keys]
    rows = conn.execute(
        "SELECT pg_try_advisory_lock(k1, k2) FROM unnest(%s::int[], %s::int[]) WITH ORDINALITY AS t(k1, k2, n) ORDER BY n",
        (spaces, ids),
    ).fetchall()
    taken = [k for k, (ok,) in zip(keys, rows) if ok]
    refused = [k for k, (ok,) in zip(keys, rows) if not ok]
    if refused and taken:
        conn.execute(
            "SELECT pg_advisory_unlock(k1, k2) FROM unnest(%s::int[], %s::int[]) AS t(k1, k2)",
            ([k.space for k in taken], [k.id for k in taken]),
        )
    return refused


def _holders(conn, key: LockKey) -> list[str]:
    """Who holds `key`: the holder's application name, host and since when (pg_stat_activity)."""
    rows = conn.execute(
        """SELECT a.application_name, coalesce(host(a.client_addr), 'local'), a.backend_start
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
              AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid""",
        (key.space & 0xFFFFFFFF, key.id & 0xFFFFFFFF),
    ).fetchall()
    return [f"'{name or 'unnamed'}' from {host} since {start:%Y-%m-%d %H:%M:%S %Z}" for name, host, start in rows]


def _refusal(conn, refused: list[LockKey], patience: float) -> RunLocked:
    """The refusal, naming the wait asked for (the time measured differs by a poll, or more on a busy machine)."""
    first = refused[0]
    holders = _holders(conn, first)
    # The night's lock comes first and covers its datasets: naming it says all.
    more = 0 if first == night_key() else len(refused) - 1
    others = f" and {more} more dataset{'s' if more > 1 else ''}" if more else ""
    who = "; ".join(holders) if holders else "a run that has just finished or started"
    waiting = f" after waiting {patience:g} s" if patience > 0 else ""
    return RunLocked(
        f"another run is processing {first.label}{others}{waiting}: held by {who}. "
        "Try again when it has finished, or let this run wait for it (`oppnadata run --wait SECONDS`, "
        "OPPNADATA_LOCK_WAIT)."
    )


@contextmanager
def run_lock(settings: Settings, dataset_ids: Iterable[str], *, whole_night: bool, holder: str,
             wait_seconds: float | None = None) -> Iterator[bool]:
    """Hold the night's lock (when `whole_night`) and each dataset's for the duration of the block.

    Yields True when the locks are held, False when no lock database is
    configured (the run is then not guarded; a warning says so). Raises
    RunLocked when another run keeps them longer than `wait_seconds`
    (default `settings.lock_wait_seconds`), LockUnavailable when the
    configured database cannot be reached.
    """
    url = settings.lock_database_url.reveal()
    if not url:
        log.warning("no lock database (OPPNADATA_LOCK_DATABASE_URL or a PostgreSQL PREFECT_SERVER_DATABASE_CONNECTION_URL): "
                    "this run is not guarded against a concurrent one")
        yield False
        return
    import psycopg

    keys = _keys(dataset_ids, whole_night)
    wait = settings.lock_wait_seconds if wait_seconds is None else wait_seconds
    name = f"oppnadata {holder} on {socket.gethostname()}"[:63]
    try:
        conn = psycopg.connect(libpq_url(url), autocommit=True, application_name=name, connect_timeout=10,
                               keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LockUnavailable(f"cannot reach the lock database: {reason}") from None
    try:
        started = time.monotonic()
        while refused := _try_all(conn, keys):
            waited = time.monotonic() - started
            if waited + POLL_SECONDS > wait:
                raise _refusal(conn, refused, wait)
            time.sleep(POLL_SECONDS)
        yield True
    finally:
        conn.close()  # ends the session: PostgreSQL releases every lock it held
