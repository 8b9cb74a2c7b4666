"""package_search answered from PostgreSQL (ckanext-kalmar), against the real local CKAN 2.12.

Every test works inside its own organization(s), named by `unique_name`, and filters by them, so
tests are independent of whatever else is in the shared portal.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from ckanapi import NotAuthorized, NotFound, SearchQueryError, ValidationError

from tests.plugins.portal import ROOT

pytestmark = pytest.mark.ckan


def _dataset(api, org, name, title, **fields):
    return api.action.package_create(name=name, title=title, owner_org=org, **fields)


def _search(api, **params):
    return api.action.package_search(**params)


@pytest.fixture
def org(ckan_portal, unique_name):
    return ckan_portal.create_organization(unique_name("org"), title="Testkommun i Kalmar län")["name"]


def test_swedish_stemming_finds_plural_title_by_singular_word(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    _dataset(api, org, unique_name("badplatser"), "Badplatser i Kalmar län")
    _dataset(api, org, unique_name("parkering"), "Parkeringsplatser", notes="Infartsparkering.")

    result = _search(api, q="badplats", fq=f"organization:{org}")

    assert [d["title"] for d in result["results"]] == ["Badplatser i Kalmar län"]
    assert result["count"] == 1


def test_title_match_ranks_above_notes_match(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    _dataset(api, org, unique_name("a"), "Lekplatser", notes="Nära en badplats finns ofta en lekplats.")
    _dataset(api, org, unique_name("b"), "Badplatser", notes="Kommunens strandbad.")

    result = _search(api, q="badplats", fq=f"organization:{org}", sort="score desc")

    assert [d["title"] for d in result["results"]] == ["Badplatser", "Lekplatser"]


def test_search_covers_tags_organization_title_and_resources(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"), title="Vimmerby kommun")["name"]
    _dataset(api, org, unique_name("tagg"), "Första", tags=[{"name": "friluftsliv"}])
    _dataset(
        api, org, unique_name("res"), "Andra",
        resources=[{"url": "http://example.invalid/x.csv", "name": "Vandringsleder", "description": "Slingor i skogen"}],
    )

    def titles(q):
        return sorted(d["title"] for d in _search(api, q=q, fq=f"organization:{org}")["results"])

    assert titles("friluftsliv") == ["Första"]
    assert titles("vandringsled") == ["Andra"]
    assert titles("skogen") == ["Andra"]
    assert titles("Vimmerby") == ["Andra", "Första"]
    assert titles("finnsinte") == []


def test_swedish_letters_round_trip_through_create_show_and_search(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    title = "Åtgärder för ängar och öar – ÅÄÖ åäö é"
    notes = "Sjöar, älvar och ön Öland. Ärenden hanteras av förvaltningen."
    name = unique_name("angar")
    _dataset(api, org, name, title, notes=notes, tags=[{"name": "vägar"}, {"name": "Ölandsleden"}])

    shown = api.action.package_show(id=name)
    found = _search(api, q="ängar", fq=f"organization:{org}")["results"]
    by_tag = _search(api, fq=f'organization:{org} tags:"vägar"')["results"]

    assert shown["title"] == title and shown["notes"] == notes
    assert {t["name"] for t in shown["tags"]} == {"Ölandsleden", "vägar"}
    assert [(d["title"], d["notes"]) for d in found] == [(title, notes)]
    assert [d["name"] for d in by_tag] == [name]


def test_facet_counts_equal_the_datasets_created(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    group = api.action.group_create(name=unique_name("grupp"), title="Natur")["name"]
    csv = {"url": "http://example.invalid/a.csv", "format": "CSV"}
    geo = {"url": "http://example.invalid/a.geojson", "format": "GeoJSON"}
    _dataset(api, org, unique_name("d"), "Ett", tags=[{"name": "bad"}, {"name": "natur"}],
             license_id="CC0-1.0", resources=[csv, dict(csv)], groups=[{"name": group}])
    _dataset(api, org, unique_name("d"), "Två", tags=[{"name": "bad"}], license_id="CC-BY-4.0",
             resources=[csv, geo], groups=[{"name": group}])
    _dataset(api, org, unique_name("d"), "Tre", tags=[{"name": "natur"}], license_id="CC0-1.0", resources=[geo])

    result = _search(api, fq=f"organization:{org}", rows=0,
                     **{"facet.field": '["organization", "tags", "groups", "res_format", "license_id"]'})
    facets = result["facets"]

    assert result["count"] == 3 and result["results"] == []
    assert facets["organization"] == {org: 3}
    assert facets["tags"] == {"bad": 2, "natur": 2}
    assert facets["groups"] == {group: 2}
    assert facets["res_format"] == {"CSV": 2, "GeoJSON": 2}  # datasets per format, not resources
    assert facets["license_id"] == {"CC0-1.0": 2, "CC-BY-4.0": 1}
    in_group = _search(api, fq=f'organization:{org} groups:"{group}"')["results"]
    assert sorted(d["title"] for d in in_group) == ["Ett", "Två"]
    items = {i["name"]: i for i in result["search_facets"]["organization"]["items"]}
    assert items[org]["count"] == 3 and items[org]["display_name"] == "Testkommun i Kalmar län"


def test_facet_limit_and_mincount(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    for tags in (["aa", "bb", "cc"], ["aa", "bb"], ["aa"]):
        _dataset(api, org, unique_name("d"), "X", tags=[{"name": t} for t in tags])

    limited = _search(api, fq=f"organization:{org}", rows=0, **{"facet.field": '["tags"]', "facet.limit": 2})
    mincount = _search(api, fq=f"organization:{org}", rows=0, **{"facet.field": '["tags"]', "facet.mincount": 2})

    assert limited["facets"]["tags"] == {"aa": 3, "bb": 2}
    assert mincount["facets"]["tags"] == {"aa": 3, "bb": 2}


def test_fq_by_organization_and_by_tag(ckan_portal, unique_name):
    api = ckan_portal.api()
    kalmar = ckan_portal.create_organization(unique_name("kalmar"))["name"]
    nybro = ckan_portal.create_organization(unique_name("nybro"))["name"]
    k1 = _dataset(api, kalmar, unique_name("k"), "K1", tags=[{"name": "skola"}])["name"]
    k2 = _dataset(api, kalmar, unique_name("k"), "K2", tags=[{"name": "vård"}])["name"]
    n1 = _dataset(api, nybro, unique_name("n"), "N1", tags=[{"name": "skola"}])["name"]

    def names(fq):
        return sorted(d["name"] for d in _search(api, fq=fq, rows=100)["results"])

    assert names(f"organization:{kalmar}") == sorted([k1, k2])
    assert names(f'organization:"{nybro}"') == [n1]
    assert names(f"(organization:{kalmar} OR organization:{nybro}) tags:skola") == sorted([k1, n1])
    assert names(f"organization:{kalmar} -tags:skola") == [k2]
    assert names(f"organization:({kalmar} OR {nybro}) +tags:vård") == [k2]
    assert names(f"+owner_org:{api.action.organization_show(id=nybro)['id']}") == [n1]


def test_fq_by_name_id_license_format_and_extras(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    a = _dataset(api, org, unique_name("a"), "A", license_id="CC0-1.0",
                 extras=[{"key": "kalmar_source_type", "value": "file"},
                         {"key": "spatial_uri", "value": "http://data.europa.eu/nuts/code/SE213"}],
                 resources=[{"url": "http://example.invalid/a.csv", "format": "CSV"}])
    b = _dataset(api, org, unique_name("b"), "B", license_id="CC-BY-4.0",
                 extras=[{"key": "kalmar_source_type", "value": "pxweb"}])

    def names(fq):
        return sorted(d["name"] for d in _search(api, fq=f"organization:{org} {fq}")["results"])

    assert names(f"name:{a['name']}") == [a["name"]]
    assert names(f'id:"{b["id"]}"') == [b["name"]]
    assert names("license_id:CC-BY-4.0") == [b["name"]]
    assert names("res_format:CSV") == [a["name"]]
    assert names("extras_kalmar_source_type:file") == [a["name"]]
    assert names("kalmar_source_type:pxweb") == [b["name"]]
    assert names('spatial_uri:"http://data.europa.eu/nuts/code/SE213"') == [a["name"]]
    assert names("kalmar_source_type:*") == sorted([a["name"], b["name"]])


def test_metadata_modified_range(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    first = _dataset(api, org, unique_name("old"), "Gammal")
    second = _dataset(api, org, unique_name("new"), "Ny")
    cut = second["metadata_modified"]  # naive UTC ISO, as CKAN returns it

    after = _search(api, fq=f"organization:{org} metadata_modified:[{cut}Z TO NOW]")["results"]
    before = _search(api, fq=f"organization:{org} metadata_modified:[* TO {cut}Z}}")["results"]
    everything = _search(api, fq=f"organization:{org} metadata_modified:[* TO *]")["count"]

    assert [d["name"] for d in after] == [second["name"]]
    assert [d["name"] for d in before] == [first["name"]]
    assert everything == 2


def test_paging_25_datasets_in_pages_of_10_returns_each_exactly_once(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    created = {_dataset(api, org, unique_name("p"), f"Sida {i:02d}")["name"] for i in range(25)}

    for sort in ("metadata_modified desc", "name asc", "score desc, metadata_modified desc", "title_string desc"):
        seen, counts = [], []
        for start in (0, 10, 20):
            page = _search(api, fq=f"organization:{org}", rows=10, start=start, sort=sort)
            counts.append(page["count"])
            seen.extend(d["name"] for d in page["results"])
        assert counts == [25, 25, 25], sort
        assert len(seen) == 25 and set(seen) == created, sort
    past_end = _search(api, fq=f"organization:{org}", rows=10, start=30)
    assert past_end["results"] == [] and past_end["count"] == 25


def test_sort_orders(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    for title in ("Zebra", "Äpple", "banan", "Örter"):
        _dataset(api, org, unique_name("s"), title)

    def titles(sort):
        return [d["title"] for d in _search(api, fq=f"organization:{org}", sort=sort)["results"]]

    assert titles("title_string asc") == ["banan", "Zebra", "Äpple", "Örter"]  # Swedish order: å ä ö after z
    assert titles("title_string desc") == ["Örter", "Äpple", "Zebra", "banan"]
    assert titles("metadata_modified desc") == ["Örter", "banan", "Äpple", "Zebra"]
    assert titles("metadata_modified asc") == ["Zebra", "Äpple", "banan", "Örter"]
    names = [d["name"] for d in _search(api, fq=f"organization:{org}", sort="name desc")["results"]]
    assert names == sorted(names, reverse=True)
    # No page-view tracking here: popularity orders (the home page's "view_recent desc") follow the last change.
    assert titles("view_recent desc") == titles("views_recent desc") == titles("metadata_modified desc")


def test_home_page_answers_with_its_featured_organization(ckan_portal, unique_name, org):
    """CKAN's front page searches with popularity sorts and shows the featured organization (the first by name
    unless configured) with its datasets; it must render, whatever else the shared portal holds."""
    _dataset(ckan_portal.api(), org, unique_name("hem"), f"Hemsidans dataset {unique_name.token}")
    featured = ckan_portal.api().action.organization_list()[0]

    page = requests.get(ckan_portal.url + "/", timeout=30)

    assert page.status_code == 200, page.text[-2000:]
    assert f'href="/organization/{featured}"' in page.text


def test_private_dataset_invisible_to_anonymous_and_visible_to_org_member(ckan_portal, unique_name, org):
    admin = ckan_portal.api()
    private = _dataset(admin, org, unique_name("hemlig"), "Hemlig", private=True)["name"]
    public = _dataset(admin, org, unique_name("oppen"), "Öppen")["name"]
    member = ckan_portal.create_user(unique_name("medlem"))
    outsider = ckan_portal.create_user(unique_name("utomstaende"))
    ckan_portal.add_member(org, member.name, "member")

    def names(api):
        return sorted(d["name"] for d in _search(api, fq=f"organization:{org}", include_private=True)["results"])

    assert names(ckan_portal.anonymous()) == [public]
    assert names(ckan_portal.api(outsider.token)) == [public]
    assert names(ckan_portal.api(member.token)) == sorted([private, public])
    assert names(admin) == sorted([private, public])
    member_without_flag = _search(ckan_portal.api(member.token), fq=f"organization:{org}", include_private=False)
    assert [d["name"] for d in member_without_flag["results"]] == [public]
    with pytest.raises((NotAuthorized, NotFound)):
        ckan_portal.anonymous().action.package_show(id=private)


def test_deleted_and_draft_datasets_are_not_found(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    gone = _dataset(api, org, unique_name("borta"), "Borttagen")["name"]
    _dataset(api, org, unique_name("utkast"), "Utkast", state="draft")
    kept = _dataset(api, org, unique_name("kvar"), "Kvar")["name"]
    assert _search(api, fq=f"organization:{org}")["count"] == 2  # the draft is not listed

    api.action.package_delete(id=gone)

    result = _search(api, fq=f"organization:{org}", include_private=True)
    assert [d["name"] for d in result["results"]] == [kept]
    assert _search(api, q="Borttagen", fq=f"organization:{org}")["count"] == 0
    assert _search(api, fq=f"name:{gone}", include_deleted=True)["count"] == 1  # sysadmin asked for it


def test_bad_query_syntax_and_sort_are_reported(ckan_portal, org):
    api = ckan_portal.api()

    with pytest.raises(SearchQueryError) as unclosed:
        _search(api, fq='tags:"unclosed')
    with pytest.raises(SearchQueryError) as bad_sort:
        _search(api, sort="popularity desc")
    with pytest.raises(SearchQueryError) as bad_date:
        _search(api, fq="metadata_modified:[yesterday TO NOW]")
    with pytest.raises(ValidationError):
        _search(api, rows="many")

    assert "unclosed double quote" in str(unclosed.value)
    assert "popularity" in str(bad_sort.value) and "title_string" in str(bad_sort.value)
    assert "yesterday" in str(bad_date.value)


def test_web_ui_dataset_page_renders_facets_and_filters(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"), title="Mörbylånga kommun")["name"]
    _dataset(api, org, unique_name("ui"), "Strandpromenader", tags=[{"name": "promenad"}],
             resources=[{"url": "http://example.invalid/p.csv", "format": "CSV"}])
    _dataset(api, org, unique_name("ui"), "Cykelvägar", tags=[{"name": "cykel"}])

    page = requests.get(f"{ckan_portal.url}/dataset/", params={"organization": org}, timeout=30)
    filtered = requests.get(f"{ckan_portal.url}/dataset/", params={"organization": org, "tags": "cykel"}, timeout=30)
    org_page = requests.get(f"{ckan_portal.url}/organization/{org}", timeout=30)
    searched = requests.get(f"{ckan_portal.url}/dataset/", params={"q": "strandpromenad"}, timeout=30)

    assert page.status_code == 200
    assert "Strandpromenader" in page.text and "Cykelvägar" in page.text
    assert page.text.count('class="list-unstyled nav nav-simple nav-facet"') == 3  # organization, tags, formats; CKAN's facet lists
    assert "tags=promenad" in page.text and "res_format=CSV" in page.text  # facet filter links
    assert '<span class="item-label">Mörbylånga kommun</span>' in page.text
    assert '<span class="item-count badge">2</span>' in page.text  # the organization facet counts both
    assert filtered.status_code == 200
    assert "Cykelvägar" in filtered.text and "Strandpromenader" not in filtered.text
    assert org_page.status_code == 200 and "Strandpromenader" in org_page.text and "tags=cykel" in org_page.text
    assert searched.status_code == 200 and "Strandpromenader" in searched.text



def test_dataset_list_shows_a_dataset_as_it_is_after_each_change(ckan_portal, unique_name, org):
    """List items are rendered once per dataset revision and kept (ui/list_items.py): a change must show."""
    api = ckan_portal.api()
    name = _dataset(api, org, unique_name("lista"), "Gamla titeln", notes="Första *beskrivningen*.",
                    resources=[{"url": "http://example.invalid/a.csv", "format": "CSV"}])["name"]

    def listed(session=requests):
        page = session.get(f"{ckan_portal.url}/dataset/", params={"organization": org}, timeout=30)
        assert page.status_code == 200
        return page.text

    def items(html):
        return html[html.index('<ul class="dataset-list'):html.index("</li>", html.rindex('class="dataset-item"'))]

    before, again = listed(), listed()
    api.action.package_patch(id=name, title="Nya titeln", notes="Andra beskrivningen.",
                             resources=[{"url": "http://example.invalid/a.json", "format": "JSON"}])
    after = listed()
    api.action.package_patch(id=name, private=True)
    as_admin = requests.Session()
    as_admin.headers["Authorization"] = ckan_portal.token

    assert "Gamla titeln" in before and "Första beskrivningen." in before and 'data-format="csv"' in before
    assert items(again) == items(before)
    assert "Nya titeln" in after and "Andra beskrivningen." in after and 'data-format="json"' in after
    assert "Gamla titeln" not in after and 'data-format="csv"' not in after
    assert "Nya titeln" not in listed()  # private now: not listed for anonymous visitors
    assert "Nya titeln" in listed(as_admin) and "dataset-private" in listed(as_admin)
    storage = Path(os.environ.get("PORTAL_STATE_DIR", str(ROOT / ".portal"))) / "storage"
    assert list((storage / "jinja-bytecode").glob("*.cache"))  # compiled templates kept for every worker


def test_dataset_autocomplete_uses_the_same_search(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    name = unique_name("snoskoter")
    _dataset(api, org, name, "Snöskoterleder i länet")

    hits = api.action.package_autocomplete(q="Snöskoter")

    assert name in [h["name"] for h in hits]


def test_dcat_catalog_endpoint_lists_recently_modified_datasets(ckan_portal, unique_name, org):
    api = ckan_portal.api()
    ds = _dataset(api, org, unique_name("dcat"), "Laddstolpar")

    since = ds["metadata_modified"][:19] + "Z"
    ttl = requests.get(f"{ckan_portal.url}/catalog.ttl", params={"modified_since": since}, timeout=60)
    shown = requests.get(f"{ckan_portal.url}/dataset/{ds['name']}.ttl", timeout=60)

    assert ttl.status_code == 200, ttl.text[:500]
    assert f"/dataset/{ds['id']}" in ttl.text and "Laddstolpar" in ttl.text
    assert shown.status_code == 200 and "Laddstolpar" in shown.text
