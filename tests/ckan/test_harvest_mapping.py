"""A harvested record → a CKAN package: kept as the source says it, or refused with the reason (no portal)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph

from pipelines.ckan.harvest_mapping import MappingError, harvested_name, record_package
from pipelines.model import HarvestSource, Organization, Source
from pipelines.sources.dcat_records import records_from_graph

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "dcat-ap-se"
KALMAR = Organization(id="kalmar-kommun", title="Kalmar kommun", description="Kommun.", code="0880",
                      website="https://kalmar.se", email="kommun@kalmar.se", orgnr="2120000746")
HARVEST = HarvestSource(id="kalmar-kommun-dcat", organization="kalmar-kommun", source=Source("dcat"))


@pytest.fixture(scope="module")
def library():
    [record], _ = records_from_graph(Graph().parse(REFERENCE / "rekommenderat.rdf"))
    return record


def test_digg_recommended_example_mapped_per_language_with_links(library):
    name = harvested_name(HARVEST, library)
    assert name.startswith("kalmar-kommun-dcat-bibliotek-i-sverige-") and len(name) <= 100
    pkg = record_package(library, HARVEST, KALMAR, name)
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert (pkg["title"], pkg["notes"]) == ("Bibliotek i Sverige", "Plats och öppettider för alla bibliotek i Sverige")
    assert extras["title_en"] == "Libraries in Sweden" and "notes_en" not in extras  # the source gives none
    assert pkg["tags"] == [{"name": "bibliotek"}] and json.loads(extras["keywords_en"]) == ["library"]
    assert pkg["license_id"] == "CC0-1.0" and extras["license_uri"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert extras["uri"] == "https://example.com/dataset1" and extras["spatial_uri"] == "http://sws.geonames.org/2661886"
    assert extras["contact_email"] == "oppnadata@exemple.com" and extras["publisher_uri"] == "http://dataportal.se/organisation/SE2120000746"
    assert [(r["url"], r["download_url"], r["format"]) for r in pkg["resources"]] == [
        ("http://example.com/download", "http://example.com/download", "CSV"), ("http://example.com/api", "", "JSON")]
    assert {r["kalmar_role"] for r in pkg["resources"]} == {"link"}


def test_records_that_cannot_be_published_faithfully_are_refused(library):
    without = replace(library, distributions=tuple(replace(d, licenses=()) for d in library.distributions))
    with pytest.raises(MappingError, match="no licence stated"):
        record_package(without, HARVEST, KALMAR, "x-1")
    mixed = replace(library, licenses=("http://creativecommons.org/licenses/by/4.0/",))
    with pytest.raises(MappingError, match="several licences"):
        record_package(mixed, HARVEST, KALMAR, "x-1")
    foreign = replace(library, publisher="http://dataportal.se/organisation/SE2120000761")
    with pytest.raises(MappingError, match="another organisation"):
        record_package(foreign, HARVEST, KALMAR, "x-1")
    odd_keyword = replace(library, keywords={"sv": ("bibliotek/arkiv",)})
    with pytest.raises(MappingError, match="cannot be a CKAN tag"):
        record_package(odd_keyword, HARVEST, KALMAR, "x-1")
    https = replace(library, distributions=tuple(
        replace(d, licenses=("https://creativecommons.org/publicdomain/zero/1.0",)) for d in library.distributions))
    assert record_package(https, HARVEST, KALMAR, "x-1")["license_id"] == "CC0-1.0"  # the same licence, DIGG's form
