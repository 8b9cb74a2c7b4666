"""The run's log file: where everything the libraries say during a run goes, so the terminal shows only the run.

Why at the file-descriptor level: the noise of a run comes from many places
that each write to stderr on their own: Prefect's log handlers (task
tracebacks, "Timeout … worker thread" warnings), Python's warnings, the
threads of Prefect's background services, and the temporary Prefect API
server, a child process that inherits stderr and prints its shutdown errors
there. Pointing descriptor 2 at the log file for the length of the run
catches all of them; the progress bar and the summary go to stdout. The
pipeline's own INFO lines (every request, every retry) are written there
too, so the file is the place to look when the summary is not enough.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from ..config import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def run_log_path(settings: Settings) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return settings.state_dir / "logs" / f"run-{stamp}-{os.getpid()}.log"


def quiet_library_settings(env: dict[str, str] | os._Environ = os.environ) -> None:
    """Prefect settings for a run whose library output goes to a file (set only where the user did not)."""
    env.setdefault("PREFECT_LOGGING_COLORS", "false")
    env.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO")  # into the file, not onto the terminal
    # A loaded machine starts the temporary API server slowly (measured: 60-100 s at load 8 on 2 cores);
    # Prefect's 20 s default then fails the whole run before any dataset is looked at.
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "240")


@contextmanager
def stderr_to_log(path: Path) -> Iterator[Path]:
    """Send descriptor 2 (and the pipeline's loggers) to `path` until the block ends; restored afterwards."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    log = open(path, "ab", buffering=0)
    saved = os.dup(2)
    handler = logging.StreamHandler(open(path, "a", encoding="utf-8", buffering=1))
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    ours = logging.getLogger("pipelines")
    old_level, old_propagate = ours.level, ours.propagate
    try:
        os.dup2(log.fileno(), 2)
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False
        yield path
    finally:
        ours.removeHandler(handler)
        ours.setLevel(old_level)
        ours.propagate = old_propagate
        handler.stream.close()
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        log.close()


def finish_library_work(timeout: float = 15.0) -> None:
    """Let Prefect finish what it does in the background, while its output still goes to the log.

    Prefect flushes its log and event queues and stops the temporary API
    server at interpreter exit, after the log was closed: their errors (a
    server already gone, a queue that cannot flush) reached the terminal
    there. Done here instead, they land in the log; at exit nothing is left.
    """
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        try:
            service.drain_all(timeout=timeout, at_exit=False)
        except Exception:  # a queue that cannot flush must not fail a finished run
            logging.getLogger(__name__).exception("draining %s", service.__name__)
    from prefect.settings import PREFECT_API_URL

    module = sys.modules.get("prefect.server.api.server")
    if module is not None and not PREFECT_API_URL.value():  # a server someone else runs is left alone
        for server in list(getattr(module.SubprocessASGIServer, "_instances", {}).values()):
            server.stop()
