"""portal/stack itself: lifecycle and bad input, on SECOND stacks in temporary state directories.

The shared portal (ckan_portal) is never stopped here: each test points PORTAL_STATE_DIR at its own
directory, picks free ports, and reuses the shared portal's virtualenv (PORTAL_VENV) so nothing is
reinstalled.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from ckanapi import RemoteCKAN

from tests.plugins.portal import ROOT, STACK

pytestmark = pytest.mark.ckan


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shared_venv() -> str:
    if os.environ.get("PORTAL_VENV"):
        return os.environ["PORTAL_VENV"]
    return str(Path(os.environ.get("PORTAL_STATE_DIR", ROOT / ".portal")) / "venv")


class SecondStack:
    def __init__(self, ckan_portal):
        # /tmp/pytest-of-root is 0700, which the postgres user cannot enter: use a 0755 dir of our own.
        self.state = Path(tempfile.mkdtemp(prefix="portal-test-", dir="/tmp"))
        self.state.chmod(0o755)
        self.ports = {"PORTAL_CKAN_PORT": _free_port(), "PORTAL_PG_PORT": _free_port(), "PORTAL_REDIS_PORT": _free_port()}
        self.env = {**os.environ, "PORTAL_STATE_DIR": str(self.state), "PORTAL_VENV": _shared_venv(),
                    "PORTAL_WORKERS": "1", **{k: str(v) for k, v in self.ports.items()}}
        self.url = f"http://127.0.0.1:{self.ports['PORTAL_CKAN_PORT']}"

    def run(self, *args: str, env: dict | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
        return subprocess.run([str(STACK), *args], capture_output=True, text=True, cwd=ROOT,
                              env=env or self.env, timeout=timeout)

    def token(self) -> str:
        out = self.run("env")
        assert out.returncode == 0, out.stderr
        return dict(line.split("=", 1) for line in out.stdout.splitlines())["CKAN_API_TOKEN"]

    def destroy(self) -> None:
        self.run("down")
        shutil.rmtree(self.state, ignore_errors=True)


@pytest.fixture
def second_stack(ckan_portal):
    stack = SecondStack(ckan_portal)
    yield stack
    stack.destroy()


def _pid(path: Path) -> int:
    return int(path.read_text().split()[0])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_up_twice_status_down_and_up_again_keeps_the_data(second_stack, unique_name):
    stack = second_stack
    t0 = time.monotonic()
    first = stack.run("up")
    cold = time.monotonic() - t0
    assert first.returncode == 0, first.stderr
    assert f"running at {stack.url}" in first.stderr

    t0 = time.monotonic()
    again = stack.run("up")
    warm = time.monotonic() - t0
    assert again.returncode == 0, again.stderr
    assert warm < 2.0, f"up on a running stack took {warm:.2f} s"
    print(f"second stack: cold up (venv reused) {cold:.1f} s, up when running {warm:.2f} s")

    status = stack.run("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count(" running ") == 4 and stack.url in status.stdout  # PostgreSQL, Redis, CKAN, job worker
    token_file = stack.state / "secrets" / "api-token"
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"

    old_ckan, old_jobs = _pid(stack.state / "run" / "ckan.pid"), _pid(stack.state / "run" / "jobs.pid")
    restarted = stack.run("restart")  # CKAN and its job worker: how edits to ckanext-kalmar are picked up
    assert restarted.returncode == 0, restarted.stderr
    assert _pid(stack.state / "run" / "ckan.pid") != old_ckan and not _alive(old_ckan)
    assert _pid(stack.state / "run" / "jobs.pid") != old_jobs and not _alive(old_jobs)

    api = RemoteCKAN(stack.url, apikey=stack.token())
    assert api.action.status_show()["ckan_version"] == "2.12.0"
    org = api.action.organization_create(name=unique_name("org"), title="Borgholms kommun")["name"]
    api.action.package_create(name=unique_name("kvar"), title="Kvarnar på Öland", owner_org=org)
    pids = [_pid(stack.state / "run" / "ckan.pid"), _pid(stack.state / "run" / "redis.pid"),
            _pid(stack.state / "pg" / "postmaster.pid"), _pid(stack.state / "run" / "jobs.pid")]

    down = stack.run("down")
    assert down.returncode == 0, down.stderr
    assert not any(_alive(p) for p in pids)
    stopped = stack.run("status")
    assert stopped.returncode == 3 and stopped.stdout.count("stopped") == 4

    # A foreign program on CKAN's port: up names the port and the variable, and starts no CKAN.
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # CKAN's old socket may be in TIME_WAIT
        squatter.bind(("127.0.0.1", stack.ports["PORTAL_CKAN_PORT"]))
        squatter.listen()
        blocked = stack.run("up")
    assert blocked.returncode != 0
    assert f"port {stack.ports['PORTAL_CKAN_PORT']}" in blocked.stderr and "PORTAL_CKAN_PORT" in blocked.stderr
    assert not (stack.state / "run" / "ckan.pid").exists()

    back = stack.run("up")
    assert back.returncode == 0, back.stderr
    api = RemoteCKAN(stack.url, apikey=stack.token())
    kept = api.action.package_search(q="kvarnar", fq=f"organization:{org}")
    assert [d["title"] for d in kept["results"]] == ["Kvarnar på Öland"]


def test_port_in_use_names_the_port_and_the_variable(second_stack):
    stack = second_stack
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", stack.ports["PORTAL_PG_PORT"]))
        squatter.listen()
        result = stack.run("up")

    assert result.returncode != 0
    port = stack.ports["PORTAL_PG_PORT"]
    assert f"port {port} (for PostgreSQL) is already in use" in result.stderr
    assert f"PORTAL_PG_PORT={port + 1}" in result.stderr
    assert not (stack.state / "pg" / "postmaster.pid").exists()


def test_stale_pid_files_are_detected_and_cleaned_without_killing_anyone(second_stack):
    stack = second_stack
    run = stack.state / "run"
    run.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    bystander = subprocess.Popen(["sleep", "60"])  # a live process that is not ours to stop
    try:
        (run / "redis.pid").write_text(f"{dead.pid}\n")
        (run / "ckan.pid").write_text(f"{bystander.pid}\n")

        status = stack.run("status")
        down = stack.run("down")

        assert status.returncode == 3
        assert f"stale PID file {run / 'redis.pid'}" in status.stderr
        assert f"stale PID file {run / 'ckan.pid'}" in status.stderr
        assert not (run / "redis.pid").exists() and not (run / "ckan.pid").exists()
        assert down.returncode == 0
        assert bystander.poll() is None, "down must not stop a process it did not start"
    finally:
        bystander.kill()
        bystander.wait()


def test_state_dir_of_another_postgresql_version_is_refused_and_kept(second_stack):
    stack = second_stack
    pg = stack.state / "pg"
    pg.mkdir()
    (pg / "PG_VERSION").write_text("13\n")
    (pg / "base").mkdir()
    (pg / "base" / "precious").write_text("data")

    result = stack.run("up")

    assert result.returncode != 0
    assert "PostgreSQL 13 cluster" in result.stderr and "PostgreSQL 15" in result.stderr
    assert "Nothing was deleted" in result.stderr
    assert (pg / "base" / "precious").read_text() == "data"
    assert (pg / "PG_VERSION").read_text() == "13\n"


def test_env_before_up_says_what_to_do(second_stack):
    result = second_stack.run("env")

    assert result.returncode != 0 and result.stdout == ""
    assert "run portal/stack up first" in result.stderr


def test_missing_system_packages_without_root_print_the_apt_line(second_stack, tmp_path):
    """A non-root user on a machine without the packages gets the exact apt-get line and exit 1.

    The package database is simulated by a `dpkg-query` earlier on PATH that reports nothing installed.
    """
    if os.geteuid() != 0:
        pytest.skip("needs root to run the script as an unprivileged user")  # the normal CI runs as root
    fake_bin = Path(tempfile.mkdtemp(prefix="fake-dpkg-", dir="/tmp"))
    fake_bin.chmod(0o755)
    (fake_bin / "dpkg-query").write_text("#!/bin/sh\nexit 1\n")
    (fake_bin / "dpkg-query").chmod(0o755)
    second_stack.state.chmod(0o777)
    env = {**second_stack.env, "PATH": f"{fake_bin}:{os.environ['PATH']}"}
    try:
        result = subprocess.run(
            ["runuser", "-u", "nobody", "--", "env", *[f"{k}={v}" for k, v in env.items() if k.startswith(("PORTAL_", "PATH"))],
             str(STACK), "up"],
            capture_output=True, text=True, cwd="/tmp", timeout=60,
        )
    finally:
        shutil.rmtree(fake_bin, ignore_errors=True)

    assert result.returncode == 1, result.stderr
    assert ("apt-get install -y postgresql-15 redis-server libpq-dev gcc python3-dev python3-venv") in result.stderr


def test_reset_stops_and_deletes_the_state_directory(second_stack):
    stack = second_stack
    (stack.state / "run").mkdir()
    (stack.state / "run" / "redis.pid").write_text("999999999\n")
    (stack.state / "storage").mkdir()
    (stack.state / "storage" / "file.csv").write_text("a,b\n")

    result = stack.run("reset")

    assert result.returncode == 0, result.stderr
    assert not stack.state.exists()
