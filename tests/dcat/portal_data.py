"""Organizations and datasets written to the real portal exactly as the publisher does.

WHY through `pipelines.ckan.mapping`: the DCAT-AP-SE profile reads what the
publisher writes (docs/ckan-mapping.md). Building the test datasets with the
publisher's own pure mapping keeps the two sides of that contract honest: a
change in the mapping that the profile does not follow fails these tests.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from pipelines.ckan.mapping import organization_dict, package_dict
from pipelines.ckan.resources import ROLE_DESCRIPTIONS
from pipelines.model import (Catalog, CatalogMeta, Contact, Dataset, Organization, Source,
                             Temporal)

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
HVD_STATISTICS = "http://data.europa.eu/bna/c_e1da4e07"
BATHING_SPEC = "https://www.dataportal.se/specifications/badplatser"

SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "namn", "type": "string"},
                     {"name": "lat", "type": "number"}, {"name": "lon", "type": "number"}],
          "primaryKey": ["id"]}
CSV = "id,namn,lat,lon\n1,Kalmarsundsbadet,56.66,16.36\n2,Stensö,56.64,16.33\n3,Äppelviken,56.65,16.34\n"
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [16.36, 56.66]},
     "properties": {"id": 1, "namn": "Kalmarsundsbadet"}}]})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_catalog(token: str) -> Catalog:
    """Three organizations (county without orgnr, municipality with, municipality without)."""
    county = Organization(f"region-{token}", "Region Kalmar län", "Regionen.", "08",
                          "https://www.regionkalmar.se", "region@regionkalmar.se")
    kalmar = Organization(f"kalmar-{token}", "Kalmar kommun", "Kommunen.", "0880",
                          "https://kalmar.se", "kommunen@kalmar.se", orgnr="2120000704")
    nybro = Organization(f"nybro-{token}", "Nybro kommun", "Kommunen.", "0881",
                         "https://www.nybro.se", "kommun@nybro.se")
    contact = Contact("Kalmar kommun, öppna data", "oppnadata@kalmar.se")
    common = dict(source=Source("file"), schema="schemas/x.json", frequency="ANNUAL",
                  contact=contact)
    datasets = (
        Dataset(id=f"badplatser-{token}", title="Badplatser", description="Kommunens badplatser.",
                organization=kalmar.id, license=CC0, themes=("ENVI", "HEAL"),
                keywords=("bad", "strand"), spatial=("0880",),
                temporal=Temporal("2020-01-01", "2024-12-31"), conforms_to=(BATHING_SPEC,),
                hvd_category=HVD_STATISTICS, **common),
        Dataset(id=f"kollektivtrafik-{token}", title="Hållplatser",
                description="Regionens hållplatser.", organization=county.id, license=CC_BY,
                themes=("TRAN",), keywords=("hållplats",), spatial=("08",),
                temporal=Temporal("2023-01-01"), **common),
        Dataset(id=f"lekplatser-{token}", title="Lekplatser", description="Lekplatser i Nybro.",
                organization=nybro.id, license=CC0, themes=("SOCI",), keywords=("lekplats",),
                spatial=("0881",), **common),
    )
    meta = CatalogMeta("Öppna data Kalmar län", "Test", county.id, "https://x", "sv", CC0, contact)
    return Catalog(meta=meta, organizations=(county, kalmar, nybro), datasets=datasets)


def upload(api, package_id: str, name: str, role: str, body: bytes, tmp: Path, **fields) -> dict:
    """A resource as the publisher writes it (pipelines/ckan/resources.py): its role's description,
    none for a role the publisher never writes (a test's own extra file)."""
    path = tmp / name
    path.write_bytes(body)
    with path.open("rb") as fh:
        return api.action.resource_create(
            package_id=package_id, name=name, upload=fh, kalmar_role=role, description=ROLE_DESCRIPTIONS.get(role, ""),
            sha256=sha256(body), size=len(body), **fields)


def publish(api, catalog: Catalog, tmp: Path, geojson_for: set[str] = frozenset(),
            datastore_for: set[str] = frozenset()) -> dict[str, dict]:
    """Create the organizations and datasets with data, schema and report resources."""
    for org in catalog.organizations:
        api.action.organization_create(**organization_dict(org))
    packages = {}
    for ds in catalog.datasets:
        pkg = api.action.package_create(**package_dict(catalog, ds))
        data = upload(api, pkg["id"], f"{ds.id}.csv", "data", CSV.encode(), tmp, format="CSV",
                      rows=3)
        upload(api, pkg["id"], "schema.json", "schema", json.dumps(SCHEMA).encode(), tmp,
               format="JSON")
        upload(api, pkg["id"], "report.json", "report", b'{"valid": true}', tmp, format="JSON",
               valid="true")
        if ds.id in geojson_for:
            upload(api, pkg["id"], f"{ds.id}.geojson", "geojson", GEOJSON.encode(), tmp,
                   format="GeoJSON")
        if ds.id in datastore_for:
            api.action.datastore_create(
                resource_id=data["id"], force=True, primary_key=["id"],
                fields=[{"id": "id", "type": "int"}, {"id": "namn", "type": "text"},
                        {"id": "lat", "type": "numeric"}, {"id": "lon", "type": "numeric"}],
                records=[{"id": 1, "namn": "Kalmarsundsbadet", "lat": 56.66, "lon": 16.36},
                         {"id": 2, "namn": "Stensö", "lat": 56.64, "lon": 16.33},
                         {"id": 3, "namn": "Äppelviken", "lat": 56.65, "lon": 16.34}])
        packages[ds.id] = api.action.package_show(id=pkg["id"])
    return packages


@contextmanager
def published_catalog(ckan_portal: Any, tmp: Path, prefix: str) -> Iterator[tuple[Catalog, dict[str, dict], str]]:
    """`build_catalog` published (GeoJSON for the second dataset, DataStore for the first), purged afterwards.

    Yields (catalog, the packages as CKAN shows them by name, the token every name carries).
    """
    token = prefix + uuid.uuid4().hex[:8]
    catalog = build_catalog(token)
    badplatser, trafik, _ = (d.id for d in catalog.datasets)
    try:
        yield catalog, publish(ckan_portal.api(), catalog, tmp, geojson_for={trafik}, datastore_for={badplatser}), token
    finally:
        ckan_portal.purge_matching(token)
