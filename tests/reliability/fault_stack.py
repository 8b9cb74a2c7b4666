"""A second portal stack that scenarios may break: kill CKAN's gunicorn or job worker, restart PostgreSQL.

Why a second stack: teammates' tests use the shared portal on 127.0.0.1:5050 at
the same time; killing it would fail their runs. This stack lives in its own
state directory under /tmp (the postgres user must be able to enter it), on
free ports, and reuses the shared portal's virtualenv so nothing is installed.
Only processes named in this stack's own PID files are ever signalled.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.plugins.portal import ROOT, STACK

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_venv() -> str:
    if os.environ.get("PORTAL_VENV"):
        return os.environ["PORTAL_VENV"]
    return str(Path(os.environ.get("PORTAL_STATE_DIR", ROOT / ".portal")) / "venv")


class FaultStack:
    def __init__(self) -> None:
        self.state = Path(tempfile.mkdtemp(prefix="portal-reliability-", dir="/tmp"))
        self.state.chmod(0o755)
        self.port = free_port()
        self.env = {**os.environ, "PORTAL_STATE_DIR": str(self.state), "PORTAL_VENV": shared_venv(),
                    "PORTAL_WORKERS": "1", "PORTAL_CKAN_PORT": str(self.port),
                    "PORTAL_PG_PORT": str(free_port()), "PORTAL_REDIS_PORT": str(free_port())}
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ""

    # ---- lifecycle ---------------------------------------------------------------------------

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(STACK), *args], capture_output=True, text=True, cwd=ROOT, env=self.env, timeout=timeout)

    def up(self) -> None:
        """Start (or restart what is missing); idempotent."""
        done = self.run("up")
        if done.returncode != 0:
            raise RuntimeError(f"second stack did not start: {done.stderr[-2000:]}")
        if not self.token:
            env = dict(line.split("=", 1) for line in self.run("env").stdout.splitlines())
            self.token = env["CKAN_API_TOKEN"].strip("'\"")

    def destroy(self) -> None:
        self.run("down", timeout=120)
        shutil.rmtree(self.state, ignore_errors=True)

    # ---- faults ------------------------------------------------------------------------------

    def ckan_pids(self) -> list[int]:
        """gunicorn's master (from this stack's PID file) and its workers."""
        pid_file = self.state / "run" / "ckan.pid"
        if not pid_file.exists():
            return []
        master = int(pid_file.read_text().split()[0])
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                workers.append(int(stat.parent.name))
        return [master, *workers]

    def kill_ckan(self) -> None:
        """SIGKILL CKAN's web server (master and workers): a crash, not a clean stop."""
        pids = self.ckan_pids()
        assert pids, "CKAN of the second stack is not running"
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() and "Z" not in _state(p) for p in pids):
            time.sleep(0.05)

    def kill_jobs_worker(self) -> None:
        """SIGKILL CKAN's job worker and the work horse it forked for the running job: a crash mid-job."""
        pid_file = self.state / "run" / "jobs.pid"
        assert pid_file.exists(), "the job worker of the second stack is not running"
        worker = int(pid_file.read_text().split()[0])
        pids = [worker] + [int(c) for c in Path(f"/proc/{worker}/task/{worker}/children").read_text().split()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() and "Z" not in _state(p) for p in pids):
            time.sleep(0.05)

    def restart_postgres(self) -> None:
        """`pg_ctl restart -m fast`: every open connection is cut, the server comes back with the same options."""
        # -l and no pipes: the new postmaster inherits pg_ctl's stdout, and a pipe would never reach EOF.
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.state / "pg"),
                        "-l", str(self.state / "logs" / "postgresql.log"), "-m", "fast", "-w", "-t", "60", "restart"],
                       check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=90)

    def start_ckan_with(self, setting: str, value: str) -> None:
        """Restart CKAN with one ckan.ini setting changed (a copy of the rendered ini; `up()` restores the normal one)."""
        ini = self.state / "ckan.ini"
        lines = [f"{setting} = {value}" if line.split("=", 1)[0].strip() == setting else line
                 for line in ini.read_text().splitlines()]
        changed = self.state / "ckan-changed.ini"
        changed.write_text("\n".join(lines) + "\n")
        changed.chmod(0o600)
        self.kill_ckan()
        (self.state / "run" / "ckan.pid").unlink(missing_ok=True)
        venv = Path(self.env["PORTAL_VENV"])
        subprocess.run(
            [str(venv / "bin" / "gunicorn"), "--no-control-socket", "--daemon", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "300", "--pid", str(self.state / "run" / "ckan.pid"),
             "--pythonpath", str(ROOT / "portal"), "--error-logfile", str(self.state / "logs" / "ckan.log"),
             "wsgi:application"],
            env={**self.env, "CKAN_INI": str(changed)}, check=True, cwd=ROOT, timeout=60,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not self.ckan_answers():
            time.sleep(0.25)
        assert self.ckan_answers(), "CKAN did not come back with the changed setting"

    def ckan_answers(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.url}/api/3/action/status_show", timeout=2).ok
        except requests.RequestException:
            return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
