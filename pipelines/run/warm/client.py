"""What a process worker runs for a batch's flow run: the run's process forked warm, or the engine started cold.

A process worker starts a new interpreter per flow run, and that interpreter
spends seconds importing Prefect and the pipeline before the first dataset.
`oppnadata worker` keeps one warm engine server beside its Prefect worker
(`pipelines.run.warm.server`, its socket in OPPNADATA_WARM_SOCKET); this
client hands the flow run to it, with its environment, working directory,
arguments and standard streams, and then stands for the forked process: the
worker's signals are passed on to it, and this process ends with its exit
status. The fork happens only when the server has loaded exactly the code
this checkout holds now (`code_fingerprint`).

Without a warm server (a stock `prefect worker start`, a server that is
starting, or code changed since it loaded), the client replaces itself with
`python -m prefect.engine`, the process worker's own command, and says why
on its standard error when a warm start was expected.

Run by its path, never imported through `pipelines.run`: importing the
package would cost what this saves. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

SOCKET_ENV = "OPPNADATA_WARM_SOCKET"
ROOT = Path(__file__).resolve().parents[3]
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
ENGINE_MODULE = "prefect.engine"


def code_fingerprint(root: Path = ROOT) -> str:
    """What the checkout's code is now: every module of the package, the project file and the lock, by size and time.

    A warm server forks only for a client that sees the fingerprint it saw
    before loading the code, so a changed checkout never runs old modules.
    """
    digest = hashlib.sha256()
    files = sorted((root / "pipelines").rglob("*.py")) + [root / "pyproject.toml", root / "uv.lock"]
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        digest.update(f"{path.relative_to(root)}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()


def send_message(conn: socket.socket, message: dict, fds: list[int] = ()) -> None:
    data = json.dumps(message).encode() + b"\n"
    sent = socket.send_fds(conn, [data], list(fds)) if fds else conn.send(data)
    conn.sendall(data[sent:])


def read_message(stream) -> dict | None:
    """The next JSON line, or None when the other side closed the connection."""
    line = stream.readline()
    return json.loads(line) if line else None


def start_cold(reason: str | None) -> None:
    """Become the process worker's own command for this flow run."""
    if reason:
        print(f"oppnadata: no warm start ({reason}); starting the flow run's engine cold", file=sys.stderr, flush=True)
    os.execv(sys.executable, [sys.executable, "-m", ENGINE_MODULE, *sys.argv[1:]])


def _forward(pid: int):
    def handler(signum, _frame) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass
    return handler


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def end_like(status: int) -> None:
    """Exit as the forked process did: its exit code, or killed by the same signal."""
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
        time.sleep(1)
        sys.exit(128 - status)
    sys.exit(status)


def main() -> None:
    path = os.environ.get(SOCKET_ENV)
    if not path:
        start_cold(None)  # a stock process worker: nothing was expected
    request = {"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv[1:], "code": code_fingerprint()}
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(path)
        send_message(conn, request, [0, 1, 2])
        replies = conn.makefile("rb")
        started = read_message(replies)
    except OSError as exc:
        start_cold(f"the warm engine server at {path} did not answer: {exc.strerror or exc}")
    if not started or "pid" not in started:
        start_cold((started or {}).get("refused") or f"the warm engine server at {path} closed the connection")
    pid = started["pid"]
    for signum in FORWARDED_SIGNALS:
        signal.signal(signum, _forward(pid))
    ended = read_message(replies)
    if ended is None:  # the server is gone; the forked process may still be running
        while _alive(pid):
            time.sleep(0.5)
        print(f"oppnadata: the warm engine server ended before flow run process {pid}; its exit status is unknown",
              file=sys.stderr, flush=True)
        sys.exit(1)
    end_like(int(ended["exit"]))


if __name__ == "__main__":
    main()
