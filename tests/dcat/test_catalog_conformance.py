"""The portal's DCAT-AP-SE catalog: SHACL, Swedish mandatory properties, DIGG's harvest rules.

Runs against the real local portal. The datasets are written by the publisher's own
mapping (tests/dcat/portal_data.py) under unique names and purged afterwards.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pyshacl
import pytest
import rdflib
import requests
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, RDF, XSD

from tests.dcat.portal_data import BATHING_SPEC, CC0, CC_BY, published_catalog

pytestmark = pytest.mark.ckan

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "dcat-ap-3.0.0"
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
NO_BLANK = (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, FOAF.Agent, VCARD.Kind,
            VCARD.Organization, VCARD.Individual)


@pytest.fixture(scope="module")
def published(ckan_portal, tmp_path_factory):
    with published_catalog(ckan_portal, tmp_path_factory.mktemp("dcat"), "dcat") as (catalog, packages, _token):
        yield ckan_portal, catalog, packages


@pytest.fixture(scope="module")
def catalog_rdf(published):
    portal = published[0]
    response = requests.get(f"{portal.url}/catalog.rdf", timeout=60)
    assert response.status_code == 200, response.text[:500]
    return response.text


@pytest.fixture(scope="module")
def graph(catalog_rdf):
    return rdflib.Graph().parse(data=catalog_rdf, format="xml")


def _ours(graph: rdflib.Graph, portal_url: str, packages: dict) -> rdflib.Graph:
    """The catalog restricted to the datasets this module created (the portal is shared:
    other tests' datasets come and go while this runs)."""
    keep = {URIRef(f"{portal_url}/dataset/{p['id']}") for p in packages.values()}
    sub = rdflib.Graph()
    seen: set = set()
    todo = [URIRef(portal_url)]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            if p == DCAT.dataset and o not in keep:
                continue
            sub.add((node, p, o))
            if not isinstance(o, Literal):
                todo.append(o)
    return sub


def _dataset_ref(portal, package) -> URIRef:
    return URIRef(f"{portal.url}/dataset/{package['id']}")


def test_catalog_passes_dcat_ap_3_shacl_with_zero_violations(published, graph):
    portal, _, packages = published
    data = _ours(graph, portal.url, packages)
    assert len(set(data.objects(None, DCAT.dataset))) == 3
    shapes = rdflib.Graph()
    shapes.parse(REFERENCE / "shapes.ttl", format="turtle")
    shapes.parse(REFERENCE / "range.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_catalog_passes_the_recommended_shapes_where_the_facts_exist(published, graph):
    """DCAT-AP 3.0.0's recommended shapes: every result left is a fact the data does not have.

    The profile writes no invented value, so three results remain by design: the ongoing dataset's
    period has no end date (DIGG: an ongoing dataset gives none), the dataset without a temporal
    extent has no dct:temporal, and Kalmar län (NUTS SE213) has no bbox/centroid while no measured
    geometry is in ckanext/kalmar/dcat_places.py.
    """
    portal, catalog, packages = published
    data = _ours(graph, portal.url, packages)
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl"):
        shapes.parse(REFERENCE / name, format="turtle")
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = sorted((str(results.value(r, sh.focusNode)), str(results.value(r, sh.resultPath)))
                   for r in results.subjects(RDF.type, sh.ValidationResult))
    ongoing = _dataset_ref(portal, packages[catalog.datasets[1].id])
    undated = _dataset_ref(portal, packages[catalog.datasets[2].id])
    se213 = "http://data.europa.eu/nuts/code/SE213"
    assert found == sorted([
        (f"{ongoing}#temporal", str(DCAT.endDate)),
        (str(undated), str(DCT.temporal)),
        (se213, str(DCAT.bbox)),
        (se213, str(DCAT.centroid)),
    ])
    for dist in data.subjects(RDF.type, DCAT.Distribution):  # hosted distributions say how long they stay
        assert data.value(dist, DCATAP.availability) == URIRef(
            "http://publications.europa.eu/resource/authority/planned-availability/AVAILABLE"), dist
    licence = URIRef(CC0)
    assert data.value(licence, DCT.type) == URIRef("http://purl.org/adms/licencetype/PublicDomain")
    catalog_ref = URIRef(portal.url)
    assert data.value(catalog_ref, DCT.issued) is not None and data.value(catalog_ref, DCT.spatial) == URIRef(se213)


def test_rdf_xml_parses_and_every_iri_is_absolute(graph):
    assert len(graph) > 0
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef):
                parts = urlsplit(str(node))
                assert parts.scheme in ("http", "https", "mailto"), node
                assert parts.scheme == "mailto" or parts.netloc, node
                assert " " not in str(node), node


def test_no_blank_node_for_catalog_dataset_distribution_publisher_contact(graph):
    for cls in NO_BLANK:
        blanks = [s for s in graph.subjects(RDF.type, cls) if isinstance(s, BNode)]
        assert not blanks, f"blank {cls} nodes: {blanks[:3]}"
    for pred in (DCT.publisher, DCAT.contactPoint, DCAT.distribution, DCAT.dataset):
        blanks = [o for o in graph.objects(None, pred) if isinstance(o, BNode)]
        assert not blanks, f"blank objects of {pred}"


def test_swedish_mandatory_properties(published, graph):
    portal, _, packages = published
    cat = URIRef(portal.url)
    for pred in (DCT.title, DCT.description, DCT.publisher, DCT.license, DCAT.dataset):
        assert graph.value(cat, pred) is not None, f"catalog lacks {pred}"
    assert graph.value(cat, DCT.license) == URIRef(CC0)
    for pkg in packages.values():
        ds = _dataset_ref(portal, pkg)
        assert (cat, DCAT.dataset, ds) in graph
        for pred in (DCT.title, DCT.description, DCT.publisher):
            assert graph.value(ds, pred) is not None, f"{pkg['name']} lacks {pred}"
        dists = list(graph.objects(ds, DCAT.distribution))
        assert dists
        for dist in dists:
            assert graph.value(dist, DCAT.accessURL) is not None
            assert str(graph.value(dist, DCT["format"])).startswith(FILE_TYPE)
            assert str(graph.value(dist, DCAT.mediaType)).startswith(IANA)


def test_publishers_use_dataportal_uri_when_orgnr_is_known(published, graph):
    portal, catalog, packages = published
    kalmar = _dataset_ref(portal, packages[catalog.datasets[0].id])
    region = _dataset_ref(portal, packages[catalog.datasets[1].id])
    assert graph.value(kalmar, DCT.publisher) == URIRef("http://dataportal.se/organisation/SE2120000704")
    region_pub = graph.value(region, DCT.publisher)
    assert region_pub == URIRef(f"{portal.url}/organization/{catalog.organizations[0].id}")
    assert str(graph.value(region_pub, FOAF.name)) == "Region Kalmar län"
    assert graph.value(region_pub, DCT.type) == URIRef("http://purl.org/adms/publishertype/RegionalAuthority")


def test_dataset_properties_are_vocabulary_iris(published, graph):
    portal, catalog, packages = published
    ds = _dataset_ref(portal, packages[catalog.datasets[0].id])
    assert set(graph.objects(ds, DCAT.theme)) == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme/ENVI"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")}
    assert graph.value(ds, DCT.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    assert graph.value(ds, DCT.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    assert graph.value(ds, DCT.spatial) == URIRef("http://data.europa.eu/nuts/code/SE213")
    assert graph.value(ds, DCT.conformsTo) == URIRef(BATHING_SPEC)
    assert graph.value(ds, DCATAP.hvdCategory) == URIRef("http://data.europa.eu/bna/c_e1da4e07")
    assert graph.value(ds, DCATAP.applicableLegislation) == URIRef(
        "http://data.europa.eu/eli/reg_impl/2023/138/oj")
    period = graph.value(ds, DCT.temporal)
    assert isinstance(period, URIRef) and (period, RDF.type, DCT.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date)
    contact = graph.value(ds, DCAT.contactPoint)
    assert isinstance(contact, URIRef) and contact.startswith(portal.url)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:oppnadata@kalmar.se")
    assert {str(k) for k in graph.objects(ds, DCAT.keyword)} == {"bad", "strand"}


def test_distributions_formats_licences_and_checksums(published, graph):
    portal, catalog, packages = published
    by_format = {}
    for name, pkg in packages.items():
        licence = URIRef(CC_BY if name == catalog.datasets[1].id else CC0)
        for dist in graph.objects(_dataset_ref(portal, pkg), DCAT.distribution):
            assert graph.value(dist, DCT.license) == licence, dist
            assert graph.value(dist, DCT.rights) is not None
            by_format.setdefault(str(graph.value(dist, DCT["format"])).rsplit("/", 1)[-1], []).append(dist)
    assert set(by_format) == {"CSV", "GEOJSON", "JSON"}
    assert len(by_format["CSV"]) == 3 and len(by_format["GEOJSON"]) == 1 and len(by_format["JSON"]) == 1
    geo = by_format["GEOJSON"][0]
    assert graph.value(geo, DCAT.mediaType) == URIRef(IANA + "application/geo+json")
    csv = by_format["CSV"][0]
    checksum = graph.value(csv, SPDX.checksum)
    assert isinstance(checksum, URIRef) and len(str(graph.value(checksum, SPDX.checksumValue))) == 64
    assert str(graph.value(csv, DCT.conformsTo)).endswith("schema.json")
    # schema and report resources are not distributions
    titles = {str(graph.value(d, DCT.title)) for ds in by_format.values() for d in ds}
    assert not {"schema.json", "report.json"} & titles
    dump = by_format["JSON"][0]
    url = str(graph.value(dump, DCAT.downloadURL))
    assert "/datastore/dump/" in url and requests.get(url, timeout=30).json()["records"]


def test_turtle_and_jsonld_serve_the_same_catalog(published, graph):
    portal = published[0]
    for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld")):
        response = requests.get(f"{portal.url}/catalog.{ext}", timeout=60)
        assert response.status_code == 200
        other = rdflib.Graph().parse(data=response.content, format=fmt)  # Turtle and JSON-LD are UTF-8 by definition
        ours = {_dataset_ref(portal, p) for p in published[2].values()}
        assert ours <= set(other.objects(URIRef(portal.url), DCAT.dataset)), ext
        for ds in ours:
            assert set(other.triples((ds, None, None))) == set(graph.triples((ds, None, None))), ext


def test_whole_catalog_in_one_document_beyond_100_datasets(ckan_portal):
    token = "page" + uuid.uuid4().hex[:8]
    api = ckan_portal.api()
    try:
        api.action.organization_create(name=f"org-{token}", title="Sidtest")
        names = [f"ds-{token}-{i:03d}" for i in range(105)]
        for name in names:
            api.action.package_create(name=name, title=name, notes="Sidtest.", owner_org=f"org-{token}",
                                      license_id="CC0-1.0")
        ids = {api.action.package_show(id=n)["id"] for n in names}
        response = requests.get(f"{ckan_portal.url}/catalog.rdf", timeout=120)
        assert response.status_code == 200
        g = rdflib.Graph().parse(data=response.text, format="xml")
        listed = {str(o).rsplit("/", 1)[-1] for o in g.objects(URIRef(ckan_portal.url), DCAT.dataset)}
        assert ids <= listed, f"{len(ids - listed)} of 105 datasets missing from /catalog.rdf"
    finally:
        ckan_portal.purge_matching(token)
