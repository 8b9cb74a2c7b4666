"""The portal's own freshness rule and Swedish frequency labels, read from the portal extension's files.

Why not a copy: a steward reads "Försenad" on the portal's /publicering page
and gets the mail about it on the same morning; both must come from one rule.
The rule (`ui/freshness.py`) is pure Python without CKAN imports and the labels
(`ui/vocabulary_sv.json`) are data, so the pipeline loads them by path from
this checkout instead of from CKAN's virtualenv.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from ...config import PROJECT_ROOT

PORTAL_UI = PROJECT_ROOT / "portal" / "ckanext-kalmar" / "ckanext" / "kalmar" / "ui"


@lru_cache(maxsize=1)
def _freshness() -> ModuleType:
    path = PORTAL_UI / "freshness.py"
    spec = importlib.util.spec_from_file_location("oppnadata_portal_freshness", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the portal's freshness rule from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=1)
def _frequency_labels() -> dict[str, str]:
    return json.loads(Path(PORTAL_UI / "vocabulary_sv.json").read_text(encoding="utf-8"))["frequency"]


def freshness(frequency: str, changed: datetime | None, now: datetime) -> dict:
    """The portal's verdict: {"state": current|stale|no_promise|unknown, "text", "days"}."""
    return _freshness().verdict(frequency, changed, now)


def frequency_label(frequency: str) -> str:
    """"Dagligen" for DAILY; the code itself when the table has no label."""
    return _frequency_labels().get(frequency, frequency)
