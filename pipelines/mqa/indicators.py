"""The 23 MQA indicators: dimension, weight, the DCAT property, and the check.

WHY one table: the weights (405 points in five dimensions, DESIGN.md §4) and the
checks sit side by side, so a reader can compare them with data.europa.eu's
methodology line by line. Each check answers one entity (a dataset or a
distribution) with None when the point is earned, else the reason it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pipelines.model import Dataset, Organization
from pipelines.mqa import vocabularies as vocab
from pipelines.mqa.facts import DistributionFacts, PublishFacts

FINDABILITY = "findability"
ACCESSIBILITY = "accessibility"
INTEROPERABILITY = "interoperability"
REUSABILITY = "reusability"
CONTEXTUALITY = "contextuality"
DIMENSIONS = (FINDABILITY, ACCESSIBILITY, INTEROPERABILITY, REUSABILITY, CONTEXTUALITY)


@dataclass(frozen=True)
class DatasetContext:
    """Everything a dataset-level check may look at."""

    dataset: Dataset
    organization: Organization | None
    facts: PublishFacts


DatasetCheck = Callable[[DatasetContext], "str | None"]
DistributionCheck = Callable[[DistributionFacts], "str | None"]


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    label: str
    property: str  # the DCAT property the MQA inspects
    points: int
    level: str  # "dataset" or "distribution"
    check: Callable

    def __post_init__(self) -> None:
        if self.level not in ("dataset", "distribution"):
            raise ValueError(f"indicator {self.key}: level must be dataset or distribution")


def _need(value: object, missing: str) -> str | None:
    return None if value else missing


def _reachable(url: str | None, result: bool | None, what: str) -> str | None:
    if not url:
        return f"no {what}"
    if result is None:
        return f"{what} {url} was not checked"
    return None if result else f"{what} {url} did not answer with a 2xx status"


def _in_vocab(d: DistributionFacts, allowed: frozenset[str], what: str) -> str | None:
    if d.format_code in allowed or d.media_type_name in allowed:
        return None
    given = d.format_code or d.media_type_name
    if not given:
        return "no format or media type"
    return f"{given} is not {what} (per our copy of the MQA list)"


def _format_vocab(d: DistributionFacts) -> str | None:
    if d.format_code in vocab.FILE_TYPES or d.media_type_name in vocab.MEDIA_TYPES:
        return None
    if not (d.format_code or d.media_type_name):
        return "no format or media type"
    return (
        f"format {d.format_code!r} / media type {d.media_type_name!r} is in neither the EU "
        "file-type table nor the IANA media types"
    )


def _dcat_ap(ctx: DatasetContext) -> str | None:
    if ctx.facts.dcat_ap_valid is None:
        return "DCAT-AP SHACL validation was not run"
    if ctx.facts.dcat_ap_valid:
        return None
    detail = "; ".join(ctx.facts.shacl_messages[:3])
    return "DCAT-AP SHACL violations" + (f": {detail}" if detail else "")


def _access_rights_vocab(ctx: DatasetContext) -> str | None:
    code = vocab.access_right_code(ctx.dataset.access_rights)
    if code in vocab.ACCESS_RIGHTS:
        return None
    return f"access right {ctx.dataset.access_rights!r} is not in the EU access-right table"


def _contact(ctx: DatasetContext) -> str | None:
    c = ctx.dataset.contact
    if c is None or not c.email:
        return "no contact point with an e-mail address"
    return None


def _license_vocab(d: DistributionFacts) -> str | None:
    if not d.license:
        return "no licence"
    if d.license in vocab.KNOWN_LICENCES:
        return None
    return f"licence {d.license} is not a known licence URI (use the exact Creative Commons URI)"


INDICATORS: tuple[Indicator, ...] = (
    # Findability — 100
    Indicator("keyword", FINDABILITY, "Keyword usage", "dcat:keyword", 30, "dataset",
              lambda c: _need(c.dataset.keywords, "no keywords")),
    Indicator("theme", FINDABILITY, "Categories", "dcat:theme", 30, "dataset",
              lambda c: _need(c.dataset.themes, "no themes")),
    Indicator("spatial", FINDABILITY, "Geo search", "dct:spatial", 20, "dataset",
              lambda c: _need(c.dataset.spatial, "no spatial coverage")),
    Indicator("temporal", FINDABILITY, "Time-based search", "dct:temporal", 20, "dataset",
              lambda c: _need(c.dataset.temporal.start or c.dataset.temporal.end,
                              "no temporal coverage (temporal start or end)")),
    # Accessibility — 100
    Indicator("access_url_reachable", ACCESSIBILITY, "AccessURL accessibility",
              "dcat:accessURL", 50, "distribution",
              lambda d: _reachable(d.access_url, d.access_url_reachable, "accessURL")),
    Indicator("download_url", ACCESSIBILITY, "DownloadURL", "dcat:downloadURL", 20,
              "distribution", lambda d: _need(d.download_url, "no downloadURL")),
    Indicator("download_url_reachable", ACCESSIBILITY, "DownloadURL accessibility",
              "dcat:downloadURL", 30, "distribution",
              lambda d: _reachable(d.download_url, d.download_url_reachable, "downloadURL")),
    # Interoperability — 110
    Indicator("format", INTEROPERABILITY, "Format", "dct:format", 20, "distribution",
              lambda d: _need(d.format_code, "no format")),
    Indicator("media_type", INTEROPERABILITY, "Media type", "dcat:mediaType", 10,
              "distribution", lambda d: _need(d.media_type_name, "no media type")),
    Indicator("format_vocabulary", INTEROPERABILITY, "Format / media type from vocabulary",
              "dct:format, dcat:mediaType", 10, "distribution", _format_vocab),
    Indicator("non_proprietary", INTEROPERABILITY, "Non-proprietary", "dct:format", 20,
              "distribution", lambda d: _in_vocab(d, vocab.NON_PROPRIETARY, "non-proprietary")),
    Indicator("machine_readable", INTEROPERABILITY, "Machine-readable", "dct:format", 20,
              "distribution", lambda d: _in_vocab(d, vocab.MACHINE_READABLE, "machine-readable")),
    Indicator("dcat_ap_compliance", INTEROPERABILITY, "DCAT-AP compliance", "SHACL", 30,
              "dataset", _dcat_ap),
    # Reusability — 75
    Indicator("license", REUSABILITY, "Licence information", "dct:license", 20,
              "distribution", lambda d: _need(d.license, "no licence")),
    Indicator("license_vocabulary", REUSABILITY, "Licence vocabulary", "dct:license", 10,
              "distribution", _license_vocab),
    Indicator("access_rights", REUSABILITY, "Access restrictions", "dct:accessRights", 10,
              "dataset", lambda c: _need(c.dataset.access_rights, "no access rights")),
    Indicator("access_rights_vocabulary", REUSABILITY, "Access restrictions vocabulary",
              "dct:accessRights", 5, "dataset", _access_rights_vocab),
    Indicator("contact_point", REUSABILITY, "Contact point", "dcat:contactPoint", 20,
              "dataset", _contact),
    Indicator("publisher", REUSABILITY, "Publisher", "dct:publisher", 10, "dataset",
              lambda c: _need(c.organization, f"organization {c.dataset.organization!r} "
                              "is not in the catalog, so no publisher")),
    # Contextuality — 20
    Indicator("rights", CONTEXTUALITY, "Rights", "dct:rights", 5, "distribution",
              lambda d: _need(d.rights, "no rights statement")),
    Indicator("byte_size", CONTEXTUALITY, "File size", "dcat:byteSize", 5, "distribution",
              lambda d: None if d.byte_size is not None else "no byte size"),
    Indicator("issued", CONTEXTUALITY, "Date of issue", "dct:issued", 5, "dataset",
              lambda c: _need(c.facts.issued, "no issued date")),
    Indicator("modified", CONTEXTUALITY, "Modification date", "dct:modified", 5, "dataset",
              lambda c: _need(c.facts.modified, "no modification date")),
)

MAX_POINTS = sum(i.points for i in INDICATORS)
if MAX_POINTS != 405:  # the methodology's total; a typo in a weight must not pass silently
    raise RuntimeError(f"MQA indicator weights sum to {MAX_POINTS}, not 405")
