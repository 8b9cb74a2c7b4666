"""The search document table: written with the dataset in one transaction, read by every search.

These tests look at the table itself (through `portal/stack psql`), not only at package_search:
who can read which row, that a failed write leaves neither dataset nor document, that results are
served from the stored document, and that CKAN's own `search-index rebuild` rebuilds it.
"""

from __future__ import annotations

import os
import subprocess

import pytest
import requests
from ckanapi import CKANAPIError, NotFound

from tests.plugins.portal import ROOT

pytestmark = pytest.mark.ckan

TABLE = "kalmar_search_document"


def _visible_as(portal_sql, labels: str, names: list[str]) -> list[str]:
    """Names of `names` that CKAN's database role reads from the table with these search labels."""
    listed = ", ".join(f"'{n}'" for n in names)
    rows = portal_sql(
        "BEGIN; SET LOCAL ROLE ckan_default; "
        f"SELECT set_config('kalmar.search_labels', '{labels}', true); "
        f"SELECT name FROM {TABLE} WHERE name IN ({listed}) ORDER BY name; COMMIT;")
    return [r[0] for r in rows if r and r[0] in names]


def test_private_rows_are_invisible_at_table_level_to_anonymous_labels(ckan_portal, unique_name, portal_sql):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))
    private = api.action.package_create(name=unique_name("hemlig"), owner_org=org["name"], private=True)["name"]
    public = api.action.package_create(name=unique_name("oppen"), owner_org=org["name"])["name"]
    both = sorted([private, public])

    labels = dict(portal_sql(f"SELECT name, array_to_string(permission_labels, ' ') FROM {TABLE} "
                             f"WHERE name IN ('{private}', '{public}')"))

    assert labels == {public: "public", private: f"member-{org['id']}"}  # CKAN's DefaultPermissionLabels
    assert _visible_as(portal_sql, "public", both) == [public]  # what an anonymous search may read
    assert _visible_as(portal_sql, f"public member-{org['id']}", both) == both  # a member of the organization
    assert _visible_as(portal_sql, "public member-00000000-0000-0000-0000-000000000000", both) == [public]
    assert _visible_as(portal_sql, "", both) == both  # index writes and internal reads: no restriction


def test_results_are_the_stored_documents_not_a_package_show_per_hit(ckan_portal, unique_name, portal_sql):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    name = api.action.package_create(name=unique_name("lagrad"), title="Lagrad titel", owner_org=org)["name"]
    portal_sql(f"UPDATE {TABLE} SET validated_data_dict = jsonb_set(validated_data_dict, '{{title}}', "
               f"'\"Ändrad i dokumentet\"') WHERE name = '{name}'")

    found = ckan_portal.anonymous().action.package_search(fq=f"name:{name}")["results"]

    assert [d["title"] for d in found] == ["Ändrad i dokumentet"]
    assert portal_sql(f"SELECT title FROM package WHERE name = '{name}'") == [["Lagrad titel"]]



def test_api_search_answers_each_hit_as_package_show_does_in_every_schema(ckan_portal, unique_name):
    """Over the Action API the stored JSON texts are written into the response unchanged; what a client
    decodes must be what package_show gives, also with use_default_schema and with `fl`."""
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"), title="Borgholms kommun")["name"]
    names = sorted(
        api.action.package_create(
            name=unique_name(f"rad{i}"), title=f"Åkrar och ängar {i} – \"citat\" \\ snedstreck", owner_org=org,
            notes="Rad ett.\nRad två med tabb\toch ö.", tags=[{"name": "vägar"}, {"name": f"tagg{i}"}],
            resources=[{"url": f"http://example.invalid/{i}.csv", "format": "CSV", "name": "Fil ÅÄÖ"}],
            extras=[{"key": "kalmar_nyckel", "value": "{\"inbäddad\": [1, 2]}"}])["name"]
        for i in range(3))
    anonymous = ckan_portal.anonymous()

    found = anonymous.action.package_search(fq=f"organization:{org}", sort="name asc", rows=10,
                                            **{"facet.field": ["organization"]})
    default = anonymous.action.package_search(fq=f"organization:{org}", sort="name asc", use_default_schema=True)
    listed = anonymous.action.package_search(fq=f"organization:{org}", sort="name asc", fl="name,title")

    assert found["count"] == 3
    assert found["results"] == [anonymous.action.package_show(id=n) for n in names]
    assert default["results"] == [anonymous.action.package_show(id=n, use_default_schema=True) for n in names]
    assert listed["results"] == [{"name": n, "title": anonymous.action.package_show(id=n)["title"]} for n in names]
    assert found["search_facets"]["organization"]["items"][0]["display_name"] == "Borgholms kommun"


