"""Reading DCAT-AP-SE catalogs: DIGG's own examples, and a municipal catalog served over loopback HTTP.

The municipal catalog (tests/fixtures/http/dcat/, built from DIGG's examples)
has two hydra pages, one record that cannot be read (no Swedish title), and
the same graph as one Turtle and one JSON-LD page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from pipelines.errors import SourceError, SourceErrorKind
from pipelines.sources import read_dcat_catalog
from pipelines.sources.dcat_records import records_from_graph

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "dcat-ap-se"
KOMMUN = Path(__file__).resolve().parents[1] / "fixtures" / "http" / "dcat" / "kommun"


def _serve(fixture_server, base_path: str, name: str, content_type: str, text: str | None = None) -> None:
    base = fixture_server.url(base_path)
    body = text if text is not None else (KOMMUN / name).read_text(encoding="utf-8").replace("{{BASE_URL}}", base)
    fixture_server.set(f"{base_path}/{name}", body, content_type=content_type)


def test_digg_examples_read_the_same_from_rdfxml_and_turtle():
    for example in ("rekommenderat", "obligatoriskt"):
        graphs = [Graph().parse(REFERENCE / f"{example}.{suffix}") for suffix in ("rdf", "ttl")]
        (xml_records, xml_broken), (ttl_records, ttl_broken) = (records_from_graph(g) for g in graphs)
        assert xml_records == ttl_records and not xml_broken and not ttl_broken
    [library] = records_from_graph(Graph().parse(REFERENCE / "rekommenderat.rdf"))[0]
    assert dict(library.titles) == {"sv": "Bibliotek i Sverige", "en": "Libraries in Sweden"}
    assert dict(library.keywords) == {"sv": ("bibliotek",), "en": ("library",)}
    assert library.contact.email == "oppnadata@exemple.com"  # mailto: taken off, DIGG's spelling kept
    assert (library.temporal_start, library.temporal_end) == ("2010-01-01", "2012-01-01")
    assert [(d.format, d.download_url) for d in library.distributions] == [
        ("CSV", "http://example.com/download"), ("JSON", None)]
    assert library.all_licenses == ("http://creativecommons.org/publicdomain/zero/1.0/",)


def test_paged_catalog_broken_record_and_conditional_get(fixture_server, unique_name, tmp_path, loopback_http):
    path = f"/dcat-read/{unique_name.token}"
    for page in ("page1.rdf", "page2.rdf"):
        _serve(fixture_server, path, page, "application/rdf+xml")
    base = fixture_server.url(path)
    cache = tmp_path / "cache"
    first = read_dcat_catalog(f"{base}/page1.rdf", loopback_http, tmp_path, cache)
    assert (first.pages, first.not_modified) == (2, 0)
    assert [r.uri for r in first.records] == [f"{base}/dataset/{n}" for n in ("bibliotek", "matvaruaffarer", "toaletter")]
    [broken] = first.broken
    assert broken.uri == f"{base}/dataset/trasig" and "no title in Swedish" in broken.reason

    again = read_dcat_catalog(f"{base}/page1.rdf", loopback_http, tmp_path, cache)
    assert (again.pages, again.not_modified) == (2, 2)  # both pages 304, read from the kept copies
    assert again.records == first.records and again.broken == first.broken
    assert all("If-None-Match" in r.headers for r in fixture_server.requests(f"{path}/page1.rdf")[1:])


@pytest.mark.parametrize("name, content_type", [("catalog.ttl", "text/turtle"), ("catalog.jsonld", "application/ld+json")])
def test_turtle_and_jsonld_catalogs_read_like_the_rdfxml_pages(fixture_server, unique_name, tmp_path, loopback_http,
                                                              name, content_type):
    path = f"/dcat-syntax/{unique_name.token}"
    for page in ("page1.rdf", "page2.rdf"):
        _serve(fixture_server, path, page, "application/rdf+xml")
    _serve(fixture_server, path, name, content_type)
    base = fixture_server.url(path)
    paged = read_dcat_catalog(f"{base}/page1.rdf", loopback_http, tmp_path, None)
    single = read_dcat_catalog(f"{base}/{name}", loopback_http, tmp_path, None)
    assert single.pages == 1
    assert single.records == paged.records and single.broken == paged.broken


def test_remote_jsonld_context_and_paging_loop_are_refused(fixture_server, unique_name, tmp_path, loopback_http):
    path = f"/dcat-bad/{unique_name.token}"
    remote = json.dumps({"@context": "https://example.org/context.jsonld", "@id": "https://example.org/x"})
    _serve(fixture_server, path, "remote.jsonld", "application/ld+json", remote)
    with pytest.raises(SourceError) as refused:
        read_dcat_catalog(fixture_server.url(f"{path}/remote.jsonld"), loopback_http, tmp_path, None)
    assert refused.value.kind == SourceErrorKind.WRONG_CONTENT and "remote @context" in str(refused.value)

    base = fixture_server.url(path)
    looping = (KOMMUN / "page2.rdf").read_text(encoding="utf-8").replace("{{BASE_URL}}", base).replace(
        "<hydra:first", f'<hydra:next rdf:resource="{base}/page2.rdf"/>\n\t<hydra:first', 1)
    _serve(fixture_server, path, "page2.rdf", "application/rdf+xml", looping)
    with pytest.raises(SourceError, match="loops back"):
        read_dcat_catalog(f"{base}/page2.rdf", loopback_http, tmp_path, None)
