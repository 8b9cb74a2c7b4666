"""The local portal is configured as the project needs: CKAN 2.12.0, Swedish, our plugins, the licence
register with the exact DCAT-AP-SE licence URIs, a working DataStore with its read-only user, and
ckanext-dcat with our profile registered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from ckanapi import CKANAPIError, NotAuthorized, ValidationError

from tests.plugins.portal import ROOT

pytestmark = pytest.mark.ckan


def test_status_reports_version_plugins_and_swedish_locale(ckan_portal):
    status = ckan_portal.anonymous().action.status_show()

    assert status["ckan_version"] == "2.12.0"
    assert status["locale_default"] == "sv"
    assert status["site_url"] == ckan_portal.url
    assert {"kalmar", "datastore", "activity", "dcat"} <= set(status["extensions"])


def test_licence_register_serves_exact_licence_uris(ckan_portal):
    licences = {lic["id"]: lic for lic in ckan_portal.anonymous().action.license_list()}
    register = {lic["id"]: lic["url"] for lic in json.loads((ROOT / "portal" / "licenses.json").read_text())}

    assert licences["CC0-1.0"]["url"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    # DCAT-AP-SE (harvesting.md and the spec's value list) requires exactly this form: http, trailing slash.
    assert licences["CC-BY-4.0"]["url"] == "http://creativecommons.org/licenses/by/4.0/"
    assert {k: v["url"] for k, v in licences.items()} == register


def test_datastore_works_through_the_read_only_user(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    ds = api.action.package_create(name=unique_name("ds"), owner_org=org,
                                   resources=[{"url": "http://example.invalid/x.csv", "name": "Tabell"}])
    rid = ds["resources"][0]["id"]
    api.action.datastore_create(
        resource_id=rid, force=True, primary_key=["kod"],
        fields=[{"id": "kod", "type": "text", "info": {"label": "Kommunkod"}}, {"id": "invånare", "type": "int"}],
        records=[{"kod": "0880", "invånare": 72000}, {"kod": "0885", "invånare": 10900}],
    )
    api.action.datastore_upsert(resource_id=rid, force=True, method="upsert",
                                records=[{"kod": "0885", "invånare": 11000}])

    found = ckan_portal.anonymous().action.datastore_search(resource_id=rid, filters={"kod": "0885"})
    dump = requests.get(f"{ckan_portal.url}/datastore/dump/{rid}", timeout=30)

    assert [r["invånare"] for r in found["records"]] == [11000]
    assert found["total"] == 1
    assert dump.status_code == 200 and "0880,72000" in dump.text


def test_datastore_sql_search_is_off(ckan_portal):
    with pytest.raises((CKANAPIError, NotAuthorized, ValidationError)):
        ckan_portal.api().action.datastore_search_sql(sql="SELECT 1")


def test_dcat_profile_of_ours_is_registered(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    ds = api.action.package_create(name=unique_name("ds"), title="Profiltest", owner_org=org, license_id="CC0-1.0",
                                   resources=[{"url": "http://example.invalid/a.csv", "format": "CSV"}])

    ours = requests.get(f"{ckan_portal.url}/dataset/{ds['name']}.rdf",
                        params={"profiles": "euro_dcat_ap_3,kalmar_dcat_ap_se"}, timeout=60)
    unknown = requests.get(f"{ckan_portal.url}/dataset/{ds['name']}.rdf", params={"profiles": "no_such_profile"},
                           timeout=60)

    assert ours.status_code == 200 and "Profiltest" in ours.text
    # the licence is inherited by the distribution (ckanext.dcat.resource.inherit.license = true)
    assert ours.text.count("http://creativecommons.org/publicdomain/zero/1.0/") >= 2
    assert unknown.status_code != 200
