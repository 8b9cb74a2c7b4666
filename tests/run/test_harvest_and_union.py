"""A municipality's DCAT catalog harvested and a county-wide union published, all through `oppnadata run`.

Against the real local CKAN and a loopback HTTP server serving a two-page
catalog built from DIGG's DCAT-AP-SE examples (tests/fixtures/http/dcat/).

Run 1: three records mirrored (titles kept per language, distributions as
links, the linked CSVs loaded into the DataStore: the toilets against the
national specification they name, the libraries as text), the record with
no Swedish title refused with its reason and the others still mirrored; the
union of Kalmar's harvested toilets and Nybro's catalog dataset published
with both parts, a municipality code per row.
Run 2: nothing changed at the sources: zero CKAN writes, catalog pages
answered 304.
Run 3: a record gone from the catalog is withdrawn (private), Kalmar's
toilets changed (the union is republished with the new row) and Nybro's
source fails (reported in the union, its last good rows kept).
Run 4: the catalog lists the withdrawn record again after it was deleted
(as `OPPNADATA_WITHDRAWAL=delete` does): the same dataset is public again.
"""

from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.run import read_summary

from .county_project import CATALOG_FIXTURES, CountyProject, catalog_text

pytestmark = [pytest.mark.ckan, pytest.mark.prefect]
SPEC_URI = "https://community.dataportal.se/topic/837/datastandard-f%C3%B6r-offentliga-toaletter"


@pytest.fixture
def county(tmp_path, monkeypatch, ckan_portal, unique_name, prefect_harness) -> CountyProject:
    project = CountyProject(root=tmp_path / "project", kalmar=unique_name("kalmar"), nybro=unique_name("nybro"))
    monkeypatch.setenv("OPPNADATA_ROOT", str(project.root))
    monkeypatch.setenv("OPPNADATA_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CKAN_URL", ckan_portal.url)
    monkeypatch.setenv("CKAN_API_TOKEN", ckan_portal.token)
    monkeypatch.setenv("OPPNADATA_ALLOW_PRIVATE_HOSTS", "true")
    return project


def _run(project: CountyProject):
    before = sorted((project.root.parent / "state" / "reports").glob("*.json"))
    result = CliRunner().invoke(main, ["run", "--retries", "0"], catch_exceptions=False)
    after = sorted((project.root.parent / "state" / "reports").glob("*.json"))
    new = [p for p in after if p not in before]
    assert len(new) == 1, result.output
    [new] = new
    return result, read_summary(new)


def _extras(pkg) -> dict:
    return {e["key"]: e["value"] for e in pkg["extras"]}


def _rows(ckan_portal, pkg) -> list[dict]:
    data = next(r for r in pkg["resources"] if r.get("kalmar_role") == "data")
    return ckan_portal.api().action.datastore_search(resource_id=data["id"], limit=100, sort="_id")["records"]


