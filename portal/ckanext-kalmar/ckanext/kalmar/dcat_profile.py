"""DCAT-AP-SE, the Swedish profile of DCAT-AP, for Sveriges dataportal.

Registered as the ckanext-dcat RDF profile `kalmar_dcat_ap_se` (see pyproject.toml) and listed after
`euro_dcat_ap_3` in ckanext.dcat.rdf.profiles. ckanext-dcat runs every listed profile over the same
graph, so this one does not re-run the inherited DCAT-AP 3 methods (that would emit every triple and
blank node twice); it corrects and completes what `euro_dcat_ap_3` wrote, reading the fields stored
per docs/ckan-mapping.md:

- DIGG's harvesting rules (reference/dcat-ap-se/harvesting.md): no blank node for the catalog,
  datasets, distributions, publishers and contact points; publishers as
  http://dataportal.se/organisation/SE<orgnr> when the organization's `orgnr` is known, else an IRI
  under the portal; licences by their exact URIs on every distribution.
- DCAT-AP 3 ranges: formats as EU file-type IRIs plus IANA media types, temporal coverage as a
  dct:PeriodOfTime with dcat:startDate/endDate, applicable legislation for high-value datasets, and
  the rdf:type of every object the SHACL range shapes check.
- Resources with kalmar_role `schema` or `report` are not distributions: the Table Schema becomes
  dct:conformsTo of the data distribution; the DataStore's JSON dump becomes a JSON distribution.
"""

import hashlib
import json
import logging
import re

from ckan import model
from ckan.plugins import toolkit
from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import DCAT, DCATAP, DCT, FOAF, SKOS, SPDX, VCARD
from ckanext.dcat.utils import catalog_uri, resource_uri
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ckanext.kalmar import dcat_places as P
from ckanext.kalmar import dcat_vocab as V

log = logging.getLogger(__name__)

CATALOG_PUBLISHER_OPTION = "ckanext.kalmar.catalog_publisher"
CATALOG_LICENSE_OPTION = "ckanext.kalmar.catalog_license"
CATALOG_SPATIAL_OPTION = "ckanext.kalmar.catalog_spatial"
AVAILABILITY_OPTION = "ckanext.kalmar.distribution_availability"
# Characters an IRI may not hold (RFC 3987: space, controls, <>"{}|\^`) and a % that starts no escape.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]|%(?![0-9A-Fa-f]{2})')


def _site():
    return catalog_uri().rstrip("/")


def _extras(entity):
    """Extras of a package or organization dict as a plain {key: value} dict."""
    return {e["key"]: e["value"] for e in entity.get("extras", []) if "key" in e}


def _json_list(value):
    if not value:
        return []
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value]
    return parsed if isinstance(parsed, list) else [parsed]


def _translated(fields, name):
    """{lang: value} of the `<name>_<lang>` keys (two-letter ISO 639-1 codes) of a dict of fields."""
    out = {}
    for key, value in fields.items():
        prefix, _, lang = key.rpartition("_")
        if prefix == name and len(lang) == 2 and lang.isalpha() and lang.islower():
            out[lang] = value
    return out


def _absolute(value):
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def encode_iri(value):
    """Percent-encode what an IRI may not contain (UTF-8 bytes), and nothing else.

    A resource URL or website typed with a space, `|`, `"` or `{` is still the address the steward
    meant; written as such into Turtle it breaks the whole document. Encoding exactly the forbidden
    characters keeps every valid IRI (non-ASCII letters and existing %XX escapes included) unchanged.
    """
    return _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), value)


class SwedishDCATAPProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 (run before us as `euro_dcat_ap_3`), corrected to DCAT-AP-SE."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._orgs = {}  # per serialization, never stale across requests

    # --- hooks -------------------------------------------------------------------------------

    def parse_dataset(self, dataset_dict, dataset_ref):
        return dataset_dict

    def graph_from_dataset(self, dataset_dict, dataset_ref):
        extras = _extras(dataset_dict)
        site = _site()
        self._language_tag(dataset_ref, (DCT.title, DCT.description, DCAT.keyword))
        self._translations(dataset_ref, extras, {"title": DCT.title, "notes": DCT.description})
        for lang, words in _translated(extras, "keywords").items():
            for word in _json_list(words):
                self.g.add((dataset_ref, DCAT.keyword, Literal(word, lang=lang)))
        publisher = self._publisher(dataset_dict, dataset_ref)
        self._contact(dataset_dict, dataset_ref, extras, site)
        self._temporal(dataset_ref, extras)
        self._type_objects(dataset_ref)
        self._concepts(dataset_ref)
        hvd = bool(_json_list(extras.get("hvd_category")))
        if hvd:
            self._legislation(dataset_ref)
        self._distributions(dataset_dict, dataset_ref, extras, site, hvd)
        self._byte_sizes()
        self._locations(dataset_ref)
        self._encode_iris()
        if publisher is None:
            log.warning("dataset %s has no organization: no dct:publisher", dataset_dict.get("name"))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        g = self.g
        self._language_tag(catalog_ref, (DCT.title, DCT.description))
        for lang in list(g.objects(catalog_ref, DCT.language)):
            if isinstance(lang, Literal):
                g.remove((catalog_ref, DCT.language, lang))
                code = V.LANGUAGE_CODES.get(str(lang).split("_")[0].lower())
                if code:
                    ref = V.LANGUAGE[code]
                    g.add((catalog_ref, DCT.language, ref))
                    g.add((ref, RDF.type, DCT.LinguisticSystem))
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))
        licence = URIRef(toolkit.config.get(CATALOG_LICENSE_OPTION) or V.CC0)
        g.set((catalog_ref, DCT.license, licence))
        g.add((licence, RDF.type, DCT.LicenseDocument))
        self._licence_types(licence)
        issued = (catalog_dict or {}).get("issued")
        if issued:  # when the catalog's first dataset was published (dcat_cache passes it)
            g.set((catalog_ref, DCT.issued, Literal(issued[:19], datatype=XSD.dateTime)))
        spatial = toolkit.config.get(CATALOG_SPATIAL_OPTION)
        if _absolute(spatial):
            g.set((catalog_ref, DCT.spatial, URIRef(spatial)))
            self._locations(catalog_ref)
        scheme = URIRef(V.DATA_THEME_SCHEME)
        g.set((catalog_ref, DCAT.themeTaxonomy, scheme))
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self._labels(scheme, DCT.title, V.THEME_SCHEME_TITLE)
        org = self._catalog_publisher_org()
        if org is None:
            log.warning("no organization to name as the catalog's publisher (set %s)",
                        CATALOG_PUBLISHER_OPTION)
            return
        ref = self._describe_publisher(org)
        g.set((catalog_ref, DCT.publisher, ref))
        self._encode_iris()

    # --- publisher ---------------------------------------------------------------------------

    def _org(self, org_id):
        """An organization as {id, name, title, extras}, read from CKAN's model.

        Not organization_show: that action also counts the organization's datasets with a search,
        which made each dataset's graph cost a search (~0.3 s) for a name and a few extras.
        """
        if org_id not in self._orgs:
            group = model.Group.get(org_id)
            self._orgs[org_id] = None if group is None or group.state != "active" else {
                "id": group.id, "name": group.name, "title": group.title,
                "extras": [{"key": k, "value": v} for k, v in sorted((group.extras or {}).items())],
            }
        return self._orgs[org_id]

    def _catalog_publisher_org(self):
        """The configured organization, else the county-level one (code of 2 digits)."""
        wanted = toolkit.config.get(CATALOG_PUBLISHER_OPTION)
        if wanted:
            return self._org(wanted)
        names = [g.name for g in model.Session.query(model.Group).filter_by(is_organization=True, state="active")]
        orgs = [self._org(name) for name in sorted(names)]
        orgs = [o for o in orgs if o]
        county = [o for o in orgs if len(_extras(o).get("code", "")) == 2]
        return (county or orgs or [None])[0]

    def _publisher_iri(self, org):
        extras = _extras(org)
        orgnr = (extras.get("orgnr") or "").replace("-", "").strip()
        if orgnr.isdigit() and len(orgnr) == 10:
            return URIRef(V.DATAPORTAL_PUBLISHER.format(orgnr=orgnr))
        return URIRef(f"{_site()}/organization/{org['name']}")

    def _describe_publisher(self, org):
        """The publisher node of an organization, described once with the same triples."""
        g = self.g
        extras = _extras(org)
        ref = self._publisher_iri(org)
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, RDF.type, FOAF.Organization))
        g.set((ref, FOAF.name, Literal(org.get("title") or org["name"], lang="sv")))
        kind = "RegionalAuthority" if len(extras.get("code", "")) == 2 else "LocalAuthority"
        g.set((ref, DCT.type, V.PUBLISHER_TYPE[kind]))
        self._concept(V.PUBLISHER_TYPE[kind], V.PUBLISHER_TYPE_LABELS[kind])
        website = extras.get("website")
        if _absolute(website):
            g.set((ref, FOAF.homepage, URIRef(website)))
            g.add((URIRef(website), RDF.type, FOAF.Document))
        email = extras.get("email")
        if email:
            g.set((ref, FOAF.mbox, URIRef(f"mailto:{email}")))
        return ref

    def _publisher(self, dataset_dict, dataset_ref):
        g = self.g
        org = dataset_dict.get("organization")
        org = self._org(org["id"]) if org else None
        old = list(g.objects(dataset_ref, DCT.publisher))
        if org is None:
            for node in old:
                if isinstance(node, BNode):  # DIGG: never a blank-node publisher
                    self._drop(dataset_ref, DCT.publisher, node)
            return None
        ref = self._describe_publisher(org)
        for node in old:
            if node != ref:
                g.remove((dataset_ref, DCT.publisher, node))
                if not any(g.subjects(DCT.publisher, node)):
                    self._remove_node(node)
        g.add((dataset_ref, DCT.publisher, ref))
        return ref

    # --- contact point -----------------------------------------------------------------------

    def _contact(self, dataset_dict, dataset_ref, extras, site):
        g = self.g
        for node in list(g.objects(dataset_ref, DCAT.contactPoint)):
            if isinstance(node, BNode) or not _absolute(str(node)):
                iri = self._contact_iri(dataset_dict, extras, site)
                self._rename(node, iri)
                node = iri
            g.add((node, RDF.type, VCARD.Kind))
            for email in list(g.objects(node, VCARD.hasEmail)):
                if not str(email).startswith("mailto:"):
                    g.remove((node, VCARD.hasEmail, email))
                    g.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))

    @staticmethod
    def _contact_iri(dataset_dict, extras, site):
        """One IRI per organization and e-mail address: the same contact is described once
        (DIGG: avoid duplicate identifiers), different contacts never merge."""
        org = (dataset_dict.get("organization") or {}).get("name")
        email = (extras.get("contact_email") or "").strip().lower()
        key = hashlib.sha256(email.encode("utf-8")).hexdigest()[:12] if email else "default"
        if org:
            return URIRef(f"{site}/organization/{org}#contact-{key}")
        return URIRef(f"{site}/dataset/{dataset_dict['name']}#contact")

    # --- temporal, types, legislation --------------------------------------------------------

    def _temporal(self, dataset_ref, extras):
        g = self.g
        for node in list(g.objects(dataset_ref, DCT.temporal)):
            self._drop(dataset_ref, DCT.temporal, node)
        start, end = extras.get("temporal_start"), extras.get("temporal_end")
        if not (start or end):
            return
        period = URIRef(f"{dataset_ref}#temporal")
        g.add((dataset_ref, DCT.temporal, period))
        g.add((period, RDF.type, DCT.PeriodOfTime))
        if start:
            g.add((period, DCAT.startDate, Literal(start[:10], datatype=XSD.date)))
        if end:
            g.add((period, DCAT.endDate, Literal(end[:10], datatype=XSD.date)))

    def _type_objects(self, dataset_ref):
        """Give each vocabulary object the class DCAT-AP 3's range shapes expect."""
        g = self.g
        for pred, cls in ((DCAT.landingPage, FOAF.Document),
                          (DCT.accrualPeriodicity, DCT.Frequency), (DCT.spatial, DCT.Location),
                          (DCT.language, DCT.LinguisticSystem), (DCT.conformsTo, DCT.Standard),
                          (DCT.accessRights, DCT.RightsStatement)):
            for obj in g.objects(dataset_ref, pred):
                if isinstance(obj, URIRef):
                    g.add((obj, RDF.type, cls))

    def _labels(self, ref, predicate, labels):
        sv, en = labels
        self.g.set((ref, predicate, Literal(sv, lang="sv")))
        self.g.add((ref, predicate, Literal(en, lang="en")))

    def _concept(self, ref, labels):
        """A skos:Concept with the authority table's Swedish and English labels."""
        self.g.add((ref, RDF.type, SKOS.Concept))
        self._labels(ref, SKOS.prefLabel, labels)

    def _concepts(self, dataset_ref):
        for theme in self.g.objects(dataset_ref, DCAT.theme):
            code = str(theme).rsplit("/", 1)[-1]
            self._concept(theme, V.THEME_LABELS.get(code, (code, code)))
            self.g.add((theme, SKOS.inScheme, URIRef(V.DATA_THEME_SCHEME)))
        for category in self.g.objects(dataset_ref, DCATAP.hvdCategory):
            code = str(category).rsplit("/", 1)[-1]
            self._concept(category, V.HVD_LABELS.get(str(category), (code, code)))

    def _legislation(self, subject):
        law = URIRef(V.HVD_REGULATION)
        self.g.add((subject, DCATAP.applicableLegislation, law))
        self.g.add((law, RDF.type, V.ELI.LegalResource))

    def _translations(self, subject, fields, predicates):
        """The other languages a text was given in (`<field>_<lang>`, docs/ckan-mapping.md), each with its tag."""
        for field, predicate in predicates.items():
            for lang, text in _translated(fields, field).items():
                if text:
                    self.g.add((subject, predicate, Literal(text, lang=lang)))

    def _language_tag(self, subject, predicates):
        """DIGG rec. 12: every free-text value carries its language (ours are Swedish)."""
        g = self.g
        for pred in predicates:
            for obj in list(g.objects(subject, pred)):
                if isinstance(obj, Literal) and not obj.language and obj.datatype is None:
                    g.remove((subject, pred, obj))
                    g.add((subject, pred, Literal(str(obj), lang="sv")))

    # --- distributions -----------------------------------------------------------------------

    def _distributions(self, dataset_dict, dataset_ref, extras, site, hvd):
        g = self.g
        licence_uri = extras.get("license_uri") or dataset_dict.get("license_url")
        licence = URIRef(licence_uri) if _absolute(licence_uri) else None
        rights = self._rights(dataset_ref, dataset_dict, licence) if licence else None
        schema_urls = [r.get("url") for r in dataset_dict.get("resources", [])
                       if r.get("kalmar_role") == "schema" and _absolute(r.get("url"))]
        for res in dataset_dict.get("resources", []):
            dist = URIRef(resource_uri(res))
            role = res.get("kalmar_role")
            if role in V.NON_DISTRIBUTION_ROLES:
                self._drop(dataset_ref, DCAT.distribution, dist)
                continue
            self._language_tag(dist, (DCT.title, DCT.description))
            self._translations(dist, res, {"name": DCT.title, "description": DCT.description})
            fmt = V.ROLE_FORMATS.get(role) or (res.get("format") or "").strip().upper()
            self._format(dist, fmt)
            url = res.get("url")
            if _absolute(url):
                g.set((dist, DCAT.accessURL, URIRef(url)))
                if role in V.ROLE_FORMATS or res.get("url_type") == "upload":
                    g.set((dist, DCAT.downloadURL, URIRef(url)))
            if _absolute(res.get("download_url")):  # a harvested distribution's own download link
                g.set((dist, DCAT.downloadURL, URIRef(res["download_url"])))
            if res.get("url_type") == "upload":
                self._availability(dist)
            self._licence(dist, licence, rights)
            if res.get("sha256"):
                checksum = URIRef(f"{dist}#sha256")
                g.add((dist, SPDX.checksum, checksum))
                g.add((checksum, RDF.type, SPDX.Checksum))
                g.add((checksum, SPDX.algorithm, URIRef(V.SPDX_SHA256)))
                g.add((checksum, SPDX.checksumValue,
                       Literal(res["sha256"].lower(), datatype=XSD.hexBinary)))
            if role == "data":
                for schema_url in schema_urls:
                    g.add((dist, DCT.conformsTo, URIRef(schema_url)))
                    g.add((URIRef(schema_url), RDF.type, DCT.Standard))
                if res.get("datastore_active"):
                    self._json_dump(dataset_ref, res, site, licence, rights, hvd)
            if hvd:
                self._legislation(dist)
            self._type_distribution_objects(dist)

    def _byte_sizes(self):
        """DCAT-AP 3.0.0's SHACL shapes want dcat:byteSize as xsd:decimal.

        euro_dcat_ap_3 rewrites *every* byteSize in the graph to xsd:nonNegativeInteger
        each time it adds a dataset, so this runs over the whole graph after it, too.
        """
        g = self.g
        for dist, size in list(g.subject_objects(DCAT.byteSize)):
            if size.datatype == XSD.decimal:
                continue
            g.remove((dist, DCAT.byteSize, size))
            if str(size).isdigit():
                g.add((dist, DCAT.byteSize, Literal(str(size), datatype=XSD.decimal)))
            else:
                log.warning("%s: byte size %r is not a count of bytes; left out", dist, str(size))

    def _format(self, dist, fmt):
        g = self.g
        known = V.FORMATS.get(fmt)
        if not known:
            return  # leave what DCAT-AP 3 wrote; the MQA report names unknown formats
        code, media = known
        for pred in (DCT["format"], DCAT.mediaType):
            g.remove((dist, pred, None))
        g.add((dist, DCT["format"], V.FILE_TYPE[code]))
        g.add((V.FILE_TYPE[code], RDF.type, DCT.MediaTypeOrExtent))
        g.add((dist, DCAT.mediaType, V.IANA[media]))
        g.add((V.IANA[media], RDF.type, DCT.MediaType))

    def _licence(self, dist, licence, rights):
        g = self.g
        if licence is None:
            return
        for old in list(g.objects(dist, DCT.license)):
            g.remove((dist, DCT.license, old))
        g.add((dist, DCT.license, licence))
        g.add((licence, RDF.type, DCT.LicenseDocument))
        self._licence_types(licence)
        g.set((dist, DCT.rights, rights))

    def _rights(self, dataset_ref, dataset_dict, licence):
        g = self.g
        ref = URIRef(f"{dataset_ref}#rights")
        g.add((ref, RDF.type, DCT.RightsStatement))
        title = dataset_dict.get("license_title") or str(licence)
        g.set((ref, RDFS.label, Literal(
            f"Fri att vidareutnyttja enligt licensen {title} ({licence}).", lang="sv")))
        return ref

    def _json_dump(self, dataset_ref, res, site, licence, rights, hvd):
        """The DataStore's JSON dump of the data resource: the same data, as JSON."""
        g = self.g
        url = URIRef(f"{site}/datastore/dump/{res['id']}?format=json")
        dist = URIRef(f"{resource_uri(res)}#json")
        g.add((dataset_ref, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        name = res.get("name") or res["id"]
        g.add((dist, DCT.title, Literal(f"{name} (JSON)", lang="sv")))
        g.add((dist, DCT.description, Literal(
            "Samma data som CSV-filen, som JSON ur portalens DataStore.", lang="sv")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        self._availability(dist)
        self._format(dist, "JSON")
        self._licence(dist, licence, rights)
        if hvd:
            self._legislation(dist)
        self._type_distribution_objects(dist)

    def _type_distribution_objects(self, dist):
        g = self.g
        for pred, cls in ((DCAT.accessURL, RDFS.Resource), (DCAT.downloadURL, RDFS.Resource),
                          (FOAF.page, FOAF.Document), (DCT.language, DCT.LinguisticSystem),
                          (DCT.conformsTo, DCT.Standard)):
            for obj in g.objects(dist, pred):
                if isinstance(obj, URIRef):
                    g.add((obj, RDF.type, cls))

    def _availability(self, dist):
        """Planned availability of a distribution the portal hosts (configured, see ckan.ini)."""
        code = (toolkit.config.get(AVAILABILITY_OPTION) or "").strip().upper()
        if code not in V.AVAILABILITY_LABELS:
            return
        ref = V.PLANNED_AVAILABILITY[code]
        self.g.set((dist, DCATAP.availability, ref))
        self._english_concept(ref, V.AVAILABILITY_LABELS[code])

    def _licence_types(self, licence):
        """The ADMS licence types of a licence we know (dcat_vocab.LICENCE_TYPES), else none.

        ckanext-dcat marks every licence "UnknownIPR"; ours are known licences.
        """
        g = self.g
        g.remove((licence, DCT.type, URIRef("http://purl.org/adms/licencetype/UnknownIPR")))
        for code in V.LICENCE_TYPES.get(str(licence), ()):
            ref = V.LICENCE_TYPE[code]
            g.add((licence, DCT.type, ref))
            self._english_concept(ref, V.LICENCE_TYPE_LABELS[code])

    def _english_concept(self, ref, label):
        """A skos:Concept with its authority table's English label (no Swedish one is published)."""
        self.g.add((ref, RDF.type, SKOS.Concept))
        self.g.set((ref, SKOS.prefLabel, Literal(label, lang="en")))

    def _locations(self, subject):
        """Each dct:spatial a dct:Location, with bbox and centroid where dcat_places knows them."""
        g = self.g
        for place in g.objects(subject, DCT.spatial):
            if not isinstance(place, URIRef):
                continue
            g.add((place, RDF.type, DCT.Location))
            known = P.PLACES.get(str(place))
            if known:
                g.set((place, DCAT.bbox, Literal(known.bbox_wkt(), datatype=P.WKT)))
                g.set((place, DCAT.centroid, Literal(known.centroid_wkt(), datatype=P.WKT)))

    def _encode_iris(self):
        """Percent-encode every IRI in the graph that holds characters IRIs may not (encode_iri)."""
        g = self.g
        for s, p, o in list(g):
            s2 = URIRef(encode_iri(str(s))) if isinstance(s, URIRef) and _IRI_UNSAFE.search(s) else s
            o2 = URIRef(encode_iri(str(o))) if isinstance(o, URIRef) and _IRI_UNSAFE.search(o) else o
            if s2 is not s or o2 is not o:
                g.remove((s, p, o))
                g.add((s2, p, o2))

    # --- graph surgery -----------------------------------------------------------------------

    def _rename(self, old, new):
        g = self.g
        for s, p, o in list(g.triples((old, None, None))):
            g.remove((s, p, o))
            g.add((new, p, o))
        for s, p, o in list(g.triples((None, None, old))):
            g.remove((s, p, o))
            g.add((s, p, new))

    def _drop(self, subject, predicate, node):
        """Unlink `node` from `subject` and delete it when nothing else refers to it."""
        self.g.remove((subject, predicate, node))
        if not any(self.g.subjects(None, node)):
            self._remove_node(node)

    def _remove_node(self, node):
        g = self.g
        children = [o for o in g.objects(node, None) if isinstance(o, BNode)]
        g.remove((node, None, None))
        for child in children:
            if not any(g.subjects(None, child)):
                self._remove_node(child)
