"""Fixtures for the portal tests that look inside CKAN's database (the search document table)."""

from __future__ import annotations

import subprocess

import pytest

from tests.plugins.portal import ROOT, STACK


def run_sql(sql: str) -> list[list[str]]:
    """Rows of `sql` run by `portal/stack psql` (the superuser, CKAN's database), as lists of text."""
    proc = subprocess.run([str(STACK), "psql", "-At", "-F", "\t", "-c", sql], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"portal/stack psql failed: {proc.stderr[-2000:]}")
    return [line.split("\t") for line in proc.stdout.splitlines() if line]


@pytest.fixture
def portal_sql(ckan_portal):
    return run_sql