def test_catalog_harvested_reharvested_withdrawn_and_union_published(county, fixture_server, unique_name, ckan_portal):
    tok = unique_name.token
    base = fixture_server.url(f"/dcat/{tok}")
    for page in ("page1.rdf", "page2.rdf"):
        fixture_server.set(f"/dcat/{tok}/{page}", catalog_text(page, base), content_type="application/rdf+xml")
    for name in ("toaletter.csv", "bibliotek.csv"):
        fixture_server.set(f"/dcat/{tok}/{name}", (CATALOG_FIXTURES / name).read_text(encoding="utf-8"), content_type="text/csv")
    nybro_csv = (CATALOG_FIXTURES / "toaletter-nybro.csv").read_text(encoding="utf-8")
    fixture_server.set(f"/dcat/{tok}/nybro.csv", nybro_csv, content_type="text/csv")
    harvest_id, nybro_id, union_id = unique_name("kalmar-dcat"), unique_name("toaletter-nybro"), unique_name("toaletter-lan")
    county.add_harvest(harvest_id, county.kalmar, f"{base}/page1.rdf", ["csv"])
    county.add_specification_dataset(nybro_id, county.nybro, f"{base}/nybro.csv")
    county.add_union(union_id)
    county.write()
    api = ckan_portal.api()

    # Run 1 --------------------------------------------------------------------------------------
    result, first = _run(county)
    assert result.exit_code == 1, result.output  # the broken record is a failure someone must see
    assert "Traceback" not in result.output
    [harvest] = first.harvests
    assert harvest.counts == {"new": 3, "changed": 0, "unchanged": 0, "withdrawn": 0, "failed": 1}, harvest
    assert harvest.pages == 2
    [broken] = harvest.failed
    assert broken.uri == f"{base}/dataset/trasig" and "no title in Swedish" in broken.message
    assert "trasig" in result.output and "no title in Swedish" in result.output  # the CLI says which and why
    by_uri = {r.uri: r.dataset_id for r in harvest.records}

    library = api.action.package_show(id=by_uri[f"{base}/dataset/bibliotek"])
    extras = _extras(library)
    assert library["title"] == "Bibliotek i Sverige" and library["owner_org"] in (county.kalmar, api.action.organization_show(id=county.kalmar)["id"])
    assert extras["title_en"] == "Libraries in Sweden"
    assert extras["notes_en"] == "Location and opening hours of every library in Sweden"
    assert json.loads(extras["keywords_en"]) == ["library"] and [t["name"] for t in library["tags"]] == ["bibliotek"]
    assert extras["uri"] == f"{base}/dataset/bibliotek" and extras["kalmar_harvest_source"] == harvest_id
    links = sorted(r["url"] for r in library["resources"] if r["kalmar_role"] == "link")
    assert links == [f"{base}/api", f"{base}/bibliotek.csv"]
    assert [r["namn"] for r in _rows(ckan_portal, library)] == ["Stadsbiblioteket", "Filial Smedby"]  # no spec: text
    ttl = requests.get(f"{ckan_portal.url}/dataset/{library['name']}.ttl", timeout=30).text
    assert '"Libraries in Sweden"@en' in ttl and '"Bibliotek i Sverige"@sv' in ttl and '"library"@en' in ttl

    toilets = api.action.package_show(id=by_uri[f"{base}/dataset/toaletter"])
    schema_res = next(r for r in toilets["resources"] if r["kalmar_role"] == "schema")
    schema = requests.get(schema_res["url"], timeout=30).json()
    assert schema["specification"]["uri"] == SPEC_URI  # validated against the specification it names
    assert [r["latitude"] for r in _rows(ckan_portal, toilets)] == [56.6634, 56.6603]

    nybro = api.action.package_show(id=nybro_id)
    assert json.loads(_extras(nybro)["conforms_to"]) == [SPEC_URI]
    assert SPEC_URI in requests.get(f"{ckan_portal.url}/dataset/{nybro_id}.ttl", timeout=30).text

    statuses = {o.dataset_id: o for o in first.outcomes}
    assert statuses[union_id].status == "published", statuses[union_id]
    union = api.action.package_show(id=union_id)
    rows = _rows(ckan_portal, union)
    assert [(r["kommunkod"], r["id"]) for r in rows] == [("0880", "0880-wc-001"), ("0880", "0880-wc-002"), ("0881", "nybro-1")]
    assert {r["kalla"] for r in rows} == {f"{ckan_portal.url}/dataset/{toilets['name']}", f"{ckan_portal.url}/dataset/{nybro_id}"}

    # Run 2: nothing changed at any source -------------------------------------------------------
    result, second = _run(county)
    assert second.write_calls == 0, second.to_dict()
    [harvest] = second.harvests
    assert harvest.counts["unchanged"] == 3 and harvest.counts["failed"] == 1
    assert harvest.not_modified_pages == 2  # conditional GET: both pages answered 304
    assert {o.dataset_id: o.status for o in second.outcomes} == {nybro_id: "unchanged", union_id: "unchanged"}

    # Run 3: a record removed, a member changed, a member failing ----------------------------------
    page2 = catalog_text("page2.rdf", base)
    start = page2.index(f'<dcat:Dataset rdf:about="{base}/dataset/matvaruaffarer">')
    page2 = page2[:start] + page2[page2.index("</dcat:Dataset>", start) + len("</dcat:Dataset>"):]
    page2 = page2.replace(f'\t<dcat:dataset rdf:resource="{base}/dataset/matvaruaffarer"/>\n', "")
    fixture_server.set(f"/dcat/{tok}/page2.rdf", page2, content_type="application/rdf+xml")
    more = (CATALOG_FIXTURES / "toaletter.csv").read_text(encoding="utf-8") + \
        "0880,0880-wc-003,Toalett vid Kalmar C,56.6617,16.3567,kommun@kalmar.se,,,2024-06-01,\n"
    fixture_server.set(f"/dcat/{tok}/toaletter.csv", more, content_type="text/csv")
    fixture_server.set(f"/dcat/{tok}/nybro.csv", "gone", status=404)
    result, third = _run(county)
    [harvest] = third.harvests
    assert harvest.counts == {"new": 0, "changed": 1, "unchanged": 1, "withdrawn": 1, "failed": 1}, harvest
    gone = api.action.package_show(id=by_uri[f"{base}/dataset/matvaruaffarer"])
    assert gone["private"] is True and _extras(gone)["kalmar_last_status"] == "withdrawn"
    assert by_uri[f"{base}/dataset/matvaruaffarer"] not in {
        p["name"] for p in ckan_portal.anonymous().action.package_search(q="", rows=1000)["results"]}
    outcomes = {o.dataset_id: o for o in third.outcomes}
    assert outcomes[nybro_id].status == "source_error"
    assert outcomes[union_id].status == "published", outcomes[union_id]
    assert f"member {nybro_id} failed its last attempt" in outcomes[union_id].message
    rows = _rows(ckan_portal, api.action.package_show(id=union_id))
    assert [(r["kommunkod"], r["id"]) for r in rows] == [
        ("0880", "0880-wc-001"), ("0880", "0880-wc-002"), ("0880", "0880-wc-003"), ("0881", "nybro-1")]

    # Run 4: the record is listed again after its dataset was deleted (the `delete` policy) ----------
    api.action.package_delete(id=gone["id"])
    fixture_server.set(f"/dcat/{tok}/page2.rdf", catalog_text("page2.rdf", base), content_type="application/rdf+xml")
    result, fourth = _run(county)
    [harvest] = fourth.harvests
    assert harvest.counts == {"new": 0, "changed": 1, "unchanged": 2, "withdrawn": 0, "failed": 1}, harvest
    [back] = [r for r in harvest.records if r.uri == f"{base}/dataset/matvaruaffarer"]
    assert back.dataset_id == gone["name"] and back.message == "listed again by the source: public again"
    again = api.action.package_show(id=gone["id"])
    assert again["state"] == "active" and again["private"] is False
