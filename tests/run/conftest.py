"""Flow tests: one Prefect test harness per session, and a project root wired to the real CKAN.

The harness is a real Prefect API server (SQLite in a temp dir) in a
subprocess; flows run for real against it. The project fixture points the
settings (OPPNADATA_ROOT, OPPNADATA_STATE_DIR, CKAN_URL, CKAN_API_TOKEN) at a
temporary catalog whose HTTP sources live on the fixture server.
"""

from __future__ import annotations

import pytest

from .project import FlowProject


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flow_project(tmp_path, monkeypatch, ckan_portal, unique_name, prefect_harness) -> FlowProject:
    project = FlowProject(root=tmp_path / "project", organization=unique_name("kalmar-flow"))
    monkeypatch.setenv("OPPNADATA_ROOT", str(project.root))
    monkeypatch.setenv("OPPNADATA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CKAN_URL", ckan_portal.url)
    monkeypatch.setenv("CKAN_API_TOKEN", ckan_portal.token)
    monkeypatch.setenv("OPPNADATA_ALLOW_PRIVATE_HOSTS", "true")
    monkeypatch.setenv("OPPNADATA_CONCURRENCY", "3")
    return project
