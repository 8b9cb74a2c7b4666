"""Settings from the environment, read in one place.

Secrets (the CKAN API token, source API keys, the SMTP password, the run locks' database
URL) are only ever *referred to* by the
name of an environment variable; this module is the one place that reads them, and
`Secret` keeps their value out of ``repr``/``str`` so they cannot leak into logs,
reports or exception texts by accident.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The only variables a catalog entry may name with `api_key_env`: nothing else of the
# environment (the publisher's CKAN_API_TOKEN above all) is reachable from catalog.yaml.
SOURCE_KEY_PREFIX = "OPPNADATA_SOURCE_KEY_"
SOURCE_KEY_NAME = re.compile(r"OPPNADATA_SOURCE_KEY_[A-Z0-9_]+")
# A token or key goes into an HTTP header or a query string: visible ASCII only, no space, CR or LF.
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


class Secret:
    """A value that must never be printed. ``reveal()`` is the only way out."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server that tells stewards about their datasets (`pipelines.run.notify`).

    Only the password is secret; it is read here and leaves only through
    `Secret.reveal()` in the SMTP login.
    """

    host: str
    sender: str  # the From: address
    port: int = 587
    starttls: bool = True  # upgrade the connection with STARTTLS before anything is sent
    user: str = ""
    password: Secret = field(default_factory=lambda: Secret(""))
    ca_file: Path | None = None  # a CA bundle to trust besides the system's (a private mail server)
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline reads from the environment, with documented defaults."""

    project_root: Path = PROJECT_ROOT
    state_dir: Path = PROJECT_ROOT / ".state"
    ckan_url: str = "http://127.0.0.1:5050"
    ckan_api_token: Secret = field(default_factory=lambda: Secret(""))
    concurrency: int = 4
    dataset_timeout_seconds: float = 900.0
    withdrawal: str = "private"  # "private" or "delete"; never purge
    allow_private_hosts: bool = False
    keep_runs: int = 3  # nightly work folders kept under <state>/work
    source_keys: Mapping[str, Secret] = field(default_factory=lambda: MappingProxyType({}))  # OPPNADATA_SOURCE_KEY_*
    smtp: SmtpSettings | None = None  # None: no mail is sent (the run report says so)
    lock_database_url: Secret = field(default_factory=lambda: Secret(""))  # PostgreSQL of the run locks
    lock_wait_seconds: float = 0.0  # how long a run waits for another one to finish before giving up
    work_pool: str | None = None  # None: datasets run in this process; else fanned out to this work pool
    fanout_batch_size: int = 100  # datasets per flow run on a worker
    fanout_start_timeout_seconds: float = 600.0  # a batch no worker has started by then is given up
    worker_timeout_seconds: float = 600.0  # a batch silent (no heartbeat) that long lost its worker

    def secret_values(self) -> tuple[str, ...]:
        """Every secret value the settings hold, for redaction: the CKAN token, the source keys,
        the SMTP password and the run locks' database URL with the password inside it."""
        secrets = [self.ckan_api_token, *self.source_keys.values(), self.lock_database_url]
        if self.smtp is not None:
            secrets.append(self.smtp.password)
        values = [s.reveal() for s in secrets if s]
        lock_password = _url_password(self.lock_database_url.reveal())
        if lock_password:
            values.append(lock_password)
        return tuple(values)

    @property
    def catalog_path(self) -> Path:
        return self.project_root / "catalog.yaml"

    @property
    def reports_dir(self) -> Path:
        return self.state_dir / "reports"

    @property
    def work_dir(self) -> Path:
        return self.state_dir / "work"


def source_keys(env: Mapping[str, str]) -> dict[str, Secret]:
    """The source API keys in `env`: the OPPNADATA_SOURCE_KEY_* variables, and nothing else."""
    return {name: Secret(value) for name, value in env.items() if SOURCE_KEY_NAME.fullmatch(name) and value}


