"""Closed lists the MQA indicators compare metadata against.

WHY a local copy: the MQA's own lists (data.europa.eu's piveau-metrics, and the
metasolutions lists DIGG links from quality.md) live online and we have no internet at
run time. These are the entries relevant to the formats and licences a Swedish
municipal catalog uses; a value missing here is reported as "not in our copy of the
list", so an unknown value never silently earns points.
"""

from __future__ import annotations

FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
ACCESS_RIGHT_BASE = "http://publications.europa.eu/resource/authority/access-right/"

# EU file-type authority table codes (format vocabulary).
FILE_TYPES = frozenset(
    {
        "CSV", "TSV", "JSON", "GEOJSON", "JSON_LD", "XML", "RDF_XML", "RDF_TURTLE",
        "XLSX", "XLS", "ODS", "PDF", "ZIP", "HTML", "TXT", "GML", "KML", "SHP",
        "GPKG", "PARQUET", "GTFS", "DOCX", "ODT",
    }
)

# IANA media types registered for those formats.
MEDIA_TYPES = frozenset(
    {
        "text/csv", "text/tab-separated-values", "application/json",
        "application/geo+json", "application/ld+json", "application/xml", "text/xml",
        "application/rdf+xml", "text/turtle", "application/pdf", "application/zip",
        "text/html", "text/plain", "application/gml+xml",
        "application/vnd.google-earth.kml+xml", "application/geopackage+sqlite3",
        "application/vnd.apache.parquet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet",
    }
)

# Formats whose specification is open (MQA "non-proprietary").
NON_PROPRIETARY = frozenset(
    {
        "CSV", "TSV", "JSON", "GEOJSON", "JSON_LD", "XML", "RDF_XML", "RDF_TURTLE",
        "ODS", "ODT", "HTML", "TXT", "GML", "KML", "GPKG", "PARQUET", "GTFS",
        "text/csv", "text/tab-separated-values", "application/json",
        "application/geo+json", "application/ld+json", "application/xml", "text/xml",
        "application/rdf+xml", "text/turtle", "text/html", "text/plain",
        "application/gml+xml", "application/vnd.google-earth.kml+xml",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)

# Formats a program can parse into structured records (MQA "machine-readable").
MACHINE_READABLE = frozenset(
    {
        "CSV", "TSV", "JSON", "GEOJSON", "JSON_LD", "XML", "RDF_XML", "RDF_TURTLE",
        "XLSX", "XLS", "ODS", "GML", "KML", "SHP", "GPKG", "PARQUET", "GTFS",
        "text/csv", "text/tab-separated-values", "application/json",
        "application/geo+json", "application/ld+json", "application/xml", "text/xml",
        "application/rdf+xml", "text/turtle", "application/gml+xml",
        "application/vnd.google-earth.kml+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet",
    }
)

# Licences the MQA recognises (exact URIs: DIGG asks for the Creative Commons URIs
# without language suffix; the EU licence table's own URIs are accepted too).
KNOWN_LICENCES = frozenset(
    {
        "http://creativecommons.org/publicdomain/zero/1.0/",
        "http://creativecommons.org/licenses/by/4.0/",
        "http://creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "http://publications.europa.eu/resource/authority/licence/CC0",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "http://publications.europa.eu/resource/authority/licence/CC_BY_SA_4_0",
        "http://publications.europa.eu/resource/authority/licence/EUPL_1_2",
    }
)

ACCESS_RIGHTS = frozenset({"PUBLIC", "RESTRICTED", "NON_PUBLIC"})


def file_type_code(value: str | None) -> str | None:
    """The EU file-type code of a format given as code or full URI ("CSV" for either)."""
    if not value:
        return None
    if value.startswith(FILE_TYPE_BASE):
        value = value[len(FILE_TYPE_BASE):]
    return value.strip().upper() or None


def media_type_name(value: str | None) -> str | None:
    """The bare media type ("text/csv") of a value given bare or as an IANA URI."""
    if not value:
        return None
    if value.startswith(IANA_MEDIA_TYPE_BASE):
        value = value[len(IANA_MEDIA_TYPE_BASE):]
    return value.strip().lower() or None


def access_right_code(value: str | None) -> str | None:
    """The EU access-right code of a value given as code or full URI."""
    if not value:
        return None
    if value.startswith(ACCESS_RIGHT_BASE):
        value = value[len(ACCESS_RIGHT_BASE):]
    return value.strip().upper() or None
