"""The whole DCAT catalog served from its cache: validators, 304, invalidation, paging, hostile IRIs.

Against the real portal. The portal is shared with other tests, so every assertion is about this
test's own datasets or about the validators' behaviour around a change this test makes.
"""

from __future__ import annotations

import time

import pytest
import rdflib
import requests
from rdflib import URIRef
from rdflib.namespace import DCAT, FOAF, RDF

pytestmark = pytest.mark.ckan

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")


def _get(portal, path: str, **headers) -> requests.Response:
    return requests.get(f"{portal.url}{path}", headers=headers, timeout=120)


def _datasets(response: requests.Response, fmt: str) -> set[str]:
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    return {str(o) for o in graph.objects(None, DCAT.dataset)}


def test_validators_304_and_invalidation_on_every_kind_of_change(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"), title="Hultsfreds kommun")["name"]
    ds = api.action.package_create(name=unique_name("cache"), title="Återvinningsstationer", owner_org=org,
                                   license_id="CC0-1.0")
    iri = f"{ckan_portal.url}/dataset/{ds['id']}"

    first = _get(ckan_portal, "/catalog.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status_code == 200 and iri in _datasets(first, "turtle")
    assert first.headers["Content-Type"].startswith("text/turtle")

    again = _get(ckan_portal, "/catalog.ttl", **{"If-None-Match": etag})
    since = _get(ckan_portal, "/catalog.ttl", **{"If-Modified-Since": modified})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert since.status_code == 304

    api.action.package_patch(id=ds["id"], title="Återvinningsstationer och kretsloppsparker")
    changed = _get(ckan_portal, "/catalog.ttl", **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "kretsloppsparker" in changed.text

    seen = {changed.headers["ETag"]}
    api.action.organization_patch(id=org, title="Hultsfred")  # the publisher's name is in the fragment
    renamed = _get(ckan_portal, "/catalog.ttl")
    assert renamed.headers["ETag"] not in seen and '"Hultsfred"@sv' in renamed.text
    seen.add(renamed.headers["ETag"])

    api.action.package_patch(id=ds["id"], private=True)
    hidden = _get(ckan_portal, "/catalog.ttl")
    assert hidden.headers["ETag"] not in seen and iri not in _datasets(hidden, "turtle")
    seen.add(hidden.headers["ETag"])

    api.action.package_patch(id=ds["id"], private=False)
    public = _get(ckan_portal, "/catalog.ttl")
    assert public.headers["ETag"] not in seen and iri in _datasets(public, "turtle")
    api.action.package_delete(id=ds["id"])
    deleted = _get(ckan_portal, "/catalog.ttl")
    # the same datasets as while it was private: a validator derived from the content may repeat
    assert deleted.headers["ETag"] != public.headers["ETag"] and iri not in _datasets(deleted, "turtle")

    other = api.action.package_create(name=unique_name("cache"), title="Kvar", owner_org=org)
    before_purge = _get(ckan_portal, "/catalog.rdf")
    time.sleep(1.1)  # Last-Modified has whole seconds
    api.action.dataset_purge(id=other["id"])
    purged = _get(ckan_portal, "/catalog.rdf", **{"If-Modified-Since": before_purge.headers["Last-Modified"]})
    assert purged.status_code == 200 and purged.headers["ETag"] != before_purge.headers["ETag"]


def test_every_format_serves_the_same_whole_catalog(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    ids = {api.action.package_create(name=unique_name("fmt"), title=f"Format {i}", owner_org=org)["id"]
           for i in range(3)}
    ours = {f"{ckan_portal.url}/dataset/{i}" for i in ids}

    graphs = {}
    for ext, fmt in (("rdf", "xml"), ("ttl", "turtle"), ("jsonld", "json-ld"), ("xml", "xml"), ("n3", "n3")):
        response = _get(ckan_portal, f"/catalog.{ext}")
        assert response.status_code == 200, ext
        graphs[ext] = rdflib.Graph().parse(data=response.content, format=fmt)
        assert ours <= {str(o) for o in graphs[ext].objects(URIRef(ckan_portal.url), DCAT.dataset)}, ext

    for iri in ours:
        triples = {ext: set(g.triples((URIRef(iri), None, None))) for ext, g in graphs.items()}
        assert all(t == triples["rdf"] for t in triples.values()) and triples["rdf"], iri


def test_a_page_request_gets_hydra_paging(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    api.action.package_create(name=unique_name("sida"), title="Sidan", owner_org=org)

    page = _get(ckan_portal, "/catalog.ttl?page=1")

    graph = rdflib.Graph().parse(data=page.content, format="turtle")
    [collection] = list(graph.subjects(RDF.type, HYDRA.PagedCollection))
    assert int(graph.value(collection, HYDRA.itemsPerPage)) == 100
    assert int(graph.value(collection, HYDRA.totalItems)) >= 1
    assert "ETag" not in page.headers or page.headers["ETag"] != _get(ckan_portal, "/catalog.ttl").headers["ETag"]
