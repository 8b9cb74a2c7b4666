"""The whole DCAT-AP-SE catalog from per-dataset fragments, cached per format, with ETag and 304.

Why: ckanext-dcat rebuilds the catalog on every request, one package_show and one RDF graph per
dataset, and pages it by CKAN's row cap (1,000), so at 10,000 datasets a harvester waited minutes and
still got a tenth of the catalog. Here each public dataset is rendered once per change, when its
search document is written (search/index.py), into three fragments (RDF/XML elements, a Turtle
document, JSON-LD node objects) kept in `kalmar_dcat_fragment`; fragments a new profile version made
stale are rendered again on the next catalog request (`portal/stack reindex` does it ahead);
a request for /catalog.<format> concatenates the catalog header with every fragment into a file that
is served until something changes. The ETag is derived from the search documents (count, a hash of
each id and its indexing time, the organizations, the renderer version), so any dataset write,
deletion, purge or organization edit yields a new one; an unchanged ETag answers 304.

Only the plain whole-catalog request is served this way (no `page`, `q`, `fq`, `modified_since` or
`profiles`): the public catalog, the same for every caller, as Sveriges dataportal harvests it.
Requests with those parameters go to ckanext-dcat's own view, which pages with hydra:PagedCollection.

Concatenation is valid in each format: RDF/XML elements carry their own namespace declarations,
Turtle allows a prefix to be declared again later in a document, and expanded JSON-LD is a list of
node objects. rdflib writes blank-node labels that are unique per graph, so fragments never share one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import timezone
from pathlib import Path

import sqlalchemy as sa
from ckan import model
from ckan.plugins import toolkit
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import dataset_uri
from lxml import etree
from rdflib import URIRef
from rdflib.namespace import DCAT

from .search import table

log = logging.getLogger(__name__)

FRAGMENTS = "kalmar_dcat_fragment"
# URL format -> (fragment column, Content-Type)
FORMATS = {
    "rdf": ("xml", "application/rdf+xml"),
    "xml": ("xml", "application/rdf+xml"),
    "ttl": ("turtle", "text/turtle"),
    "n3": ("turtle", "text/n3"),
    "jsonld": ("jsonld", "application/ld+json"),
}
PASS_THROUGH = ("page", "q", "fq", "modified_since", "profiles")
# Datasets that are in the catalog: what an anonymous visitor can see, minus harvest sources.
ELIGIBLE = "d.state = 'active' AND NOT d.private AND d.type NOT IN ('harvest', 'showcase')"
_DDL = f"""
CREATE TABLE IF NOT EXISTS {FRAGMENTS} (
    id text PRIMARY KEY,
    source text NOT NULL,
    uri text NOT NULL,
    xml text NOT NULL,
    turtle text NOT NULL,
    jsonld text NOT NULL
)"""
_CONFIG_KEYS = ("ckan.site_url", "ckan.site_title", "ckan.site_description", "ckan.locale_default",
                "ckanext.dcat.base_uri", "ckanext.dcat.rdf.profiles", "ckanext.dcat.resource.inherit.license",
                "ckanext.kalmar.catalog_publisher", "ckanext.kalmar.catalog_license",
                "ckanext.kalmar.catalog_spatial", "ckanext.kalmar.distribution_availability")
_version: str | None = None


def renderer_version() -> str:
    """Changes when the profile's code or the configuration it reads changes (fragments re-render)."""
    global _version
    if _version is None:
        here = Path(__file__).parent
        digest = hashlib.sha256()
        for name in ("dcat_profile.py", "dcat_vocab.py", "dcat_places.py", "dcat_cache.py"):
            path = here / name
            if path.exists():
                digest.update(path.read_bytes())
        import ckanext.dcat
        digest.update(str(getattr(ckanext.dcat, "__version__", "")).encode())
        digest.update(json.dumps([toolkit.config.get(k) for k in _CONFIG_KEYS], default=str).encode())
        _version = digest.hexdigest()[:16]
    return _version


_fragments_ready = False


def _ensure() -> None:
    global _fragments_ready
    table.ensure()
    if not _fragments_ready:
        with model.meta.engine.begin() as conn:
            if conn.execute(sa.text("SELECT to_regclass(:t) IS NULL"), {"t": FRAGMENTS}).scalar():
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:t))"), {"t": FRAGMENTS})
                conn.execute(sa.text(_DDL))
        _fragments_ready = True


# --- fragments -----------------------------------------------------------------------------------

class _Serializer(RDFSerializer):
    """ckanext-dcat's serializer with its profile classes looked up once per process.

    Why: RDFSerializer() resolves every configured profile through importlib.metadata.entry_points,
    which scans all installed distributions (~0.1 s); a dataset write renders one fragment, so that
    lookup was a tenth of the cost of creating a dataset. Profiles are classes instantiated per graph,
    so sharing the looked-up classes between serializers shares no state.
    """

    _loaded: dict[tuple[str, ...], list] = {}

    def _load_profiles(self, profile_names):
        key = tuple(profile_names)
        if key not in self._loaded:
            self._loaded[key] = super()._load_profiles(profile_names)
        return list(self._loaded[key])


