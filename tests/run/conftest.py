"""Flow tests: one Prefect test harness per session, and a project root wired to the real CKAN.

The harness is a real Prefect API server (SQLite in a temp dir) in a
subprocess; flows run for real against it. The project fixture points the
settings (OPPNADATA_ROOT, OPPNADATA_STATE_DIR, CKAN_URL, CKAN_API_TOKEN, the lock
database) at a temporary catalog whose HTTP sources live on the fixture server.
"""

from __future__ import annotations

import os

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
    monkeypatch.setenv("OPPNADATA_LOCK_DATABASE_URL", ckan_portal.prefect_database_url)  # the runs take their locks
    for name in [k for k in os.environ if k.startswith(("OPPNADATA_SMTP_", "OPPNADATA_WORK_POOL"))]:
        monkeypatch.delenv(name)
    return project


@pytest.fixture
def prefect_database(ckan_portal):
    """A throw-away PostgreSQL database for a real Prefect server (in the portal's cluster); its URL."""
    from .servers import throwaway_prefect_database

    with throwaway_prefect_database(ckan_portal.prefect_database_url) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_prefect_server(tmp_path_factory, ckan_portal):
    """One `prefect server start` on a throw-away PostgreSQL database, shared by the modules that need workers.

    Its first start migrates an empty database (minutes on a busy machine), so
    the modules share it and each uses work pools of its own.
    """
    from pipelines.run import LocalPrefectServer, free_port

    from .servers import throwaway_prefect_database

    home = tmp_path_factory.mktemp("prefect-server")
    with throwaway_prefect_database(ckan_portal.prefect_database_url) as url, \
            LocalPrefectServer(home, database_url=url, port=free_port(), ui=False, startup_timeout=300) as server:
        yield server
