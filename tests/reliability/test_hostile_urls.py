"""Over a thousand generated hostile URLs at every network entry point: not one connection to a non-global address.

The URLs come from hypothesis (hostile_urls.py: IPv4 in every inet_aton
form, IPv6 compressed/exploded/with an IPv4 tail/with a zone id, the mapped,
compatible, 6to4, Teredo and NAT64 forms, user-info and backslash tricks,
fullwidth digits and unicode dots, percent-encoding), generated once per run
and thrown at each entry point directly and, where a server's answer can
lead there, as the Location of a redirect from a real loopback server:

    register's URL drafting (and a sample through the whole `register`),
    each source type (http, pxweb, kolada, wfs), a redirect during a collect,
    the MQA reachability check (direct and redirected), `download` (a resource
    URL from the portal, direct and redirected).

The only address anything may connect to is the fixture server's own origin,
trusted by exact scheme/host/port (the narrow test escape hatch), never
loopback as such. Witnessed three ways: the listening socket on the URLs'
port counts accepts on every loopback address, the network path's own log of
what it dialled, and the suite's audit hook that blocks and records any
connection outside loopback.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pipelines.catalog import RegistrationError, register_dataset
from pipelines.catalog.registration import draft_schema
from pipelines.ckan import CountingCKAN
from pipelines.ckan.quality_record import url_reachable
from pipelines.download import DownloadError, PublicPortal, download_dataset
from pipelines.errors import SourceError
from pipelines.net import CONNECTIONS
from pipelines.sources import CollectContext, HttpSettings, collect
from tests.plugins.fixture_server import Reply
from tests.sources.helpers import dataset

from .catalogs import base, write_project
from .conftest import NETWORK
from .hostile_portal import HostilePortal
from .hostile_urls import hostile_urls
from .sockets import Listener

pytestmark = [pytest.mark.reliability]

WANTED = 1000  # distinct hostile URLs per entry point
# the MQA check and `download` follow redirects with requests' own loop (GuardedSession), a separate path from
# `fetch`'s: a sample of the URLs goes through it as Locations (each hop is a real loopback request, ~10-25 ms here)
FOLLOWED_SAMPLE = 250
THROWN: Counter = Counter()


@pytest.fixture(scope="module")
def listener():
    with Listener() as sock:
        yield sock


@pytest.fixture(scope="module")
def urls(listener) -> list[str]:
    """At least WANTED distinct generated URLs, made once for the module (generation is the slow part)."""
    found: dict[str, None] = {}

    @settings(max_examples=WANTED * 11 // 10, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(hostile_urls(listener.port))
    def gather(url: str) -> None:
        found[url] = None

    gather()
    assert len(found) >= WANTED, f"only {len(found)} distinct URLs generated"
    return list(found)[:WANTED]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A work folder in memory when the machine has one: each refused collect still makes and removes a folder."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="hostile-urls-", dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("hostile")
    saved, tempfile.tempdir = tempfile.tempdir, str(folder)  # register's own temporary folders go there too
    yield folder
    tempfile.tempdir = saved
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def witness(fixture_server, listener):
    """After the test: nothing reached the listener, the path dialled only the fixture server, the audit hook blocked nothing."""
    dialled, blocked = CONNECTIONS.count, list(NETWORK["blocked"])
    yield
    assert listener.accepts == 0, f"connections reached the listener from {listener.accepted[:10]}"
    allowed = {("127.0.0.1", fixture_server.port)}
    elsewhere = [d for d in CONNECTIONS.since(dialled) if (d.address, d.port) not in allowed]
    assert elsewhere == [], f"the network path dialled {elsewhere[:10]}"
    assert NETWORK["blocked"] == blocked, f"connections outside loopback were attempted: {NETWORK['blocked'][len(blocked):]}"


def _http(fixture_server) -> HttpSettings:
    """Only the fixture server's exact origin is trusted: loopback as such is not."""
    return HttpSettings(connect_timeout=1.0, read_timeout=2.0, max_attempts=1, allowed_origins=(fixture_server.base_url,))


def _redirects(fixture_server, urls: list[str]) -> list[str]:
    """One loopback route per URL that answers 302 to it (the raw UTF-8 bytes in Location, as a hostile server sends)."""
    prefix = f"/rel/hop-{time.monotonic_ns()}/"
    fixture_server.handle_prefix(prefix, lambda req: Reply(
        302, headers={"Location": urls[int(req.path.rsplit("/", 1)[1])].encode("utf-8").decode("latin-1")}))
    return [fixture_server.url(f"{prefix}{i}") for i in range(len(urls))]


def _throw(name: str, urls: list[str], attempt, scenario) -> Counter:
    """Call `attempt(url)` for each URL; each must be refused (an exception from `attempt` that it names, or False)."""
    outcomes: Counter = Counter()
    for url in urls:
        outcomes[attempt(url)] += 1
        THROWN[name] += 1
    scenario.text(f"{name} outcomes", dict(outcomes))
    print(f"{name}: {len(urls)} hostile URLs, outcomes {dict(outcomes.most_common(6))}")
    return outcomes


