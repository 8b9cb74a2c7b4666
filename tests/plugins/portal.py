"""pytest plugin: the real local CKAN portal, one per test session, and per-test unique names.

Why a plugin: every CKAN integration test needs the same running portal (started once by
`portal/stack up`, which is idempotent and returns at once when the stack already runs), a way to act
as other users, and names that never collide between tests or runs. What a test creates under its
unique names is purged afterwards, so the shared portal does not fill up.

Fixtures:
  ckan_portal  (session) -> Portal
  unique_name  (function) -> UniqueNames, callable: unique_name("badplatser") -> "badplatser-<10 hex>-1"
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ckanapi import NotFound, RemoteCKAN

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "portal" / "stack"
SYSADMIN = "kalmar-admin"
USER_AGENT = "oppnadata-kalmar-tests/0.1"


@dataclass(frozen=True)
class PortalUser:
    """A CKAN user made for a test. `token` is the plain API token (str); never print it."""

    name: str
    id: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class Portal:
    """The running portal.

    url:   base URL, e.g. "http://127.0.0.1:5050"
    token: the sysadmin's (kalmar-admin) API token as a plain str, kept out of repr()
    prefect_database_url: Prefect's PostgreSQL database in the portal's cluster (the run locks use it too)
    """

    url: str
    token: str = field(repr=False)
    sysadmin: str = SYSADMIN
    prefect_database_url: str = field(default="", repr=False)  # the cluster's `prefect` database (secret)

    def api(self, token: str | None = None) -> RemoteCKAN:
        """A ckanapi client acting with `token`; None means the sysadmin. See `anonymous()` for no token."""
        return RemoteCKAN(self.url, apikey=self.token if token is None else token, user_agent=USER_AGENT)

    def anonymous(self) -> RemoteCKAN:
        """A ckanapi client sending no API token (what the public sees)."""
        return RemoteCKAN(self.url, apikey=None, user_agent=USER_AGENT)

    def create_user(self, name: str, *, sysadmin: bool = False) -> PortalUser:
        """Create a user (by the sysadmin, over the API) and an API token for it."""
        admin = self.api()
        user = admin.action.user_create(
            name=name, email=f"{name}@example.invalid", password=uuid.uuid4().hex + "Aa1!"
        )
        if sysadmin:
            admin.action.user_patch(id=user["id"], sysadmin=True)
        token = admin.action.api_token_create(user=name, name="tests")["token"]
        return PortalUser(name=name, id=user["id"], token=token)

    def create_organization(self, name: str, title: str | None = None, **extra) -> dict:
        """Create an organization as the sysadmin (who becomes its admin)."""
        return self.api().action.organization_create(name=name, title=title or name, **extra)

    def add_member(self, organization: str, user: str, role: str = "member") -> None:
        """Make `user` a member|editor|admin of `organization`."""
        if role not in ("member", "editor", "admin"):
            raise ValueError(f"role must be member, editor or admin, not {role!r}")
        self.api().action.organization_member_create(id=organization, username=user, role=role)

    def purge_matching(self, token: str) -> None:
        """Purge every dataset, organization and group whose name contains `token` (any state)."""
        admin = self.api()
        result = admin.action.package_search(
            fq=f"name:*{token}* +state:(active OR draft OR deleted)",
            include_private=True, include_drafts=True, include_deleted=True, rows=1000, fl="name",
        )
        for found in result["results"]:
            _ignore_missing(admin.action.dataset_purge, id=found["name"] if isinstance(found, dict) else found)
        for kind in ("organization", "group"):
            names = admin.call_action(f"{kind}_list", {"all_fields": False, "limit": 1000})
            for name in names:
                if token in name:
                    _ignore_missing(admin.call_action, f"{kind}_purge", {"id": name})


def _ignore_missing(fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except NotFound:
        pass


def _run_stack(*args: str) -> str:
    proc = subprocess.run([str(STACK), *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        pytest.fail(
            f"`portal/stack {' '.join(args)}` failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}\n"
            "See .portal/logs/ for the service logs.",
            pytrace=False,
        )
    return proc.stdout


def _parse_env(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


_STARTED: list[Portal] = []


@pytest.fixture(scope="session")
def ckan_portal() -> Portal:
    """`portal/stack up` once per session (honours PORTAL_* variables), then the portal's URL and token."""
    _run_stack("up")
    env = _parse_env(_run_stack("env"))
    portal = Portal(url=env["CKAN_URL"], token=env["CKAN_API_TOKEN"],
                    prefect_database_url=env.get("PREFECT_SERVER_DATABASE_CONNECTION_URL", ""))
    _STARTED.append(portal)
    return portal


class UniqueNames:
    """Hands out CKAN-valid names that share one per-test token, so cleanup can find them all."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex[:10]
        self.issued: list[str] = []

    def __call__(self, stem: str = "t") -> str:
        name = f"{stem}-{self.token}-{len(self.issued) + 1}".lower()
        self.issued.append(name)
        return name


@pytest.fixture
def unique_name():
    """Callable giving unique names; afterwards, purges datasets/organizations/groups named with them."""
    names = UniqueNames()
    yield names
    if names.issued and _STARTED:
        _STARTED[0].purge_matching(names.token)
