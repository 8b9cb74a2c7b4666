"""One night at a time, one process per dataset: the run locks against the portal cluster's PostgreSQL.

The locks are PostgreSQL advisory locks (pipelines.run.lock). Checked here:
who holds them is named in the refusal; datasets lock one by one; waiting
works; a holder that is killed frees them at once; and real `oppnadata run`
processes: while one runs the night, a second night and a run of one of its
datasets (after waiting 5 s) exit 75 with the reason and fetch nothing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest

from pipelines.config import load_settings
from pipelines.run import RunLocked, run_lock

from .project import VALID_CSV
from .servers import BIN, child_env, spawn, stop, wait_for

pytestmark = pytest.mark.ckan


@pytest.fixture
def lock_settings(ckan_portal):
    return load_settings({"OPPNADATA_LOCK_DATABASE_URL": ckan_portal.prefect_database_url})


def test_the_second_night_is_refused_naming_the_first_and_datasets_lock_one_by_one(lock_settings, unique_name):
    x, y, z = unique_name("x"), unique_name("y"), unique_name("z")
    with run_lock(lock_settings, [x, y], whole_night=True, holder="run first-night") as held:
        assert held is True
        with pytest.raises(RunLocked) as refused:
            with run_lock(lock_settings, [x, y], whole_night=True, holder="run second-night"):
                pytest.fail("a second night ran beside the first")
        text = str(refused.value)
        assert "another run is processing the nightly run" in text and "'oppnadata run first-night on " in text
        assert " since 20" in text and "--wait" in text
        with pytest.raises(RunLocked, match=f"dataset {y}"):
            with run_lock(lock_settings, [y], whole_night=False, holder="run -d y"):
                pytest.fail("a dataset ran in two processes at once")
        with run_lock(lock_settings, [z], whole_night=False, holder="run -d z") as other:
            assert other is True  # a dataset the night does not hold is free
    with run_lock(lock_settings, [y], whole_night=True, holder="run later") as held:
        assert held is True  # released when the first run's block ended


def test_a_run_that_waits_starts_when_the_holder_is_done(lock_settings, unique_name):
    dataset = unique_name("w")
    release = threading.Event()

    def holder():
        with run_lock(lock_settings, [dataset], whole_night=False, holder="run holder"):
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    time.sleep(1.0)
    threading.Timer(2.0, release.set).start()
    started = time.monotonic()
    with run_lock(lock_settings, [dataset], whole_night=False, holder="run waiter", wait_seconds=30) as held:
        waited = time.monotonic() - started
    thread.join()
    assert held is True and 1.0 <= waited < 15


def test_a_killed_holder_leaves_no_lock_behind(lock_settings, ckan_portal, unique_name, tmp_path):
    dataset = unique_name("k")
    script = (
        "import sys, time\n"
        "from pipelines.config import load_settings\n"
        "from pipelines.run import run_lock\n"
        f"settings = load_settings({{'OPPNADATA_LOCK_DATABASE_URL': {ckan_portal.prefect_database_url!r}}})\n"
        f"with run_lock(settings, [{dataset!r}], whole_night=False, holder='run doomed'):\n"
        "    print('held', flush=True); time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match="'oppnadata run doomed on "):
            with run_lock(lock_settings, [dataset], whole_night=False, holder="run next"):
                pass
    finally:
        stop(holder, signal.SIGKILL)
    with run_lock(lock_settings, [dataset], whole_night=False, holder="run next", wait_seconds=10) as held:
        assert held is True


def test_without_a_lock_database_the_run_says_it_is_not_guarded(caplog, unique_name):
    with run_lock(load_settings({}), [unique_name("u")], whole_night=True, holder="run unguarded") as held:
        assert held is False
    assert "not guarded against a concurrent one" in caplog.text


@pytest.mark.prefect
def test_while_a_night_runs_another_night_and_a_run_of_one_of_its_datasets_exit_with_the_reason(
    flow_project, fixture_server, unique_name, ckan_portal, tmp_path
):
    import os

    from prefect.settings import PREFECT_API_URL

    from tests.plugins.fixture_server import Reply

    # The first run's source takes 40 s to answer (under the HTTP layer's 60-s read timeout): the first run
    # holds its locks that long.
    slow = f"/lock/{unique_name.token}/slow.csv"
    fixture_server.script(slow, [Reply(body=VALID_CSV, content_type="text/csv", delay=40.0)])
    dataset = unique_name("slow")
    flow_project.add_http(dataset, fixture_server.url(slow))
    flow_project.write()
    env = child_env(**{k: v for k, v in os.environ.items() if k.startswith(("OPPNADATA_", "CKAN_"))},
                    PREFECT_API_URL=PREFECT_API_URL.value())  # the session's Prefect server
    run = [str(BIN / "oppnadata"), "run", "--retries", "0"]
    first = spawn(run, env, tmp_path / "first.log")
    others = {}
    try:
        wait_for(lambda: fixture_server.count(slow) >= 1, timeout=180, what="the first run to ask for its source")
        others = {"night": spawn(run, env, tmp_path / "night.log"),
                  "dataset": spawn([*run, "-d", dataset, "--wait", "5"], env, tmp_path / "dataset.log")}
        codes = {name: process.wait(timeout=180) for name, process in others.items()}
        assert first.poll() is None, "the first run ended before the others asked: the machine is too slow for 40 s"
        logs = {name: (tmp_path / f"{name}.log").read_text(errors="replace") for name in others}
        assert codes == {"night": 75, "dataset": 75}, logs
        assert "not started: another run is processing the nightly run: held by 'oppnadata run " in logs["night"]
        assert f"not started: another run is processing dataset {dataset} after waiting 5 s" in logs["dataset"]
        assert "--wait" in logs["night"]
        assert first.wait(timeout=180) == 0, (tmp_path / "first.log").read_text(errors="replace")[-3000:]
    finally:
        for process in [first, *others.values()]:
            stop(process)
    assert fixture_server.count(slow) == 1  # the refused runs fetched nothing
