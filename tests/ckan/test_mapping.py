"""Pure mapping from catalog objects to CKAN dicts (no portal needed)."""

import json

import pytest

from pipelines.ckan import mapping

from .builders import catalog, dataset, organization


def test_package_dict_carries_every_dcat_field():
    ds = dataset("badplatser", conforms_to=("https://dataportal.se/specifications/badplatser",),
                 hvd_category="http://data.europa.eu/bna/c_dd313021")
    pkg = mapping.package_dict(catalog((ds,)), ds)
    extras = mapping.extras_dict(pkg["extras"])
    assert pkg["name"] == "badplatser"
    assert pkg["owner_org"] == "kalmar-kommun"
    assert pkg["license_id"] == "CC0-1.0"
    assert [t["name"] for t in pkg["tags"]] == ["badplatser", "vattenkvalitet"]
    assert json.loads(extras["theme"]) == [
        "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        "http://publications.europa.eu/resource/authority/data-theme/HEAL",
    ]
    assert extras["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert extras["access_rights"] == "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    assert extras["license_uri"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert extras["spatial_text"] == "Kalmar kommun"
    assert extras["temporal_start"] == "2024-01-01" and "temporal_end" not in extras
    assert json.loads(extras["conforms_to"]) == ["https://dataportal.se/specifications/badplatser"]
    assert json.loads(extras["hvd_category"]) == ["http://data.europa.eu/bna/c_dd313021"]
    assert extras["contact_email"] == "miljo@kalmar.se"
    assert "publisher_uri" not in extras  # no organisation number known


def test_publisher_uri_comes_from_the_organisation_number():
    org = organization(orgnr="2120000690")
    ds = dataset("x1")
    extras = mapping.extras_dict(mapping.package_dict(catalog((ds,), (org,)), ds)["extras"])
    assert extras["publisher_uri"] == "http://dataportal.se/organisation/SE2120000690"


def test_metadata_hash_changes_with_metadata_only():
    ds = dataset("x1")
    cat = catalog((ds,))
    h1 = mapping.metadata_hash(mapping.package_dict(cat, ds))
    assert h1 == mapping.metadata_hash(mapping.package_dict(cat, ds))
    changed = dataset("x1", title="Ny titel")
    assert h1 != mapping.metadata_hash(mapping.package_dict(catalog((changed,)), changed))


def test_unknown_licence_is_refused():
    ds = dataset("x1", license="https://example.org/my-licence")
    with pytest.raises(ValueError, match="licence register"):
        mapping.package_dict(catalog((ds,)), ds)


def test_organization_differs_only_on_real_changes():
    desired = mapping.organization_dict(organization())
    current = {**desired, "extras": list(reversed(desired["extras"])), "id": "abc"}
    assert not mapping.organization_differs(current, desired)
    assert mapping.organization_differs({**current, "title": "Annan"}, desired)
