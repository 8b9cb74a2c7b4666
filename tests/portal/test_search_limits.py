"""`fl` reads stored columns only: each field of a hit comes from the search document table.

The hostile-input side of search (caps, parse and range errors, generated queries) is in
tests/reliability/test_search_security.py, where the reliability summary counts it.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ckan


def test_fl_reads_stored_columns_and_extras(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    name = api.action.package_create(name=unique_name("fl"), title="Lekplatser", owner_org=org,
                                     tags=[{"name": "lek"}], extras=[{"key": "kalmar_source_type", "value": "file"}],
                                     resources=[{"url": "http://example.invalid/a.csv", "format": "CSV"}])["name"]

    found = ckan_portal.anonymous().action.package_search(
        fq=f"name:{name}", fl="name,title,tags,res_format,num_resources,extras_kalmar_source_type,metadata_modified")

    [hit] = found["results"]
    assert hit["name"] == name and hit["title"] == "Lekplatser" and hit["tags"] == ["lek"]
    assert hit["res_format"] == ["CSV"] and hit["num_resources"] == 1 and hit["kalmar_source_type"] == "file"
    assert hit["metadata_modified"].startswith("20")
