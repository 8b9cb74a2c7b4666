"""Fixtures for the catalog tests: a throw-away copy of a small valid project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "fixtures" / "base"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of tests/catalog/fixtures/base (valid: check passes) that a test may break."""
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root
