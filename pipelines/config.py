"""Settings from the environment, read in one place.

Secrets (the CKAN API token, source API keys) are only ever *referred to* by the
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

    def secret_values(self) -> tuple[str, ...]:
        """Every secret value the settings hold (the CKAN token, the source keys), for redaction."""
        return tuple(s.reveal() for s in (self.ckan_api_token, *self.source_keys.values()) if s)

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
    )
