"""Settings from the environment, read in one place.

Secrets (the CKAN API token, source API keys) are only ever *referred to* by the
name of an environment variable; this module is the one place that reads them, and
`Secret` keeps their value out of ``repr``/``str`` so they cannot leak into logs,
reports or exception texts by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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

    @property
    def catalog_path(self) -> Path:
        return self.project_root / "catalog.yaml"

    @property
    def reports_dir(self) -> Path:
        return self.state_dir / "reports"

    @property
    def work_dir(self) -> Path:
        return self.state_dir / "work"


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
    """
    env = os.environ if env is None else env
    root = Path(env.get("OPPNADATA_ROOT", PROJECT_ROOT)).resolve()
    state = Path(env.get("OPPNADATA_STATE_DIR", root / ".state")).resolve()
    withdrawal = env.get("OPPNADATA_WITHDRAWAL", "private")
    if withdrawal not in {"private", "delete"}:
        raise ValueError(
            f"OPPNADATA_WITHDRAWAL must be 'private' or 'delete', not {withdrawal!r}"
        )
    return Settings(
        project_root=root,
        state_dir=state,
        ckan_url=env.get("CKAN_URL", "http://127.0.0.1:5050").rstrip("/"),
        ckan_api_token=Secret(env.get("CKAN_API_TOKEN", "")),
        concurrency=int(env.get("OPPNADATA_CONCURRENCY", "4")),
        dataset_timeout_seconds=float(env.get("OPPNADATA_DATASET_TIMEOUT", "900")),
        withdrawal=withdrawal,
        allow_private_hosts=_bool(env.get("OPPNADATA_ALLOW_PRIVATE_HOSTS", "false")),
        keep_runs=int(env.get("OPPNADATA_KEEP_RUNS", "3")),
    )
