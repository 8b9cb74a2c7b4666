"""Vocabulary IRIs the DCAT-AP-SE profile writes, in one place.

WHY a separate module: the profile's logic (which node gets which property) reads
better without long IRIs, and each IRI here can be checked against its authority
table (EU Publications Office, IANA, ELI, ADMS) in one glance.
"""

from rdflib import Namespace

FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

DATA_THEME_SCHEME = "http://publications.europa.eu/resource/authority/data-theme"
# The HVD implementing regulation (EU) 2023/138: applicable legislation of every HVD.
HVD_REGULATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
DATAPORTAL_PUBLISHER = "http://dataportal.se/organisation/SE{orgnr}"
SPDX_SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"

# CKAN resource format (upper-cased) -> (EU file-type code, IANA media type).
FORMATS = {
    "CSV": ("CSV", "text/csv"),
    "TSV": ("TSV", "text/tab-separated-values"),
    "JSON": ("JSON", "application/json"),
    "GEOJSON": ("GEOJSON", "application/geo+json"),
    "XML": ("XML", "application/xml"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "PDF": ("PDF", "application/pdf"),
    "ZIP": ("ZIP", "application/zip"),
    "HTML": ("HTML", "text/html"),
    "TXT": ("TXT", "text/plain"),
    "PARQUET": ("PARQUET", "application/vnd.apache.parquet"),
}

# kalmar_role of a resource -> the format it always has (docs/ckan-mapping.md).
ROLE_FORMATS = {"data": "CSV", "geojson": "GEOJSON"}
# Roles that are not distributions of the dataset: the Table Schema is linked from
# the data distribution (dct:conformsTo), the validation report is internal.
NON_DISTRIBUTION_ROLES = frozenset({"schema", "report"})

LANGUAGE_CODES = {"sv": "SWE", "en": "ENG"}

# Labels of the concepts we point to. DCAT-AP 3's shapes require every skos:Concept to
# carry a skos:prefLabel (and the scheme a dct:title), so the profile repeats the
# authority tables' own labels for the values it uses.
THEME_LABELS = {
    "AGRI": ("Jordbruk, fiske, skogsbruk och livsmedel", "Agriculture, fisheries, forestry and food"),
    "ECON": ("Ekonomi och finans", "Economy and finance"),
    "EDUC": ("Utbildning, kultur och sport", "Education, culture and sport"),
    "ENER": ("Energi", "Energy"),
    "ENVI": ("Miljö", "Environment"),
    "GOVE": ("Regeringen och den offentliga sektorn", "Government and public sector"),
    "HEAL": ("Hälsa", "Health"),
    "INTR": ("Internationella frågor", "International issues"),
    "JUST": ("Rättvisa, rättssystem och allmän säkerhet", "Justice, legal system and public safety"),
    "OP_DATPRO": ("Preliminära uppgifter", "Provisional data"),
    "REGI": ("Regioner och städer", "Regions and cities"),
    "SOCI": ("Befolkning och samhälle", "Population and society"),
    "TECH": ("Vetenskap och teknik", "Science and technology"),
    "TRAN": ("Transport", "Transport"),
}
THEME_SCHEME_TITLE = ("Datatema", "Data theme")
HVD_LABELS = {
    "http://data.europa.eu/bna/c_ac64a52d": ("Geodata", "Geospatial"),
    "http://data.europa.eu/bna/c_dd313021": ("Jordobservation och miljö", "Earth observation and environment"),
    "http://data.europa.eu/bna/c_164e0bf5": ("Meteorologi", "Meteorological"),
    "http://data.europa.eu/bna/c_e1da4e07": ("Statistik", "Statistics"),
    "http://data.europa.eu/bna/c_a9135398": ("Företag och ägande av företag", "Companies and company ownership"),
    "http://data.europa.eu/bna/c_b79e35eb": ("Mobilitet", "Mobility"),
}
PUBLISHER_TYPE_LABELS = {
    "LocalAuthority": ("Kommun", "Local Authority"),
    "RegionalAuthority": ("Region", "Regional Authority"),
}

# Planned availability (EU authority table planned-availability) of distributions the portal hosts.
PLANNED_AVAILABILITY = Namespace("http://publications.europa.eu/resource/authority/planned-availability/")
AVAILABILITY_LABELS = {"AVAILABLE": "available", "STABLE": "stable", "EXPERIMENTAL": "experimental",
                       "TEMPORARY": "temporary"}

# ADMS licence types (http://purl.org/adms/licencetype/) of the licences in portal/licenses.json:
# CC0 waives all rights; CC BY requires attribution; CC BY-SA also requires sharing alike.
LICENCE_TYPE = Namespace("http://purl.org/adms/licencetype/")
LICENCE_TYPES = {
    "http://creativecommons.org/publicdomain/zero/1.0/": ("PublicDomain",),
    "http://creativecommons.org/licenses/by/4.0/": ("Attribution",),
    "http://creativecommons.org/licenses/by-sa/4.0/": ("Attribution", "ShareAlike"),
}
LICENCE_TYPE_LABELS = {"PublicDomain": "Public domain", "Attribution": "Attribution", "ShareAlike": "Share-alike"}