def test_create_update_delete_purge_keep_the_document_in_step(ckan_portal, unique_name, portal_sql):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"), title="Borgholms kommun")["name"]
    name = unique_name("ds")
    api.action.package_create(name=name, title="Utegym", owner_org=org, tags=[{"name": "idrott"}],
                              resources=[{"url": "http://example.invalid/a.csv", "format": "CSV"}])

    def row():
        rows = portal_sql(f"SELECT state, title, array_to_string(tags, ','), array_to_string(res_format, ','), "
                          f"organization, document @@ plainto_tsquery('swedish', 'borgholm') FROM {TABLE} "
                          f"WHERE name = '{name}'")
        return rows[0] if rows else None

    assert row() == ["active", "Utegym", "idrott", "CSV", org, "t"]
    api.action.package_patch(id=name, title="Utegym vid stranden", tags=[{"name": "strand"}])
    assert row()[:3] == ["active", "Utegym vid stranden", "strand"]
    api.action.resource_create(package_id=name, url="http://example.invalid/b.json", format="JSON")
    assert row()[3] == "CSV,JSON"
    api.action.package_delete(id=name)
    assert row()[0] == "deleted"
    api.action.dataset_purge(id=name)
    assert row() is None


def test_failed_write_leaves_neither_dataset_nor_document(ckan_portal, unique_name, portal_sql):
    """The document is written before CKAN commits; a failure at commit rolls both back."""
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    doomed = unique_name("doomed")
    kept = unique_name("kept")
    api.action.package_create(name=kept, title="Före", owner_org=org)
    trigger = f"kalmar_test_fail_{unique_name.token}"
    portal_sql(f"""CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.title LIKE '%commit fails%' THEN RAISE EXCEPTION 'injected failure at commit'; END IF;
        RETURN NEW; END $$;
        CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE ON package DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION {trigger}();""")
    try:
        with pytest.raises(CKANAPIError):
            api.action.package_create(name=doomed, title="commit fails", owner_org=org)
        with pytest.raises(CKANAPIError):
            api.action.package_patch(id=kept, title="Efter: commit fails")
    finally:
        portal_sql(f"DROP TRIGGER {trigger} ON package; DROP FUNCTION {trigger}();")

    with pytest.raises(NotFound):
        api.action.package_show(id=doomed)
    assert portal_sql(f"SELECT count(*) FROM {TABLE} WHERE name = '{doomed}'") == [["0"]]
    assert api.action.package_show(id=kept)["title"] == "Före"
    assert portal_sql(f"SELECT title FROM {TABLE} WHERE name = '{kept}'") == [["Före"]]


def test_ckan_search_index_rebuild_restores_a_lost_document(ckan_portal, unique_name, portal_sql):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    name = api.action.package_create(name=unique_name("aterstalld"), title="Hundrastgårdar", owner_org=org)["name"]
    portal_sql(f"DELETE FROM {TABLE} WHERE name = '{name}'")
    assert api.action.package_search(fq=f"name:{name}")["count"] == 0

    state = os.environ.get("PORTAL_STATE_DIR", str(ROOT / ".portal"))
    venv = os.environ.get("PORTAL_VENV", f"{state}/venv")
    subprocess.run([f"{venv}/bin/ckan", "-c", f"{state}/ckan.ini", "search-index", "rebuild", name],
                   check=True, capture_output=True, timeout=300)

    assert [d["name"] for d in api.action.package_search(q="hundrastgård", fq=f"name:{name}")["results"]] == [name]


def test_organization_rename_reaches_search_and_facets(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"), title="Gamla namnet")
    name = api.action.package_create(name=unique_name("ds"), title="Bibliotek", owner_org=org["name"])["name"]
    new_name = unique_name("org")

    api.action.organization_patch(id=org["id"], name=new_name, title="Emmaboda kommun")

    found = api.action.package_search(q="emmaboda", fq=f"name:{name}", **{"facet.field": '["organization"]'})
    assert [d["name"] for d in found["results"]] == [name]
    assert found["facets"]["organization"] == {new_name: 1}
    # Within the organization: other datasets of the shared portal may rank above this one for these words.
    page = requests.get(f"{ckan_portal.url}/dataset/", params={"q": "Emmaboda kommun", "organization": new_name},
                        timeout=60)
    assert page.status_code == 200 and "Bibliotek" in page.text
