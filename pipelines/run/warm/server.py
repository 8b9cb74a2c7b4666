"""The warm engine server: Prefect and the batch flow imported once per worker, a forked process per flow run.

Started by `oppnadata worker` beside its Prefect process worker and ended
with it. It imports what `python -m prefect.engine` and the batch flow need
(`PRELOAD`), then waits on a Unix socket that only its user can open. For
each flow run the worker starts, the client (`client.py`) sends the run's
environment, working directory, arguments and standard streams; the server
forks, and the child takes them over and runs Prefect's engine as
`python -m prefect.engine` would, with Prefect's settings read again from
that environment. The server reports each child's exit status to its client.

Why fork from this process is safe: it runs one thread and no event loop
(checked after the imports, Python and native threads alike, since polars
and others start thread pools of their own), and keeps nothing open but its
socket and its clients' connections, which a child closes first.

Code changes: the server forks only for a client that sees the same code
(`code_fingerprint`) as it loaded. Any other request is refused (the client
starts cold) and the server replaces itself with a fresh one as soon as no
child of it runs, which loads the code anew.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import threading
import traceback
from pathlib import Path

from .client import ENGINE_MODULE, code_fingerprint, send_message

# What `python -m prefect.engine` imports before it runs a flow, and the batch flow's module. Not
# prefect.engine itself: a child runs it as __main__, as the cold command does.
PRELOAD = ("prefect._internal.control_listener", "prefect.exceptions", "prefect.logging.loggers",
           "prefect.flow_engine", "prefect._internal.metrics", "pipelines.run.batch")
POLL_SECONDS = 0.5
MAX_REQUEST_BYTES = 4 << 20


class WarmServerError(RuntimeError):
    """The server cannot fork safely or cannot listen."""


def _threads() -> int:
    """Threads of this process, native ones included where the system tells (Linux)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """One request: a JSON line and the client's three standard streams (closed again if the request is unusable)."""
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    while data and not data.endswith(b"\n") and len(data) < MAX_REQUEST_BYTES:
        more = conn.recv(1 << 16)
        if not more:
            break
        data += more
    try:
        if len(fds) != 3 or not data.endswith(b"\n"):
            raise WarmServerError("an incomplete request")
        request = json.loads(data)
        if not {"env", "cwd", "argv", "code"} <= set(request):
            raise WarmServerError("a request without env, cwd, argv and code")
    except (ValueError, WarmServerError):
        for fd in fds:
            os.close(fd)
        raise
    return request, fds


def _end_with_client(conn: socket.socket) -> None:
    """In a child: when the client ends (killed with its worker), so does the flow run's process."""
    try:
        while conn.recv(1024):
            pass
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def _run_engine(conn: socket.socket, fds: list[int], request: dict, inherited: list) -> None:
    """In a child: become the flow run's process and run Prefect's engine; never returns."""
    status = 1
    try:
        for item in inherited:
            item.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [ENGINE_MODULE, *request["argv"]]
        sys.modules.pop(ENGINE_MODULE, None)  # run as __main__ from its source, as `python -m` does
        threading.Thread(target=_end_with_client, args=(conn,), name="warm-client", daemon=True).start()

        from prefect.context import SettingsContext, get_settings_context
        from prefect.settings import Settings

        with SettingsContext(profile=get_settings_context().profile, settings=Settings()):
            runpy.run_module(ENGINE_MODULE, run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(status)


class WarmServer:
    def __init__(self, socket_path: Path):
        self.socket_path = socket_path
        self.code = code_fingerprint()
        self.children: dict[int, socket.socket] = {}
        self.stale = False
        self.listener: socket.socket | None = None
        self.selector: selectors.BaseSelector | None = None

    def load(self) -> None:
        for module in PRELOAD:
            importlib.import_module(module)
        if _threads() != 1:
            raise WarmServerError(f"loading {', '.join(PRELOAD)} started {_threads() - 1} thread(s): forking is not safe")

    def listen(self) -> None:
        try:
            self.socket_path.unlink()
        except FileNotFoundError:
            pass
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self.listener.bind(str(self.socket_path))
        finally:
            os.umask(old)
        self.listener.listen(64)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)

    def serve(self, parent: int) -> None:
        """Answer clients until the worker that started this server is gone, or the code changed and no child runs."""
        while os.getppid() == parent:
            for _key, _events in self.selector.select(POLL_SECONDS):
                self._accept()
            self._reap()
            if self.stale and not self.children:
                return

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError, WarmServerError) as exc:
            print(f"warm engine server: refused a request: {exc}", file=sys.stderr, flush=True)
            conn.close()
            return
        if request.get("code") != self.code:
            self.stale = True
            for fd in fds:
                os.close(fd)
            self._reply(conn, {"refused": "the code changed since this worker's warm server loaded it; it reloads"})
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _run_engine(conn, fds, request, [self.selector, self.listener, *self.children.values()])
        for fd in fds:
            os.close(fd)
        run_id = request["env"].get("PREFECT__FLOW_RUN_ID", "?")
        print(f"warm engine server: flow run {run_id} started warm in process {pid}", file=sys.stderr, flush=True)
        if self._reply(conn, {"pid": pid}):
            self.children[pid] = conn
        else:
            conn.close()  # the child sees its client gone and stops

    def _reply(self, conn: socket.socket, message: dict) -> bool:
        try:
            send_message(conn, message)
            return True
        except OSError:
            return False

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                self._reply(conn, {"exit": os.waitstatus_to_exitcode(status)})
                conn.close()

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
        try:
            self.socket_path.unlink()
        except FileNotFoundError:
            pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", type=Path, required=True, help="the Unix socket to listen on")
    parser.add_argument("--ready-fd", type=int, help="a pipe to write 'ready' to once listening (then closed)")
    parser.add_argument("--parent", type=int, help="serve while this process lives (default: the parent)")
    args = parser.parse_args(argv)
    parent = args.parent or os.getppid()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = WarmServer(args.socket)
    try:
        server.load()
        server.listen()
        if args.ready_fd is not None:
            os.write(args.ready_fd, b"ready\n")
            os.close(args.ready_fd)
        server.serve(parent)
    except WarmServerError as exc:
        print(f"warm engine server: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)
    finally:
        server.close()
    if server.stale and os.getppid() == parent:
        print("warm engine server: the code changed; loading it again", file=sys.stderr, flush=True)
        os.execv(sys.executable, [sys.executable, "-m", __spec__.name, "--socket", str(args.socket), "--parent", str(parent)])


if __name__ == "__main__":
    main()
