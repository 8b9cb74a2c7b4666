"""The outside security probe's findings, one scenario each: reproduced first, then shown closed.

Each test states the hostile input the probe used and asserts the harm does
not happen, with a witness that does not depend on the code under test where
one exists: a listening socket that counts connections (sockets.Listener),
the interpreter's audit events (sockets.audit_trail), the fixture server's
own request log, the files on disk, what CKAN stored.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.catalog import CatalogError, RegistrationError, load_catalog, read_catalog, register_dataset
from pipelines.ckan import CountingCKAN, Publisher
from pipelines.ckan.quality_record import url_reachable
from pipelines.cli import main
from pipelines.config import Secret, load_settings
from pipelines.download import DownloadError, PublicPortal, download_all, download_dataset
from pipelines.errors import SourceError
from pipelines.net import CONNECTIONS
from pipelines.outcome import Status
from pipelines.run.pipeline import collect_context, process_dataset
from pipelines.run.summary import RunSummary, write_summary
from pipelines.sources import collect
from pipelines.sources.base import HttpSettings
from pipelines.sources.fetch import fetch
from pipelines.validation import ValidationEngine, validate_table
from tests.plugins.fixture_server import Reply
from tests.sources.helpers import dataset

from .catalogs import base, write_project
from .conftest import LEDGER, NETWORK
from .hostile_portal import HostilePortal
from .project import SCHEMA, csv_version
from .sockets import Listener, audit_trail

pytestmark = [pytest.mark.reliability]

KEY = "srckey-7Hq2Zp9LmW4xVb"  # a source API key (the secrets scan looks for it everywhere)
LEDGER.secrets.add(KEY)


def _fast(**changes) -> HttpSettings:
    return HttpSettings(connect_timeout=2.0, read_timeout=2.0, max_attempts=1, **changes)


# ---- 1. a catalog entry could send any environment variable anywhere -------------------------------


def test_check_refuses_a_key_variable_outside_the_source_key_prefix(tmp_path, scenario):
    doc = base()
    doc["datasets"][0]["source"] = {"type": "http", "url": "http://example.org/badplatser.csv", "format": "csv",
                                    "api_key_env": "CKAN_API_TOKEN", "api_key_param": "q"}
    _catalog, problems = read_catalog(write_project(tmp_path / "p", doc))
    text = "\n".join(f"{p.file}:{p.line}:{p.column}: {p.message} ({p.hint})" for p in problems)
    scenario.text("problems", text)
    key_line = next(p for p in problems if "api_key_env" in p.message)
    assert key_line.file == "catalog.yaml" and key_line.line > 0
    assert "OPPNADATA_SOURCE_KEY_" in key_line.message + key_line.hint and "CKAN_API_TOKEN" in key_line.hint
    url_line = next(p for p in problems if ".url" in p.message)
    assert "https://" in url_line.hint and "plain http" in url_line.hint


def test_collect_context_holds_the_source_keys_and_nothing_else(monkeypatch, scenario):
    monkeypatch.setenv("CKAN_API_TOKEN", "ckan-token-never-for-sources")
    monkeypatch.setenv("OPPNADATA_SOURCE_KEY_DEMO", KEY)
    monkeypatch.setenv("PGPASSWORD", "database-password")
    context = collect_context(load_settings(), SCHEMA, None)
    scenario.text("context env names", sorted(context.env))
    assert dict(context.env) == {"OPPNADATA_SOURCE_KEY_DEMO": KEY}


@pytest.mark.ckan
def test_the_publisher_token_named_by_an_unchecked_entry_never_reaches_the_wire(fixture_server, monkeypatch, tmp_path,
                                                                                 ckan_portal, scenario):
    path = f"/rel/probe-token-{time.monotonic_ns()}.csv"
    fixture_server.set(path, csv_version(1), content_type="text/csv")
    monkeypatch.setenv("CKAN_API_TOKEN", ckan_portal.token)
    ds = dataset("http", "probe", url=fixture_server.url(path), format="csv", api_key_env="CKAN_API_TOKEN", api_key_param="q")
    context = collect_context(load_settings(), SCHEMA, None, http=_fast(allow_loopback=True))
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "work", context)
    scenario.text("error", err.value)
    assert err.value.kind == "config"
    assert fixture_server.count(path) == 0, "the entry's URL was requested"


def test_a_key_is_never_sent_over_plain_http(fixture_server, tmp_path, scenario):
    path = f"/rel/probe-plain-{time.monotonic_ns()}.csv"
    fixture_server.set(path, csv_version(1), content_type="text/csv")
    ds = dataset("http", "probe", url=fixture_server.url(path), format="csv",
                 api_key_env="OPPNADATA_SOURCE_KEY_DEMO", api_key_param="key")
    context = collect_context(load_settings({"OPPNADATA_SOURCE_KEY_DEMO": KEY}), SCHEMA, None, http=_fast(allow_loopback=True))
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w1", context)
    scenario.text("collect error", err.value)
    assert err.value.kind == "config" and "https" in str(err.value)
    with pytest.raises(SourceError) as err:  # the HTTP layer itself refuses too, whoever calls it
        fetch(fixture_server.url(path), tmp_path / "x.csv", _fast(allow_loopback=True), params={"key": KEY}, secrets=(KEY,))
    scenario.text("fetch error", err.value)
    assert err.value.kind == "config" and KEY not in str(err.value)
    assert fixture_server.count(path) == 0


@pytest.mark.parametrize("where", ["another-host", "plain-http"])
def test_a_redirect_never_carries_the_query_key_away_from_the_entrys_host(fixture_server, tmp_path, where, scenario):
    tok = time.monotonic_ns()
    steal = f"/rel/steal-{tok}"
    target = (f"https://127.0.0.1:{fixture_server.tls_port}{steal}?key={KEY}" if where == "another-host"
              else f"http://localhost:{fixture_server.port}{steal}?key={KEY}")
    start = f"/rel/keyed-{tok}.csv"
    fixture_server.script(start, [Reply(status=302, headers={"Location": target})])
    fixture_server.set(steal, csv_version(1), content_type="text/csv")
    ds = dataset("http", "probe", url=fixture_server.https_url(start), format="csv",
                 api_key_env="OPPNADATA_SOURCE_KEY_DEMO", api_key_param="key")
    http = _fast(allow_loopback=True, ca_bundle=fixture_server.ca_file)
    context = collect_context(load_settings({"OPPNADATA_SOURCE_KEY_DEMO": KEY}), SCHEMA, None, http=http)
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context)
    scenario.text("error", err.value)
    assert fixture_server.requests(start)[0].query["key"] == [KEY]  # the entry's own host got it, over https
    assert fixture_server.count(steal) == 0, "the key was sent on"
    assert KEY not in str(err.value)


# ---- 2 and 5. the host guard could be passed by, and let shared and translated addresses through -----


def test_register_cannot_reach_loopback_through_a_backslash_in_the_url(tmp_path, scenario):
    root = tmp_path / "p"
    write_project(root, base())
    with Listener() as listener:
        with pytest.raises(RegistrationError) as err:
            register_dataset(root, "probe-data", "rel-kommun", url=f"http://127.0.0.1:{listener.port}\\@1.1.1.1/data.csv",
                             http=HttpSettings(connect_timeout=2.0, max_attempts=1))
        scenario.text("error", err.value)
        assert listener.accepts == 0, f"register connected to loopback: {listener.accepted}"
    assert "loopback" in str(err.value)


def test_a_redirect_with_a_backslash_is_judged_as_it_would_be_connected(fixture_server, tmp_path, scenario):
    path = f"/rel/backslash-{time.monotonic_ns()}"
    fixture_server.script(path, [Reply(status=302, headers={"Location": "http://10.0.0.1\\@1.1.1.1/data.csv"})])
    blocked_before = list(NETWORK["blocked"])
    with pytest.raises(SourceError) as err:
        fetch(fixture_server.url(path), tmp_path / "x.csv", _fast(allow_loopback=True))
    scenario.text("error", err.value)
    assert err.value.kind == "forbidden_host" and "10.0.0.1" in str(err.value)
    assert NETWORK["blocked"] == blocked_before, "a connection to 10.0.0.1 was attempted"


@pytest.mark.parametrize("host, kind", [
    ("100.100.100.200", "shared"), ("100.64.0.1", "shared"), ("[fec0::1]", "site-local"),
    ("[2002:a9fe:a9fe::1]", "6to4"), ("[64:ff9b::a9fe:a9fe]", "NAT64"), ("[::ffff:169.254.169.254]", "IPv4-mapped"),
    ("[::a9fe:a9fe]", "IPv4-compatible"), ("[2001::a9fe:a9fe]", "Teredo"), ("[ff02::1]", "multicast"),
])
def test_shared_site_local_and_translated_addresses_are_refused(tmp_path, host, kind, scenario):
    dialled = CONNECTIONS.count
    blocked_before = list(NETWORK["blocked"])
    with pytest.raises(SourceError) as err:
        fetch(f"http://{host}/latest/meta-data/", tmp_path / "x.json", _fast())
    scenario.text("error", err.value)
    assert err.value.kind == "forbidden_host" and kind in str(err.value)
    assert CONNECTIONS.since(dialled) == [] and NETWORK["blocked"] == blocked_before


def test_mqa_reachability_checks_go_through_the_guard(fixture_server, scenario):
    client = CountingCKAN(fixture_server.base_url)  # the portal: its own origin is trusted
    with Listener() as listener:
        jump = f"/rel/mqa-jump-{time.monotonic_ns()}"
        fixture_server.script(jump, [Reply(status=302, headers={"Location": f"http://127.0.0.1:{listener.port}/x"})])
        editor_set = [f"http://127.0.0.1:{listener.port}/resource.csv", f"http://[::1]:{listener.port}/r.csv",
                      f"http://2130706433:{listener.port}/r.csv", fixture_server.url(jump)]
        results = {url: url_reachable(client, url) for url in editor_set}
        scenario.text("results", results)
        assert listener.accepts == 0, f"the MQA check connected to loopback: {listener.accepted}"
    assert not any(results.values())
    own = f"/rel/mqa-own-{time.monotonic_ns()}.csv"
    fixture_server.set(own, "a\n1\n", content_type="text/csv")
    assert url_reachable(client, fixture_server.url(own))  # the control: the portal's own file is checked


def test_one_name_lookup_per_hop_and_the_socket_goes_to_the_checked_address(fixture_server, tmp_path, scenario):
    tok = time.monotonic_ns()
    first, second = f"/rel/pin-{tok}.csv", f"/rel/pinned-{tok}.csv"
    fixture_server.script(first, [Reply(status=302, headers={"Location": f"http://localhost:{fixture_server.port}{second}"})])
    fixture_server.set(second, csv_version(1), content_type="text/csv")
    dialled = CONNECTIONS.count
    with audit_trail() as events:
        fetch(f"http://localhost:{fixture_server.port}{first}", tmp_path / "x.csv", _fast(allow_loopback=True))
    scenario.text("events", events)
    lookups = [e for e in events if e[0] == "getaddrinfo" and e[1] == "localhost"]
    connects = [e for e in events if e[0] == "connect" and e[2] == fixture_server.port]
    assert len(lookups) == 2, f"two hops must make two lookups, one each (rebinding needs a second one): {lookups}"
    assert connects and {c[1] for c in connects} <= {"127.0.0.1", "::1"}
    log = CONNECTIONS.since(dialled)
    assert [(d.host, d.address) for d in log if d.connected] == [("localhost", "127.0.0.1")] * 2


def test_tls_keeps_the_host_name_for_sni_and_the_certificate(fixture_server, tmp_path, scenario):
    path = f"/rel/tls-{time.monotonic_ns()}.csv"
    fixture_server.set(path, csv_version(1), content_type="text/csv")
    sni_before = len(fixture_server.sni)
    got = fetch(fixture_server.https_url(path), tmp_path / "x.csv", _fast(allow_loopback=True, ca_bundle=fixture_server.ca_file))
    assert got.bytes == len(csv_version(1))
    sent = fixture_server.requests(path)[-1]
    assert sent.tls and sent.headers["Host"] == f"localhost:{fixture_server.tls_port}"
    assert "localhost" in fixture_server.sni[sni_before:]
    with pytest.raises(SourceError) as err:  # the certificate is still verified: the default CAs do not know ours
        fetch(fixture_server.https_url(path), tmp_path / "y.csv", _fast(allow_loopback=True))
    scenario.text("error", err.value)
    assert err.value.kind == "unreachable" and not (tmp_path / "y.csv").exists()


def test_download_refuses_a_resource_url_on_a_private_address(fixture_server, tmp_path, scenario):
    portal = HostilePortal(fixture_server)
    with Listener() as listener:
        portal.add("probe-private", data_url=f"http://127.0.0.1:{listener.port}/data.csv")
        with pytest.raises(DownloadError) as err:
            download_dataset(PublicPortal(portal.url), "probe-private", tmp_path / "out")
        scenario.text("error", err.value)
        assert listener.accepts == 0, f"download connected to loopback: {listener.accepted}"
    assert "probe-private" in str(err.value) and "not public" in str(err.value)


# ---- 3. download --all wrote where a hostile portal said ----------------------------------------------


def test_download_all_keeps_every_portal_name_inside_the_folder(fixture_server, tmp_path, scenario):
    portal = HostilePortal(fixture_server)
    hostile = ["../escaped", "..", f"{tmp_path}/absolute-escape", "nested/.", "CON", "a\x00b", "x" * 300, "-rf"]
    for name in hostile:
        portal.add(name)
    portal.add("good-dataset")
    portal.add("bad-tail", data_url=portal.file_url("..%2F..%2Fescaped-tail.csv"))
    to = tmp_path / "deep" / "down" / "out"
    scenario.directory(tmp_path)
    result = download_all(PublicPortal(portal.url), to)
    scenario.text("failures", result.failures)
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and not p.resolve().is_relative_to(to.resolve())]
    assert outside == [], f"written outside --to: {outside}"
    assert not (tmp_path / "absolute-escape").exists()
    failed = {f.split(":", 1)[0] for f in result.failures}
    assert {n for n in hostile} <= failed, result.failures
    assert all("not one safe file name" in f for f in result.failures)
    names = sorted(p.relative_to(to).as_posix() for p in to.rglob("*") if p.is_file())
    assert "good-dataset/good-dataset.schema.json" in names and any(n.startswith("bad-tail/") for n in names)
    assert all(n.split("/")[0] in ("good-dataset", "bad-tail", "datapackage.json") for n in names), names


# ---- 4 and 6. a token with a stray line break, and error texts that quote secrets --------------------


@pytest.mark.ckan
def test_a_token_or_key_with_a_line_break_is_refused_at_start_up_without_echo(ckan_portal, tmp_path, scenario):
    for name, value in (("CKAN_API_TOKEN", ckan_portal.token + "\r\n"), ("OPPNADATA_SOURCE_KEY_DEMO", KEY + " x")):
        with pytest.raises(ValueError) as err:
            load_settings({name: value})
        scenario.text("error", err.value)
        assert name in str(err.value) and ckan_portal.token not in str(err.value) and KEY not in str(err.value)
    result = CliRunner().invoke(main, ["list"], env={"CKAN_API_TOKEN": " " + ckan_portal.token,
                                                     "OPPNADATA_ROOT": str(tmp_path)})
    scenario.text("cli", result.output)
    assert result.exit_code != 0 and "CKAN_API_TOKEN" in result.output and ckan_portal.token not in result.output


@pytest.mark.ckan
def test_an_invalid_header_error_never_carries_the_token_into_reports(project, unique_name, scenario):
    ds = project.add_file(unique_name("probe-header"), csv_version(1))
    broken = project.with_settings(ckan_api_token=Secret(project.settings.ckan_api_token.reveal() + "\n"))
    publisher = Publisher(CountingCKAN(broken.ckan_url, broken.ckan_api_token.reveal()), project.catalog, broken)
    outcome = process_dataset(ds, broken, publisher)
    scenario.text("outcome", outcome)
    report = write_summary(RunSummary.build([outcome], run_id="r", run_name="r", started="s", finished="f", seconds=0.0,
                                            portal_url=broken.ckan_url), project.settings.reports_dir)
    assert outcome.status == Status.PUBLISH_ERROR
    for text in (outcome.message, report.read_text(encoding="utf-8")):
        assert project.settings.ckan_api_token.reveal() not in text
    scenario.expect_unpublished(ds.id)


@pytest.mark.ckan
def test_error_texts_are_redacted_before_ckan_and_the_reports_store_them(project, unique_name, scenario):
    ds = project.add_file(unique_name("probe-redact"), csv_version(1))
    assert project.run(ds.id)[ds.id].status == "published"
    token = project.settings.ckan_api_token.reveal()
    settings = replace(project.settings, source_keys={"OPPNADATA_SOURCE_KEY_DEMO": Secret(KEY)})
    publisher = Publisher(CountingCKAN(settings.ckan_url, token), project.catalog, settings)
    leaky = f"HTTP 500 from https://api.example.org/x?key={KEY}; the server echoed Authorization: {token}"
    outcome = publisher.record_failure(ds, Status.SOURCE_ERROR, leaky)
    scenario.text("outcome", outcome)
    stored = next(e["value"] for e in CountingCKAN(settings.ckan_url, token).call("package_show", {"id": ds.id})["extras"]
                  if e["key"] == "kalmar_last_error")
    report = write_summary(RunSummary.build([outcome], run_id="r", run_name="r", started="s", finished="f", seconds=0.0,
                                            portal_url=settings.ckan_url), settings.reports_dir)
    for text in (stored, outcome.message, report.read_text(encoding="utf-8")):
        assert token not in text and KEY not in text and "***" in text
    scenario.expect(ds.id, csv_version(1), rows=3)


# ---- 5. links that are not valid IRIs --------------------------------------------------------------


@pytest.mark.parametrize("where, value", [
    ("datasets.0.landing_page", "https://kalmar.se/bad|plats"),
    ("organizations.0.website", 'https://kalmar.se/"quoted"'),
    ("catalog.homepage", "https://www.regionkalmar.se/{x}"),
    ("datasets.0.contact.url", "https://kalmar.se/a b"),
])
def test_a_link_that_is_not_a_valid_iri_is_refused_with_its_line(tmp_path, where, value, scenario):
    doc = base()
    doc["datasets"][0]["contact"] = {"name": "Test", "email": "test@kalmar.se", "url": "https://kalmar.se"}
    node, *path, last = [doc, *where.split(".")]
    for key in path:
        node = node[int(key)] if key.isdigit() else node[key]
    node[int(last) if last.isdigit() else last] = value
    with pytest.raises(CatalogError) as err:
        load_catalog(write_project(tmp_path / "p", doc))
    text = str(err.value)
    scenario.text("error", text)
    assert text.startswith("catalog.yaml:") and "is not a valid link" in text and "percent-encode" in text
    line = int(text.split(":")[1])
    assert value.split("/")[-1][:3] in (tmp_path / "p" / "catalog.yaml").read_text().splitlines()[line - 1]


def test_a_source_url_with_such_characters_is_fetched_percent_encoded(fixture_server, tmp_path, scenario):
    tok = time.monotonic_ns()
    fixture_server.set(f"/rel/odd-{tok}%7Cname%7B1%7D.csv", csv_version(1), content_type="text/csv")
    ds = dataset("http", "probe", url=fixture_server.url(f"/rel/odd-{tok}|name{{1}}.csv"), format="csv")
    got = collect(ds, tmp_path / "w", collect_context(load_settings({}), SCHEMA, None, http=_fast(allow_loopback=True)))
    assert got.data.rows == 3 and fixture_server.count(f"/rel/odd-{tok}%7Cname%7B1%7D.csv") == 1


# ---- 6. ids that end in a line break; formula-like text cells ----------------------------------------


@pytest.mark.parametrize("where", ["dataset", "organization"])
def test_an_id_with_a_trailing_newline_is_refused(tmp_path, where, scenario):
    doc = base()
    if where == "dataset":
        doc["datasets"][0]["id"] = "badplatser-test\n"
    else:
        doc["organizations"][0]["id"] = "rel-kommun\n"
    _catalog, problems = read_catalog(write_project(tmp_path / "p", doc))
    scenario.text("problems", problems)
    assert any(p.code == "bad-format" and ".id" in p.message and p.line > 0 for p in problems), problems
    root = tmp_path / "q"
    write_project(root, base())
    with pytest.raises(RegistrationError) as err:
        register_dataset(root, "ny-data\n", "rel-kommun", file=root / "datasets" / "badplatser-test" / "data.csv")
    assert "not a valid id" in str(err.value)


@pytest.mark.parametrize("engine", [ValidationEngine.FRICTIONLESS, ValidationEngine.FAST])
def test_formula_like_text_cells_are_flagged_and_published_unchanged(tmp_path, engine, scenario):
    text = ('kommun,telefon,antal,notering\n'
            'Kalmar,+46 480 45 00 00,-5,"=HYPERLINK(""http://x"",""klick"")"\n'
            'Nybro,-,7,@SUM(A1)\n'
            'Borgholm,"+46 485 880 00",0,"-2+3+cmd|\' /C calc\'!A0"\n'
            'Torsås,0486-331 00,3,vanlig text\n')
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    schema = {"fields": [{"name": "kommun", "type": "string"}, {"name": "telefon", "type": "string"},
                         {"name": "antal", "type": "integer"}, {"name": "notering", "type": "string"}]}
    report = validate_table(path, schema, engine=engine)
    scenario.text("warnings", report.warnings)
    assert report.valid, report.errors
    assert [(w.row, w.field, w.cell[0]) for w in report.warnings] == [(2, "notering", "="), (3, "notering", "@"),
                                                                        (4, "notering", "-")]
    assert path.read_text(encoding="utf-8") == text  # published as the source has it
    assert json.loads(json.dumps(report.to_dict()))["warnings"][0]["type"] == "formula-like-cell"
