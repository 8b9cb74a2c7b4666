"""Starting a worker's warm engine server, and the command its flow runs start with."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .client import ROOT, SOCKET_ENV

READY_TIMEOUT_SECONDS = 180.0  # the imports take seconds; a busy machine may take many


class WarmStartUnavailable(RuntimeError):
    """The warm engine server did not come up; flow runs start cold."""


def client_command() -> list[str]:
    """This interpreter running the warm-start client by its path (see `client.py`)."""
    return [sys.executable, str(Path(__file__).with_name("client.py"))]


@dataclass(frozen=True)
class WarmServerProcess:
    process: subprocess.Popen
    env: dict[str, str]  # what a flow run's client needs to find the server


def start_warm_server(timeout: float = READY_TIMEOUT_SECONDS, log: Path | None = None) -> WarmServerProcess:
    """Start the warm engine server for this process and what it execs into.

    `log`: where its lines go (default: this process's standard error).

    The server lives while this process lives (it watches its parent), so a
    worker that `exec`s into `prefect worker start` after this call keeps it,
    and one that dies, however, takes it along. Its socket sits in a fresh
    directory only this user can open.
    """
    directory = Path(tempfile.mkdtemp(prefix="oppnadata-warm-"))
    socket_path = directory / "engine.sock"
    read_end, write_end = os.pipe()
    stderr = open(log, "ab") if log is not None else None
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.run.warm.server", "--socket", str(socket_path), "--ready-fd", str(write_end)],
            pass_fds=(write_end,), stdin=subprocess.DEVNULL, stderr=stderr, cwd=ROOT,
        )
    finally:
        if stderr is not None:
            stderr.close()
    os.close(write_end)
    deadline = time.monotonic() + timeout
    answer = b""
    try:
        while time.monotonic() < deadline and not answer.endswith(b"\n"):
            ready, _, _ = select.select([read_end], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(read_end, 64)
            if not chunk:
                break
            answer += chunk
    finally:
        os.close(read_end)
    if answer != b"ready\n":
        why = "it ended" if process.poll() is not None else f"not ready within {timeout:g} s"
        process.kill()
        process.wait()
        raise WarmStartUnavailable(f"the warm engine server did not start ({why}; its error is {'in ' + str(log) if log else 'above'})")
    return WarmServerProcess(process, {SOCKET_ENV: str(socket_path)})
