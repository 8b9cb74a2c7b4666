"""Warm starts of a worker's flow runs (`pipelines.run.warm`), process against process, no Prefect server needed.

The client is started as a process worker starts a flow run's command; the
server is the real one `oppnadata worker` starts. A flow run id no server
knows makes Prefect's engine fail in a way that shows which settings it
read: with the client's PREFECT_API_URL (a closed port) it cannot connect.
The whole path, with real flow runs on real workers, is tests/run/test_workers.py.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from pipelines.run.warm import client_command, start_warm_server
from pipelines.run.warm.client import SOCKET_ENV, code_fingerprint, read_message, send_message

from pipelines.run import free_port

from .servers import child_env, wait_for

STARTED = re.compile(r"flow run (\S+) started warm in process (\d+)")


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    log = tmp_path_factory.mktemp("warm") / "server.log"
    server = start_warm_server(log=log)
    yield server, log
    server.process.terminate()
    server.process.wait(timeout=30)
    assert not Path(server.env[SOCKET_ENV]).exists(), "the server removes its socket when it stops"


def engine_env(**extra: str) -> dict[str, str]:
    """A flow run's environment whose Prefect server is a closed port, tried once."""
    return child_env(PREFECT__FLOW_RUN_ID=str(uuid.uuid4()), PREFECT_API_URL=f"http://127.0.0.1:{free_port()}/api",
                     PREFECT_CLIENT_MAX_RETRIES="0", **extra)


def warm_starts(log: Path) -> dict[str, int]:
    return {run_id: int(pid) for run_id, pid in STARTED.findall(log.read_text(errors="replace"))}


def test_a_flow_run_forks_warm_with_its_own_environment_streams_and_exit_status(warm, tmp_path):
    server, log = warm
    env = engine_env(**server.env)
    t = time.monotonic()
    done = subprocess.run(client_command(), env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - t
    assert env["PREFECT__FLOW_RUN_ID"] in warm_starts(log), log.read_text()
    assert done.returncode == 1  # the engine's own exit status for a run it could not load
    assert "ConnectError" in done.stderr, done.stderr[-2000:]  # the client's PREFECT_API_URL, on the client's stream
    assert "no warm start" not in done.stderr
    print(f"\nwarm start to the engine's end: {seconds:.2f} s")


def test_without_a_warm_server_the_client_becomes_prefects_engine(tmp_path):
    stock = subprocess.run(client_command(), env=engine_env(), capture_output=True, text=True, timeout=120)
    assert stock.returncode == 1 and "ConnectError" in stock.stderr, stock.stderr[-2000:]
    assert "no warm start" not in stock.stderr  # a stock worker expects none: nothing to say
    missing = tmp_path / "gone.sock"
    expected = subprocess.run(client_command(), env=engine_env(**{SOCKET_ENV: str(missing)}),
                              capture_output=True, text=True, timeout=120)
    assert expected.returncode == 1 and "ConnectError" in expected.stderr
    assert f"no warm start (the warm engine server at {missing} did not answer" in expected.stderr


def test_signals_reach_the_forked_process_and_it_ends_with_its_client(warm, tmp_path):
    server, log = warm
    listener = socket.socket()  # a Prefect server that accepts and never answers: the engine waits
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    api = f"http://127.0.0.1:{listener.getsockname()[1]}/api"
    try:
        clients = []
        for _ in range(2):
            env = child_env(**server.env, PREFECT__FLOW_RUN_ID=str(uuid.uuid4()), PREFECT_API_URL=api,
                            PREFECT_API_REQUEST_TIMEOUT="300")
            clients.append((subprocess.Popen(client_command(), env=env, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL), env["PREFECT__FLOW_RUN_ID"]))
        pids = [wait_for(lambda: warm_starts(log).get(run_id), timeout=60, what="the warm start") for _, run_id in clients]
        time.sleep(1)
        assert all(alive(pid) for pid in pids)
        stopped, killed = clients
        stopped[0].send_signal(signal.SIGTERM)  # what a worker does to cancel a run: passed on
        assert stopped[0].wait(timeout=60) == -signal.SIGTERM  # ended as the engine did: by the signal
        wait_for(lambda: not alive(pids[0]), timeout=30, what="the first forked process to end")
        killed[0].kill()  # a client that cannot pass anything on (its worker's machine died)
        killed[0].wait(timeout=30)
        wait_for(lambda: not alive(pids[1]), timeout=30, what="the second forked process to end with its client")
    finally:
        listener.close()


def test_a_client_seeing_other_code_is_refused_and_the_server_loads_it_again(warm, tmp_path):
    server, log = warm
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(server.env[SOCKET_ENV])
    with open(os.devnull, "rb") as null_in, open(os.devnull, "wb") as null_out:
        send_message(conn, {"env": {}, "cwd": str(tmp_path), "argv": [], "code": "other"},
                     [null_in.fileno(), null_out.fileno(), null_out.fileno()])
    answer = read_message(conn.makefile("rb"))
    conn.close()
    assert "code changed" in answer["refused"]
    wait_for(lambda: "loading it again" in log.read_text(), timeout=60, what="the server to reload")
    assert server.process.poll() is None  # the same process, replaced by a fresh server
    env = engine_env(**server.env)
    done = wait_for(lambda: (run := subprocess.run(client_command(), env=env, capture_output=True, text=True,
                                                   timeout=120)) and "no warm start" not in run.stderr and run,
                    timeout=120, interval=1.0, what="a warm start from the reloaded server")
    assert "ConnectError" in done.stderr and env["PREFECT__FLOW_RUN_ID"] in warm_starts(log)


def test_the_code_fingerprint_changes_with_any_module_or_the_lock(tmp_path):
    (tmp_path / "pipelines" / "run").mkdir(parents=True)
    module = tmp_path / "pipelines" / "run" / "batch.py"
    module.write_text("x = 1\n")
    (tmp_path / "uv.lock").write_text("lock\n")
    first = code_fingerprint(tmp_path)
    assert code_fingerprint(tmp_path) == first
    module.write_text("x = 22\n")
    second = code_fingerprint(tmp_path)
    assert second != first
    (tmp_path / "uv.lock").write_text("lock 2\n")
    assert code_fingerprint(tmp_path) != second


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has ended; only its parent has not asked yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
