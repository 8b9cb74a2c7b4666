"""Helpers for tests that talk to a real `prefect server start`: its database, a CLI, the API, stopping processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Variables a child must not inherit from the test harness (it points at the harness's API).
HARNESS_VARS = ("PREFECT_API_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL")


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in HARNESS_VARS}
    env.update(extra)
    return env


def spawn(args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    with open(log, "ab") as fh:
        return subprocess.Popen(args, env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 20.0) -> int:
    """Stop a process group we started; SIGKILL after `grace`. Returns the exit code."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    return process.returncode


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # the server may not answer yet
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last_error!r})")


def api(api_url: str, fn: Callable[[Any], Any]) -> Any:
    """Run `await fn(client)` with a Prefect client bound to `api_url` (not the test harness)."""
    from prefect.client.orchestration import PrefectClient

    async def go():
        async with PrefectClient(api_url) as client:
            return await fn(client)

    return asyncio.run(go())


@contextmanager
def throwaway_prefect_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one Prefect server, next to the stack's `prefect` one; dropped afterwards.

    The stack's `prefect` role may create databases (portal/stack), so each test
    module's server starts from an empty database and leaves nothing behind.
    """
    import psycopg

    from pipelines.run.lock import libpq_url

    assert base_url.startswith("postgresql"), "portal/stack env printed no PREFECT_SERVER_DATABASE_CONNECTION_URL"
    name = f"prefect_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(base_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(libpq_url(base_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(database_url: str, sql: str) -> list[tuple]:
    """Rows of `sql` run in the database `database_url` names (to see what a server stored)."""
    import psycopg

    from pipelines.run.lock import libpq_url

    with psycopg.connect(libpq_url(database_url)) as conn:
        return conn.execute(sql).fetchall()


def descendants(pid: int) -> list[int]:
    """Every process started by `pid`, children first (read from /proc: the flow runs a worker started)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_machine(process: subprocess.Popen) -> None:
    """SIGKILL a process we started and everything it started, as if its machine had lost power."""
    for pid in [process.pid, *descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)
