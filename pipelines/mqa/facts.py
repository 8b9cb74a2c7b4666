"""What is known about a published dataset beyond its catalog entry.

WHY explicit inputs: formats, byte sizes, reachability and SHACL validity are
only known at publish time (from the files written and the URLs checked). Passing
them in keeps scoring a pure function that tests can drive with exact values.
`facts_from_package` derives them from a CKAN `package_show` dict, choosing the
distributions exactly as the portal's DCAT-AP-SE profile does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from pipelines.mqa.vocabularies import file_type_code, media_type_name


@dataclass(frozen=True)
class DistributionFacts:
    """One `dcat:Distribution` as the profile publishes it."""

    title: str
    format: str | None  # EU file-type code or URI, e.g. "CSV"
    media_type: str | None  # IANA media type, e.g. "text/csv"
    access_url: str | None
    download_url: str | None = None
    byte_size: int | None = None
    license: str | None = None  # licence URI stated on the distribution
    rights: bool = False  # whether a dct:rights statement is given
    # Reachability as checked at publish time: True/False, or None when not checked.
    access_url_reachable: bool | None = None
    download_url_reachable: bool | None = None

    @property
    def format_code(self) -> str | None:
        return file_type_code(self.format)

    @property
    def media_type_name(self) -> str | None:
        return media_type_name(self.media_type)


@dataclass(frozen=True)
class PublishFacts:
    """Publish-time facts about one dataset, next to its catalog entry."""

    distributions: tuple[DistributionFacts, ...] = ()
    issued: str | None = None  # ISO date/time the dataset was first published
    modified: str | None = None  # ISO date/time of the last change
    dcat_ap_valid: bool | None = None  # SHACL result on the dataset's graph; None: not run
    shacl_messages: tuple[str, ...] = field(default_factory=tuple)


# Resources with these roles are not distributions: the schema is linked from the
# data distribution with dct:conformsTo and the validation report is internal.
NON_DISTRIBUTION_ROLES = frozenset({"schema", "report"})

_FORMAT_BY_ROLE = {"data": ("CSV", "text/csv"), "geojson": ("GEOJSON", "application/geo+json")}


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def facts_from_package(
    package: Mapping[str, Any],
    site_url: str,
    reachable: Mapping[str, bool] | None = None,
    dcat_ap_valid: bool | None = None,
) -> PublishFacts:
    """Publish-time facts for a CKAN dataset as stored per docs/ckan-mapping.md.

    `reachable` maps URLs to the result of checking them (absent: not checked).
    The licence comes from the `license_uri` extra and is stated on every
    distribution (the profile inherits it), with a rights statement derived from it.
    """
    reachable = reachable or {}
    extras = {e["key"]: e["value"] for e in package.get("extras", [])}
    license_uri = extras.get("license_uri") or package.get("license_url") or None
    site = site_url.rstrip("/")
    dists: list[DistributionFacts] = []
    for res in package.get("resources", []):
        role = res.get("kalmar_role")
        if role in NON_DISTRIBUTION_ROLES:
            continue
        fmt, media = _FORMAT_BY_ROLE.get(role, (res.get("format"), res.get("mimetype")))
        url = res.get("url") or None
        dists.append(
            DistributionFacts(
                title=res.get("name") or res.get("id", ""),
                format=fmt,
                media_type=media,
                access_url=url,
                download_url=url,
                byte_size=_int_or_none(res.get("size")),
                license=license_uri,
                rights=bool(license_uri),
                access_url_reachable=reachable.get(url) if url else None,
                download_url_reachable=reachable.get(url) if url else None,
            )
        )
        if role == "data" and str(res.get("datastore_active", "")).lower() == "true":
            dump = f"{site}/datastore/dump/{res['id']}?format=json"
            dists.append(
                DistributionFacts(
                    title=f"{res.get('name') or res['id']} (JSON)",
                    format="JSON",
                    media_type="application/json",
                    access_url=dump,
                    download_url=dump,
                    byte_size=None,
                    license=license_uri,
                    rights=bool(license_uri),
                    access_url_reachable=reachable.get(dump),
                    download_url_reachable=reachable.get(dump),
                )
            )
    return PublishFacts(
        distributions=tuple(dists),
        issued=package.get("metadata_created"),
        modified=package.get("metadata_modified"),
        dcat_ap_valid=dcat_ap_valid,
    )