def render_fragment(dataset_dict: dict) -> tuple[str, str, str, str]:
    """(dataset IRI, RDF/XML elements, Turtle document, JSON-LD node objects) of one dataset."""
    serializer = _Serializer()
    serializer.graph_from_dataset(dataset_dict)
    graph = serializer.g
    root = etree.fromstring(graph.serialize(format="xml").encode("utf-8"))
    xml = "\n".join(etree.tostring(child, encoding="unicode") for child in root)
    turtle = graph.serialize(format="turtle")
    jsonld = graph.serialize(format="json-ld").strip()
    if not (jsonld.startswith("[") and jsonld.endswith("]")):
        raise ValueError(f"JSON-LD of {dataset_dict.get('name')} is not a list of node objects")
    return dataset_uri(dataset_dict), xml, turtle, jsonld[1:-1].strip()


_UPSERT_FRAGMENT = (
    f"INSERT INTO {FRAGMENTS} (id, source, uri, xml, turtle, jsonld) VALUES (:id, :s, :u, :x, :t, :j) "
    "ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, uri = EXCLUDED.uri, xml = EXCLUDED.xml, "
    "turtle = EXCLUDED.turtle, jsonld = EXCLUDED.jsonld")


def store_fragment(package_id: str, dataset: dict, indexed_at: str) -> None:
    """Render a dataset's fragments with its search document, in the same transaction.

    Why at write time: the catalog then only concatenates, also after a bulk import (rendering
    10,000 datasets in one request would outlast any HTTP timeout). A dataset whose description
    cannot be written is refused here, naming it and the reason, instead of breaking the feed later.
    """
    _ensure()
    try:
        uri, xml, turtle, jsonld = render_fragment(dataset)
    except Exception as exc:
        log.exception("DCAT: dataset %s (%s) could not be rendered", dataset.get("name"), package_id)
        raise toolkit.ValidationError({"dcat": [
            f"the DCAT-AP-SE description of dataset {dataset.get('name')!r} cannot be written "
            f"({type(exc).__name__}: {exc}); correct the value named there"]}) from None
    model.Session.execute(sa.text(_UPSERT_FRAGMENT), {
        "id": package_id, "s": f"{renderer_version()}|{indexed_at}", "u": uri, "x": xml, "t": turtle, "j": jsonld})


def render_stale(batch: int = 200) -> int:
    """Render the eligible datasets whose fragment is missing or older than their document."""
    version = renderer_version()
    session = model.Session
    stale = [r[0] for r in session.execute(sa.text(
        f"SELECT d.id FROM {table.TABLE} d LEFT JOIN {FRAGMENTS} f ON f.id = d.id "
        f"WHERE {ELIGIBLE} AND (f.id IS NULL OR f.source <> :v || '|' || d.indexed_at::text)"), {"v": version})]
    for start in range(0, len(stale), batch):
        rows = session.execute(sa.text(
            f"SELECT d.id, d.validated_data_dict::text, :v || '|' || d.indexed_at::text FROM {table.TABLE} d "
            f"WHERE d.id = ANY(:ids)"), {"ids": stale[start:start + batch], "v": version}).fetchall()
        for package_id, data, source in rows:
            dataset = json.loads(data)
            try:
                uri, xml, turtle, jsonld = render_fragment(dataset)
            except Exception:
                log.exception("DCAT: dataset %s (%s) could not be rendered", dataset.get("name"), package_id)
                raise
            session.execute(sa.text(_UPSERT_FRAGMENT),
                            {"id": package_id, "s": source, "u": uri, "x": xml, "t": turtle, "j": jsonld})
        session.commit()
    session.execute(sa.text(f"DELETE FROM {FRAGMENTS} f WHERE NOT EXISTS "
                            f"(SELECT 1 FROM {table.TABLE} d WHERE d.id = f.id AND {ELIGIBLE})"))
    session.commit()
    return len(stale)


# --- the catalog ---------------------------------------------------------------------------------

class CatalogState:
    """What the catalog's validators are computed from (one cheap aggregate over the documents)."""

    def __init__(self) -> None:
        row = model.Session.execute(sa.text(
            f"SELECT count(*) FILTER (WHERE {ELIGIBLE}), "
            f"coalesce(sum(hashtextextended(d.id || d.indexed_at::text, 0)) FILTER (WHERE {ELIGIBLE}), 0), "
            f"max(d.indexed_at), min(d.metadata_created) FILTER (WHERE {ELIGIBLE}), "
            f"(SELECT removed_at FROM kalmar_search_clock), "
            f"(SELECT md5(coalesce(string_agg(g.id || g.name || coalesce(g.title, '') || g.state || "
            f"coalesce(g.extras::text, ''), ',' ORDER BY g.id), '')) FROM \"group\" g WHERE g.is_organization) "
            f"FROM {table.TABLE} d")).one()
        count, checksum, last_indexed, first_created, removed_at, orgs = row
        self.count = count
        self.issued = first_created
        times = [t for t in (last_indexed, removed_at) if t is not None]
        self.last_modified = max(times).astimezone(timezone.utc).replace(microsecond=0) if times else None
        self.tag = hashlib.sha256(f"{renderer_version()}|{count}|{checksum}|{orgs}".encode()).hexdigest()[:32]

    def etag(self, fmt: str) -> str:
        return f"{self.tag}-{FORMATS[fmt][0]}"


