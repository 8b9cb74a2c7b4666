"""A real local Prefect server under the project's state directory, started and stopped by us.

Why this exists: Prefect's ephemeral server never schedules runs, so the nightly
schedule needs a real `prefect server start`. Running it ourselves keeps its
logs under `<state>/prefect`, turns analytics off, binds to loopback only, and
guarantees the process is stopped again (a process group we own, never a
name-based kill). The scheduling server's database is PostgreSQL
(`database_url`: on the local stack the `prefect` database that `portal/stack
env` names); SQLite (`database_url=None`, a file under its home) is only for
the API a single `oppnadata run` starts for itself and the tests' ephemeral runs.

`use_project_prefect_home` must run before `prefect` is imported, because Prefect
reads PREFECT_HOME once at import time; the CLI entry points call it first.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping, MutableMapping
from urllib.parse import urlsplit, urlunsplit

from ..config import Settings

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 4200


def prefect_home(settings: Settings) -> Path:
    return settings.state_dir / "prefect"


def use_project_prefect_home(settings: Settings, env: MutableMapping[str, str] | None = None) -> Path:
    """Point PREFECT_HOME at `<state>/prefect` unless the user chose one; returns the home in use.

    Also switches Prefect's server analytics off unless the user decided otherwise.
    """
    env = os.environ if env is None else env
    env.setdefault("PREFECT_HOME", str(prefect_home(settings)))
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    home = Path(env["PREFECT_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    return home


def free_port() -> int:
    """A free TCP port on loopback (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class PrefectServerError(RuntimeError):
    """The local Prefect server did not start; the message points at its log file."""


def database_url_from(env: Mapping[str, str] | None = None) -> str:
    """Prefect's PostgreSQL database from PREFECT_SERVER_DATABASE_CONNECTION_URL; PrefectServerError if not PostgreSQL."""
    url = (os.environ if env is None else env).get("PREFECT_SERVER_DATABASE_CONNECTION_URL", "").strip()
    if not url.startswith("postgresql"):
        raise PrefectServerError(
            "the Prefect server needs its PostgreSQL database: set PREFECT_SERVER_DATABASE_CONNECTION_URL="
            "postgresql+asyncpg://USER:PASSWORD@HOST:PORT/DATABASE (`portal/stack env` prints the local stack's)"
        )
    return url


def redacted(url: str) -> str:
    """A database URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class LocalPrefectServer:
    """`prefect server start` on loopback with its PostgreSQL database (or SQLite in `home`); a context manager.

    Example:
        with LocalPrefectServer(home, database_url=database_url_from(), port=free_port()) as server:
            os.environ["PREFECT_API_URL"] = server.api_url
    """

    def __init__(self, home: Path, *, database_url: str | None, port: int = DEFAULT_PORT, ui: bool = True,
                 services: bool = True, startup_timeout: float = 240.0):
        # The first start migrates an empty PostgreSQL database: minutes on a busy machine.
        if database_url is not None and not database_url.startswith("postgresql"):
            raise PrefectServerError(f"not a PostgreSQL database URL: {redacted(database_url)}")
        self.home = Path(home)
        # None: SQLite under `home`, for the API a single `oppnadata run` starts for itself alone.
        self.database_url = database_url or f"sqlite+aiosqlite:///{self.home / 'prefect.db'}"
        self.port = port
        self.ui = ui
        self.services = services  # False: the API alone (`--no-services`), all a single run needs
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/api"

    @property
    def ui_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def database(self) -> str:
        """The database URL without its password."""
        return redacted(self.database_url)

    @property
    def log_path(self) -> Path:
        return self.home / "server.log"

    def server_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env.pop("PREFECT_API_URL", None)  # the server must not talk to another server
        env.update(
            PREFECT_HOME=str(self.home),
            PREFECT_SERVER_DATABASE_CONNECTION_URL=self.database_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_SERVER_API_HOST=LOOPBACK,
            PREFECT_SERVER_API_PORT=str(self.port),
            PREFECT_SERVER_UI_ENABLED="true" if self.ui else "false",
        )
        return env

    def start(self) -> "LocalPrefectServer":
        return self.launch().wait_until_healthy()

    def launch(self) -> "LocalPrefectServer":
        """Start the server process and return at once (`wait_until_healthy` waits for its API).

        Why apart: starting the server takes as long as importing Prefect does;
        a caller that launches it first can import while it starts.
        """
        if is_healthy(self.api_url, timeout=0.5):
            raise PrefectServerError(f"port {self.port} already serves a Prefect API; stop it or pick another port")
        self.home.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", LOOPBACK, "--port", str(self.port)]
        try:
            self.process = subprocess.Popen(
                command + ([] if self.services else ["--no-services"]),
                env=self.server_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stop() ends it and its children only
            )
        finally:
            log.close()
        return self

    def wait_until_healthy(self) -> "LocalPrefectServer":
        if self.process is None:
            raise PrefectServerError("the Prefect server was not launched")
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PrefectServerError(
                    f"prefect server exited with code {self.process.returncode}; see {self.log_path}"
                )
            if is_healthy(self.api_url, timeout=1.0):
                return self
            time.sleep(0.3)
        self.stop()
        raise PrefectServerError(f"prefect server did not answer within {self.startup_timeout:.0f} s; see {self.log_path}")

    def stop(self, grace: float = 15.0) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after `grace` seconds."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=5)

    def __enter__(self) -> "LocalPrefectServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
