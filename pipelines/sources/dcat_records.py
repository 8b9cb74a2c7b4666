"""DCAT-AP(-SE) datasets read out of an RDF graph into plain records, one per dcat:Dataset.

Why plain records: the graph is the source's words; the portal needs CKAN
fields. Between the two sits this step, which keeps every value as the source
gave it (titles and descriptions per language, IRIs as IRIs) and decides
nothing about CKAN. A dataset that cannot be read (no IRI, no Swedish title,
no description, a distribution with no URL) becomes a `BrokenRecord` with the
reason; the other datasets are read on.

Language: Swedish is the catalog's language; a literal without a language tag
counts as Swedish (DCAT-AP-SE asks for tags, older catalogs omit them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, Namespace

from ..model import frozen_mapping

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SCHEMA = Namespace("http://schema.org/")
SWEDISH = "sv"

MEDIA_FORMATS = {
    "text/csv": "CSV",
    "application/json": "JSON",
    "application/geo+json": "GEOJSON",
    "application/vnd.geo+json": "GEOJSON",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.ms-excel": "XLS",
    "application/pdf": "PDF",
    "application/zip": "ZIP",
    "text/html": "HTML",
}
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
IANA = ("https://www.iana.org/assignments/media-types/", "http://www.iana.org/assignments/media-types/")


class RecordError(ValueError):
    """Why one dataset of a catalog cannot be mirrored."""


@dataclass(frozen=True)
class Distribution:
    uri: str | None  # None for a blank node (then found again by its URL)
    titles: Mapping[str, str]  # language -> text
    descriptions: Mapping[str, str]
    access_url: str
    download_url: str | None
    format: str | None  # "CSV", "JSON", or the source's own words when unknown
    licenses: tuple[str, ...]
    conforms_to: tuple[str, ...]

    @property
    def is_csv(self) -> bool:
        return self.format == "CSV"


@dataclass(frozen=True)
class Contact:
    name: str | None
    email: str | None
    uri: str | None


@dataclass(frozen=True)
class HarvestRecord:
    """One dcat:Dataset as its catalog describes it."""

    uri: str
    titles: Mapping[str, str]  # language ("sv", "en", ...) -> text; untagged counts as "sv"
    descriptions: Mapping[str, str]
    keywords: Mapping[str, tuple[str, ...]]
    themes: tuple[str, ...] = ()
    publisher: str | None = None
    contact: Contact | None = None
    licenses: tuple[str, ...] = ()  # the dataset's own dct:license
    issued: str | None = None
    modified: str | None = None
    frequency: str | None = None
    access_rights: str | None = None
    spatial: tuple[str, ...] = ()
    temporal_start: str | None = None
    temporal_end: str | None = None
    languages: tuple[str, ...] = ()
    landing_page: str | None = None
    conforms_to: tuple[str, ...] = ()
    hvd_categories: tuple[str, ...] = ()
    identifier: str | None = None
    distributions: tuple[Distribution, ...] = field(default_factory=tuple)

    @property
    def all_licenses(self) -> tuple[str, ...]:
        """Every licence the dataset and its distributions state, sorted and without repeats."""
        return tuple(sorted({*self.licenses, *(lic for d in self.distributions for lic in d.licenses)}))


@dataclass(frozen=True)
class BrokenRecord:
    uri: str  # the dataset's IRI, or "_:<id>" for a blank node
    reason: str


def _iris(graph: Graph, node, predicate) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in graph.objects(node, predicate) if isinstance(o, URIRef)))


def _iri(graph: Graph, node, predicate) -> str | None:
    found = _iris(graph, node, predicate)
    return found[0] if found else None


def _literal(graph: Graph, node, predicate) -> str | None:
    values = sorted(str(o) for o in graph.objects(node, predicate) if isinstance(o, Literal) and str(o).strip())
    return values[0].strip() if values else None


def _texts(graph: Graph, node, predicate) -> dict[str, str]:
    """Literals by language ("sv" for untagged); the first in sort order when a language repeats."""
    found: dict[str, list[str]] = {}
    for obj in graph.objects(node, predicate):
        if isinstance(obj, Literal) and str(obj).strip():
            found.setdefault((obj.language or SWEDISH).lower(), []).append(" ".join(str(obj).split()) if predicate == DCTERMS.title else str(obj).strip())
    return {lang: sorted(values)[0] for lang, values in sorted(found.items())}


def _keywords(graph: Graph, node) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}
    for obj in graph.objects(node, DCAT.keyword):
        if isinstance(obj, Literal) and str(obj).strip():
            found.setdefault((obj.language or SWEDISH).lower(), set()).add(str(obj).strip())
    return {lang: tuple(sorted(words)) for lang, words in sorted(found.items())}


def format_label(graph: Graph, node) -> str | None:
    """A distribution's format as a short label (CSV, JSON, ...) from dct:format or dcat:mediaType."""
    for predicate in (DCTERMS["format"], DCAT.mediaType):
        for obj in sorted(graph.objects(node, predicate), key=str):
            text = str(obj).strip()
            if isinstance(obj, URIRef) and text.startswith(FILE_TYPE):
                return text[len(FILE_TYPE):].upper()
            for prefix in IANA:
                if text.startswith(prefix):
                    text = text[len(prefix):]
            label = MEDIA_FORMATS.get(text.lower().split(";")[0].strip())
            if label:
                return label
            if text and not text.startswith(("http://", "https://")):
                return text.upper() if len(text) <= 10 and "/" not in text else text
    return None


