"""Small builders for catalog objects, so publishing tests state only what they vary."""

from __future__ import annotations

from dataclasses import replace

from pipelines.model import Catalog, CatalogMeta, Contact, Dataset, Organization, Source, Temporal

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def organization(org_id: str = "kalmar-kommun", **kw) -> Organization:
    base = Organization(
        id=org_id,
        title="Kalmar kommun",
        description="Kommunen i Kalmar.",
        code="0880",
        website="https://kalmar.se",
        email="info@kalmar.se",
    )
    return replace(base, **kw)


def dataset(dataset_id: str, org_id: str = "kalmar-kommun", **kw) -> Dataset:
    base = Dataset(
        id=dataset_id,
        title="Badplatser i Kalmar län",
        description="Kommunala badplatser med läge och vattenkvalitet. Åäö.",
        organization=org_id,
        source=Source(type="file", options={"path": "data.csv"}),
        schema=f"schemas/{dataset_id}.json",
        license=CC0,
        frequency="ANNUAL",
        themes=("ENVI", "HEAL"),
        keywords=("badplatser", "vattenkvalitet"),
        contact=Contact(name="Miljöenheten", email="miljo@kalmar.se"),
        spatial=("0880",),
        temporal=Temporal(start="2024-01-01"),
    )
    return replace(base, **kw)


def catalog(datasets: tuple[Dataset, ...], organizations: tuple[Organization, ...] | None = None) -> Catalog:
    orgs = organizations or (organization(),)
    meta = CatalogMeta(
        title="Öppna data Kalmar län",
        description="Testkatalog.",
        publisher=orgs[0].id,
        homepage="https://www.regionkalmar.se",
        language="sv",
        license=CC0,
        contact=Contact(name="Öppna data", email="oppnadata@regionkalmar.se"),
    )
    return Catalog(meta=meta, organizations=orgs, datasets=datasets)
