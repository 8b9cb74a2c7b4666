"""The typed, frozen objects every stage passes around.

`pipelines.catalog` builds these from catalog.yaml; sources, validation,
publishing and DCAT read them. They carry no behaviour beyond small derived
properties, so that any stage can be tested by constructing them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


def frozen_mapping(value: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only view, so a frozen dataclass really is immutable."""
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    url: str | None = None


@dataclass(frozen=True)
class CatalogMeta:
    title: str
    description: str
    publisher: str  # organization id of the catalog's publisher
    homepage: str
    language: str  # ISO 639-1, e.g. "sv"
    license: str  # default licence URI for datasets
    contact: Contact
    title_en: str | None = None
    description_en: str | None = None


@dataclass(frozen=True)
class Organization:
    id: str  # the CKAN organization name
    title: str
    description: str
    code: str  # SCB municipality code ("0880") or county code ("08")
    website: str
    email: str | None = None  # a general contact address; left out where none could be verified
    orgnr: str | None = None  # 10 digits, without dash; forms the dataportal publisher URI

    @property
    def is_county(self) -> bool:
        return len(self.code) == 2

    @property
    def publisher_uri(self) -> str | None:
        return f"http://dataportal.se/organisation/SE{self.orgnr}" if self.orgnr else None


@dataclass(frozen=True)
class Source:
    """Where a dataset comes from: a registered `type` and its type-specific options."""

    type: str
    options: Mapping[str, Any] = field(default_factory=frozen_mapping)

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


@dataclass(frozen=True)
class Temporal:
    start: str | None = None  # ISO date
    end: str | None = None


@dataclass(frozen=True)
class Dataset:
    id: str  # CKAN package name, schema file name, datasets/<id>/ folder name
    title: str
    description: str
    organization: str  # Organization.id
    source: Source
    schema: str  # "schemas/<file>.json" relative to the project root
    license: str  # licence URI
    frequency: str  # EU frequency vocabulary code, e.g. "ANNUAL"
    themes: tuple[str, ...]  # EU data-theme codes, e.g. ("SOCI", "REGI")
    keywords: tuple[str, ...]
    contact: Contact
    spatial: tuple[str, ...]  # SCB municipality codes or "08" for the county
    temporal: Temporal = field(default_factory=Temporal)
    conforms_to: tuple[str, ...] = ()  # URIs of specifications
    specification: str | None = None  # "<name>-<version>" of the national specification it follows (schemas/specifications/)
    hvd_category: str | None = None  # EU high-value-dataset category URI
    access_rights: str = "PUBLIC"  # EU access-right code: PUBLIC | RESTRICTED | NON_PUBLIC
    withdrawn: bool = False
    title_en: str | None = None
    description_en: str | None = None
    landing_page: str | None = None  # the dataset's page on the source's site (CKAN `url`), when known
    line: int | None = None  # line in catalog.yaml where the entry starts (for located errors)


@dataclass(frozen=True)
class HarvestSource:
    """A catalog another organization publishes (DCAT-AP-SE), mirrored under that organization.

    Not a dataset: each of its records becomes one CKAN dataset, named
    `<id>-...` and found again by the record's IRI.
    """

    id: str  # prefix of the mirrored datasets' names; the key of the harvest report
    organization: str  # Organization.id the records are published under
    source: Source  # type "dcat": url, format, collect
    line: int | None = None  # line in catalog.yaml where the entry starts


@dataclass(frozen=True)
class Catalog:
    meta: CatalogMeta
    organizations: tuple[Organization, ...]
    datasets: tuple[Dataset, ...]
    harvest: tuple[HarvestSource, ...] = ()

    def organization(self, org_id: str) -> Organization:
        for org in self.organizations:
            if org.id == org_id:
                return org
        raise KeyError(org_id)

    def dataset(self, dataset_id: str) -> Dataset:
        for ds in self.datasets:
            if ds.id == dataset_id:
                return ds
        raise KeyError(dataset_id)
