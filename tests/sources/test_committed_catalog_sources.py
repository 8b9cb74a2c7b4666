"""The committed catalog's remote entries, loaded by the real catalog loader, collect through the
real source modules (their hosts swapped for the fixture server), and the result validates
against the dataset's committed Table Schema.

This guards the seam between catalog.yaml (frozen tuples and mappings) and the source modules,
and checks that the schemas describe the columns the sources actually produce.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.catalog import load_catalog, load_schema
from pipelines.sources import collect
from pipelines.validation import render_markdown, validate_table
from tests.plugins.fixture_server import Reply
from tests.sources.helpers import context

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "http"
REAL_HOSTS = ("https://api.kolada.se", "https://api.scb.se", "https://geodata.scb.se")


@pytest.fixture
def project(tmp_path, fixture_server):
    """A copy of the committed project whose remote hosts point at the fixture server."""
    for part in ("schemas", "datasets"):
        shutil.copytree(ROOT / part, tmp_path / part)
    text = (ROOT / "catalog.yaml").read_text(encoding="utf-8")
    for host in REAL_HOSTS:
        assert host in text, f"the committed catalog no longer uses {host}; update this test"
        text = text.replace(host, fixture_server.url("/" + host.split("//")[1]))
    (tmp_path / "catalog.yaml").write_text(text, encoding="utf-8")
    return tmp_path, load_catalog(tmp_path / "catalog.yaml")


def _serve_anything_under(fixture_server, prefix: str, body: bytes, content_type: str, method: str = "GET"):
    def reply(req):
        return Reply(body=body, content_type=content_type) if req.method == method else Reply(status=405)

    fixture_server.handle_prefix(prefix, reply)


def test_kolada_entry(project, fixture_server, tmp_path, loopback_http):
    root, catalog = project
    ds = next(d for d in catalog.datasets if d.source.type == "kolada")
    fixture_server.set("/api.kolada.se/v3/municipality", (FIXTURES / "kolada/v3/municipality.json").read_bytes(),
                       content_type="application/json")
    _serve_anything_under(fixture_server, "/api.kolada.se/v3/data/", (FIXTURES / "kolada/v3/data_page3.json").read_bytes(),
                          "application/json")
    schema = load_schema(root, ds)
    got = collect(ds, tmp_path / "w", context(root, loopback_http, schema))
    report = validate_table(got.data.path, schema)
    assert report.valid, render_markdown(report, ds.id)
    assert got.data.rows and got.data.rows > 0


def test_pxweb_entry(project, fixture_server, tmp_path, loopback_http):
    root, catalog = project
    ds = next(d for d in catalog.datasets if d.source.type == "pxweb")
    _serve_anything_under(fixture_server, "/api.scb.se/", (FIXTURES / "pxweb/v1/BE0101N1.json").read_bytes(),
                          "application/json; charset=utf-8", method="POST")
    schema = load_schema(root, ds)
    got = collect(ds, tmp_path / "w", context(root, loopback_http, schema))
    header = got.data.path.read_text(encoding="utf-8").splitlines()[0].split(",")
    schema_fields = [f["name"] for f in schema["fields"]]
    assert set(header) <= set(schema_fields) | {"kon_kod", "kon"}, (header, schema_fields)
    body = json.loads(fixture_server.requests(fixture_server.paths_under("/api.scb.se/")[0])[0].body)
    assert body["response"]["format"] == "json-stat2"
    assert [q["code"] for q in body["query"]] == [q["code"] for q in ds.source.options["query"]]


def test_wfs_entry(project, fixture_server, tmp_path, loopback_http):
    root, catalog = project
    ds = next(d for d in catalog.datasets if d.source.type == "wfs")
    _serve_anything_under(fixture_server, "/geodata.scb.se/", (FIXTURES / "wfs/badplatser_3006.geojson").read_bytes(),
                          "application/json;charset=UTF-8")
    got = collect(ds, tmp_path / "w", context(root, loopback_http, load_schema(root, ds)))
    assert {f.role for f in got.files} == {"data", "geojson"}
    query = fixture_server.requests(fixture_server.paths_under("/geodata.scb.se/")[0])[0].query
    assert query["typeNames"] == ["stat:DeSO_2025"] and query["CQL_FILTER"] == ["lanskod='08'"]