def _collect(kind: str, options: dict, tmp_path: Path, http: HttpSettings):
    def attempt(url: str) -> str:
        ds = dataset(kind, "probe", **{k: (url if v is URL else v) for k, v in options.items()})
        try:
            collect(ds, tmp_path / "work", CollectContext(project_root=tmp_path, schema={"fields": []}, http=http))
        except SourceError as err:
            assert "unknown source option" not in str(err) and "needs option" not in str(err), err
            return err.kind.value
        raise AssertionError(f"{kind}: collected from {url!r}")

    return attempt


ENTRY_POINTS = ("http", "kolada", "pxweb", "wfs", "redirect", "register drafting", "mqa", "download")
URL = object()  # where a source's options take the hostile URL
SOURCES = {
    "http": {"url": URL, "format": "csv"},
    "pxweb": {"url": URL, "api_version": 2, "table": "TAB638", "value_codes": {"Region": ["0880"]}},
    "kolada": {"base_url": URL, "kpis": ["N01951"], "municipalities": ["0880"], "years": [2023]},
    "wfs": {"url": URL, "type_name": "ns:badplatser"},
}


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_every_source_type_refuses_every_hostile_url(kind, urls, fixture_server, work, witness, scenario):
    outcomes = _throw(kind, urls, _collect(kind, SOURCES[kind], work, _http(fixture_server)), scenario)
    assert outcomes["forbidden_host"] >= len(urls) // 2, outcomes


def test_a_redirect_to_any_hostile_url_is_refused(urls, fixture_server, work, witness, scenario):
    attempt = _collect("http", SOURCES["http"], work, _http(fixture_server))
    outcomes = _throw("redirect", _redirects(fixture_server, urls), attempt, scenario)
    assert outcomes["forbidden_host"] >= len(urls) // 2, outcomes


def test_registers_url_drafting_refuses_every_hostile_url(urls, fixture_server, work, tmp_path, witness, scenario):
    http = _http(fixture_server)

    def attempt(url: str) -> str:
        with pytest.raises(RegistrationError) as err:
            draft_schema("data.csv", "csv", None, file=None, url=url, http=http)
        return "refused" if "forbidden" in str(err.value) or "resolves to" in str(err.value) else "other"

    outcomes = _throw("register drafting", urls, attempt, scenario)
    assert outcomes["refused"] >= len(urls) // 2, outcomes
    root = tmp_path / "p"
    write_project(root, base())
    sample = urls[:: max(1, len(urls) // 25)]  # the whole command reads catalog.yaml each time: a sample of it

    def whole(url: str) -> str:
        with pytest.raises(RegistrationError):
            register_dataset(root, "probe-data", "rel-kommun", url=url, fmt="csv", http=http)
        return "refused"

    _throw("register (whole command)", sample, whole, scenario)


def test_mqa_reachability_checks_refuse_every_hostile_url(urls, fixture_server, witness, scenario):
    client = CountingCKAN(fixture_server.base_url)  # the portal's own origin, and nothing else, is trusted
    outcomes = _throw("mqa", urls, lambda url: url_reachable(client, url), scenario)
    sample = urls[:: len(urls) // FOLLOWED_SAMPLE]
    outcomes += _throw("mqa redirect", _redirects(fixture_server, sample), lambda url: url_reachable(client, url), scenario)
    assert set(outcomes) == {False}, outcomes


@pytest.mark.parametrize("redirected", [False, True], ids=["direct", "redirected"])
def test_download_refuses_every_hostile_resource_url(urls, fixture_server, work, redirected, witness, scenario):
    portal = HostilePortal(fixture_server)
    targets = _redirects(fixture_server, urls[:: len(urls) // FOLLOWED_SAMPLE]) if redirected else urls
    names = []
    for i, url in enumerate(targets):
        names.append(f"probe-{i}")
        portal.add(names[-1], data_url=url)
    reader = PublicPortal(portal.url)
    by_name = iter(names)
    assert reader.dataset(names[0])["resources"][0]["url"] == targets[0]  # the portal's API, asked for real once

    def attempt(_url: str) -> str:
        name = next(by_name)  # the package as the portal describes it, as `download --all` passes it on
        with pytest.raises(DownloadError) as err:
            download_dataset(reader, name, work / "out", package=portal.packages[name])
        return "refused" if "not public" in str(err.value) else type(err.value).__name__

    outcomes = _throw("download redirected" if redirected else "download", targets, attempt, scenario)
    assert outcomes["refused"] >= len(targets) // 2, outcomes
    assert not (work / "out").exists() or not any((work / "out").iterdir())


def test_every_entry_point_was_given_at_least_a_thousand(scenario):
    """Runs last in this module: the totals the report quotes."""
    scenario.text("thrown", dict(THROWN))
    print("hostile URLs thrown per entry point:", dict(THROWN))
    big = {k: n for k, n in THROWN.items() if k in ENTRY_POINTS}
    assert len(big) == len(ENTRY_POINTS) and all(n >= WANTED for n in big.values()), THROWN
    assert all(THROWN[k] >= FOLLOWED_SAMPLE for k in ("mqa redirect", "download redirected")), THROWN