def unsafe_secret(name: str, value: str) -> str | None:
    """Why `value` cannot be sent in an HTTP header, in words that never repeat it; None when it can.

    Why check at start-up: requests refuses such a header with an error whose
    text holds the whole value, which would then travel into reports.
    """
    if not value or _HEADER_SAFE.fullmatch(value):
        return None
    position = next(i for i, ch in enumerate(value) if not _HEADER_SAFE.fullmatch(ch))
    ch = value[position]
    what = {"\r": "a carriage return", "\n": "a line break", " ": "a space", "\t": "a tab"}.get(
        ch, "a control character" if ord(ch) < 32 or ord(ch) == 127 else "a character outside visible ASCII")
    return (f"{name} holds {what} at position {position + 1} of {len(value)}; an API token or key is one run "
            f"of visible ASCII characters: copy it again without spaces or line breaks")


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: the process environment).

    Variables (all optional):
      OPPNADATA_ROOT            project root (catalog.yaml, schemas/, datasets/)
      OPPNADATA_STATE_DIR       state directory (default <root>/.state)
      CKAN_URL                  portal base URL (default http://127.0.0.1:5050)
      CKAN_API_TOKEN            API token of the publishing user (secret)
      OPPNADATA_CONCURRENCY     datasets processed at once (default 4)
      OPPNADATA_DATASET_TIMEOUT seconds one dataset may take (default 900)
      OPPNADATA_WITHDRAWAL      private | delete (default private)
      OPPNADATA_ALLOW_PRIVATE_HOSTS  allow sources on private/loopback hosts (default false)
      OPPNADATA_KEEP_RUNS       nightly work folders kept under <state>/work (default 3)
      OPPNADATA_SOURCE_KEY_*    API keys of sources, named by catalog entries' api_key_env (secret)
      OPPNADATA_SMTP_HOST       mail server for the stewards' notifications (unset: no mail)
      OPPNADATA_SMTP_PORT, OPPNADATA_SMTP_STARTTLS, OPPNADATA_SMTP_FROM, OPPNADATA_SMTP_USER,
      OPPNADATA_SMTP_PASSWORD (secret), OPPNADATA_SMTP_CA_FILE, OPPNADATA_SMTP_TIMEOUT
      OPPNADATA_LOCK_DATABASE_URL  PostgreSQL URL of the run locks (secret; default: Prefect's
                                PREFECT_SERVER_DATABASE_CONNECTION_URL when that is PostgreSQL)
      OPPNADATA_LOCK_WAIT       seconds a run waits for a running one (default 0: exit at once)
      OPPNADATA_WORK_POOL       fan the datasets out to this Prefect work pool (unset: in-process)
      OPPNADATA_FANOUT_BATCH_SIZE, OPPNADATA_FANOUT_START_TIMEOUT, OPPNADATA_WORKER_TIMEOUT

    Raises ValueError, naming the variable but never its value, when a token or
    key holds a character that cannot travel in an HTTP header.
    """
    env = os.environ if env is None else env
    root = Path(env.get("OPPNADATA_ROOT", PROJECT_ROOT)).resolve()
    state = Path(env.get("OPPNADATA_STATE_DIR", root / ".state")).resolve()
    withdrawal = env.get("OPPNADATA_WITHDRAWAL", "private")
    if withdrawal not in {"private", "delete"}:
        raise ValueError(
            f"OPPNADATA_WITHDRAWAL must be 'private' or 'delete', not {withdrawal!r}"
        )
    token = env.get("CKAN_API_TOKEN", "")
    keys = source_keys(env)
    for name, value in (("CKAN_API_TOKEN", token), *((n, k.reveal()) for n, k in sorted(keys.items()))):
        problem = unsafe_secret(name, value)
        if problem:
            raise ValueError(problem)
    return Settings(
        project_root=root,
        state_dir=state,
        ckan_url=env.get("CKAN_URL", "http://127.0.0.1:5050").rstrip("/"),
        ckan_api_token=Secret(token),
        concurrency=int(env.get("OPPNADATA_CONCURRENCY", "4")),
        dataset_timeout_seconds=float(env.get("OPPNADATA_DATASET_TIMEOUT", "900")),
        withdrawal=withdrawal,
        allow_private_hosts=_bool(env.get("OPPNADATA_ALLOW_PRIVATE_HOSTS", "false")),
        keep_runs=int(env.get("OPPNADATA_KEEP_RUNS", "3")),
        source_keys=MappingProxyType(keys),
        smtp=_smtp_settings(env),
        lock_database_url=Secret(_lock_database_url(env)),
        lock_wait_seconds=float(env.get("OPPNADATA_LOCK_WAIT", "0")),
        work_pool=env.get("OPPNADATA_WORK_POOL") or None,
        fanout_batch_size=_positive_int(env, "OPPNADATA_FANOUT_BATCH_SIZE", "100"),
        fanout_start_timeout_seconds=float(env.get("OPPNADATA_FANOUT_START_TIMEOUT", "600")),
        worker_timeout_seconds=float(env.get("OPPNADATA_WORKER_TIMEOUT", "600")),
    )


def _positive_int(env: Mapping[str, str], name: str, default: str) -> int:
    value = int(env.get(name, default))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def _smtp_settings(env: Mapping[str, str]) -> SmtpSettings | None:
    host = env.get("OPPNADATA_SMTP_HOST", "").strip()
    if not host:
        return None
    sender = env.get("OPPNADATA_SMTP_FROM", "").strip()
    if not sender:
        raise ValueError("OPPNADATA_SMTP_FROM must be set when OPPNADATA_SMTP_HOST is (the sender of the notifications)")
    ca_file = env.get("OPPNADATA_SMTP_CA_FILE", "").strip()
    return SmtpSettings(
        host=host,
        sender=sender,
        port=int(env.get("OPPNADATA_SMTP_PORT", "587")),
        starttls=_bool(env.get("OPPNADATA_SMTP_STARTTLS", "true")),
        user=env.get("OPPNADATA_SMTP_USER", ""),
        password=Secret(env.get("OPPNADATA_SMTP_PASSWORD", "")),
        ca_file=Path(ca_file) if ca_file else None,
        timeout_seconds=float(env.get("OPPNADATA_SMTP_TIMEOUT", "30")),
    )


def _url_password(url: str) -> str:
    """The password inside a database URL ('' when there is none), so it is redacted on its own too."""
    try:
        return unquote(urlsplit(url).password or "")
    except ValueError:
        return ""


def _lock_database_url(env: Mapping[str, str]) -> str:
    """The run locks' PostgreSQL: its own setting, else the database of Prefect's server when that is PostgreSQL."""
    url = env.get("OPPNADATA_LOCK_DATABASE_URL", "").strip()
    if url:
        return url
    prefect = env.get("PREFECT_SERVER_DATABASE_CONNECTION_URL", "").strip()
    return prefect if prefect.startswith("postgresql") else ""