def _node_name(node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _distribution(graph: Graph, node) -> Distribution:
    access = _iri(graph, node, DCAT.accessURL)
    download = _iri(graph, node, DCAT.downloadURL)
    if not access and not download:
        raise RecordError(f"distribution {_node_name(node)} has no dcat:accessURL (mandatory in DCAT-AP-SE)")
    return Distribution(
        uri=str(node) if isinstance(node, URIRef) else None,
        titles=frozen_mapping(_texts(graph, node, DCTERMS.title)),
        descriptions=frozen_mapping(_texts(graph, node, DCTERMS.description)),
        access_url=access or download,
        download_url=download,
        format=format_label(graph, node),
        licenses=_iris(graph, node, DCTERMS.license),
        conforms_to=_iris(graph, node, DCTERMS.conformsTo),
    )


def _contact(graph: Graph, node) -> Contact | None:
    points = sorted(graph.objects(node, DCAT.contactPoint), key=str)
    if not points:
        return None
    point = points[0]
    email = _iri(graph, point, VCARD.hasEmail) or _literal(graph, point, VCARD.hasEmail)
    if email and email.lower().startswith("mailto:"):
        email = email[len("mailto:"):]
    return Contact(name=_literal(graph, point, VCARD.fn), email=email or None,
                   uri=str(point) if isinstance(point, URIRef) else None)


def _period(graph: Graph, node) -> tuple[str | None, str | None]:
    for period in sorted(graph.objects(node, DCTERMS.temporal), key=str):
        start = _literal(graph, period, DCAT.startDate) or _literal(graph, period, SCHEMA.startDate)
        end = _literal(graph, period, DCAT.endDate) or _literal(graph, period, SCHEMA.endDate)
        if start or end:
            return start, end
    return None, None


def read_record(graph: Graph, node) -> HarvestRecord:
    """The dataset `node` as a record; raises RecordError saying why it cannot be."""
    if not isinstance(node, URIRef):
        raise RecordError("the dataset is a blank node: DIGG's harvesting rules require an IRI for every dataset")
    titles = _texts(graph, node, DCTERMS.title)
    if SWEDISH not in titles:
        found = ", ".join(sorted(titles)) or "none"
        raise RecordError(f"no title in Swedish (dct:title with @sv or without a language tag; found: {found})")
    descriptions = _texts(graph, node, DCTERMS.description)
    if SWEDISH not in descriptions:
        raise RecordError("no description in Swedish (dct:description, mandatory in DCAT-AP-SE)")
    distributions = tuple(sorted(
        (_distribution(graph, d) for d in graph.objects(node, DCAT.distribution)),
        key=lambda d: (d.uri or "", d.access_url, d.download_url or ""),
    ))
    start, end = _period(graph, node)
    return HarvestRecord(
        uri=str(node),
        titles=frozen_mapping(titles),
        descriptions=frozen_mapping(descriptions),
        keywords=frozen_mapping(_keywords(graph, node)),
        themes=_iris(graph, node, DCAT.theme),
        publisher=_iri(graph, node, DCTERMS.publisher),
        contact=_contact(graph, node),
        licenses=_iris(graph, node, DCTERMS.license),
        issued=_literal(graph, node, DCTERMS.issued),
        modified=_literal(graph, node, DCTERMS.modified),
        frequency=_iri(graph, node, DCTERMS.accrualPeriodicity),
        access_rights=_iri(graph, node, DCTERMS.accessRights),
        spatial=_iris(graph, node, DCTERMS.spatial),
        temporal_start=start,
        temporal_end=end,
        languages=_iris(graph, node, DCTERMS.language),
        landing_page=_iri(graph, node, DCAT.landingPage),
        conforms_to=_iris(graph, node, DCTERMS.conformsTo),
        hvd_categories=_iris(graph, node, DCATAP.hvdCategory),
        identifier=_literal(graph, node, DCTERMS.identifier),
        distributions=distributions,
    )


def records_from_graph(graph: Graph) -> tuple[list[HarvestRecord], list[BrokenRecord]]:
    """Every dcat:Dataset of the graph, read or refused with its reason, in IRI order."""
    nodes = set(graph.subjects(RDF.type, DCAT.Dataset))
    listed = set(graph.objects(None, DCAT.dataset))
    records, broken = [], []
    for node in sorted(nodes | listed, key=_node_name):
        if node not in nodes and not any(graph.predicate_objects(node)):
            broken.append(BrokenRecord(_node_name(node), "listed by the catalog (dcat:dataset) but not described on any page"))
            continue
        try:
            records.append(read_record(graph, node))
        except RecordError as exc:
            broken.append(BrokenRecord(_node_name(node), str(exc)))
    return records, broken