def cache_dir() -> Path:
    path = Path(toolkit.config.get("ckan.storage_path") or "/tmp") / "kalmar-dcat"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _header(fmt: str, state: CatalogState, uris: list[str]) -> tuple[str, str]:
    """The catalog's own description and its dcat:dataset links, split where the fragments go."""
    serializer = _Serializer()
    catalog_dict = {"issued": state.issued.isoformat() if state.issued else None}
    catalog_ref = serializer.graph_from_catalog(catalog_dict)
    for uri in uris:
        serializer.g.add((catalog_ref, DCAT.dataset, URIRef(uri)))
    column = FORMATS[fmt][0]
    if column == "xml":
        text = serializer.g.serialize(format="pretty-xml")
        cut = text.rindex("</rdf:RDF>")
        return text[:cut], text[cut:]
    if column == "turtle":
        return serializer.g.serialize(format="turtle") + "\n", ""
    text = serializer.g.serialize(format="json-ld").strip()
    return text[:-1].rstrip() + ",\n", "\n]"


def build(fmt: str, state: CatalogState, target: Path) -> None:
    column = FORMATS[fmt][0]
    session = model.Session
    uris = [r[0] for r in session.execute(sa.text(
        f"SELECT f.uri FROM {FRAGMENTS} f JOIN {table.TABLE} d ON d.id = f.id WHERE {ELIGIBLE} "
        f"ORDER BY d.metadata_modified DESC, d.id"))]
    head, tail = _header(fmt, state, uris)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    separator = ",\n" if column == "jsonld" else "\n"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(head)
        result = session.execute(sa.text(
            f"SELECT f.{column} FROM {FRAGMENTS} f JOIN {table.TABLE} d ON d.id = f.id WHERE {ELIGIBLE} "
            f"ORDER BY d.metadata_modified DESC, d.id").execution_options(stream_results=True, yield_per=500))
        first = True
        for (body,) in result:
            if not first:
                out.write(separator)
            out.write(body)
            first = False
        if column == "jsonld" and first:
            head_only = head.rstrip().rstrip(",")
            out.seek(0)
            out.truncate()
            out.write(head_only)
        out.write(tail)
    os.replace(tmp, target)


def catalog_file(fmt: str) -> tuple[Path, CatalogState]:
    """The current catalog document in `fmt`, built when it does not exist yet."""
    _ensure()
    state = CatalogState()
    target = cache_dir() / f"catalog-{state.etag(fmt)}.{FORMATS[fmt][0]}"
    if target.exists():
        return target, state
    # One builder at a time across processes. A session-level lock on a connection of its own: the
    # rendering below commits, which hands model.Session's connection back to the pool.
    with model.meta.engine.connect() as lock:
        lock.execute(sa.text("SELECT pg_advisory_lock(hashtext('kalmar-dcat-catalog'))"))
        try:
            render_stale()
            state = CatalogState()  # datasets may have changed while we waited for the lock
            target = cache_dir() / f"catalog-{state.etag(fmt)}.{FORMATS[fmt][0]}"
            if not target.exists():
                build(fmt, state, target)
                for old in cache_dir().glob(f"catalog-*.{FORMATS[fmt][0]}"):
                    if old != target:
                        old.unlink(missing_ok=True)
            model.Session.commit()
        finally:
            lock.execute(sa.text("SELECT pg_advisory_unlock(hashtext('kalmar-dcat-catalog'))"))
    return target, state


def catalog_view(original):
    """Wraps ckanext-dcat's /catalog.<format> view: the whole catalog from the cache (see module doc)."""

    def view(_format=None, package_type=None):
        from flask import Response, request, send_file

        if _format not in FORMATS or any(request.args.get(k) for k in PASS_THROUGH):
            return original(_format=_format, package_type=package_type)
        _ensure()
        state = CatalogState()
        etag = state.etag(_format)
        if request.if_none_match.contains(etag) or (
                not request.if_none_match and request.if_modified_since and state.last_modified
                and state.last_modified <= request.if_modified_since):
            response = Response(status=304)
        else:
            path, state = catalog_file(_format)
            etag = state.etag(_format)
            response = send_file(path, mimetype=FORMATS[_format][1], conditional=False, etag=False)
        response.set_etag(etag)
        if state.last_modified:
            response.last_modified = state.last_modified
        response.headers["Cache-Control"] = "no-cache"
        if FORMATS[_format][1] != "application/ld+json":
            response.headers["Content-Type"] = f"{FORMATS[_format][1]}; charset=utf-8"
        return response

    view.__name__ = getattr(original, "__name__", "read_catalog")
    return view
