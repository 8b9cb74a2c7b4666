"""Harvest source type `dcat`: read a whole DCAT-AP(-SE) catalog, page by page, into records.

Options: `url` (the first page), `format` (rdfxml | turtle | jsonld, when the
server's Content-Type does not say it), `collect` (formats to load, read by
the run stage).

Paging: hydra (`hydra:next`, or the older `hydra:nextPage`) is followed until
a page names no next one; a page that links back to one already read is an
error, never an endless loop. All pages are read into one graph before any
record is taken out, so a dataset described on one page and listed on
another is still found.

Conditional GET: each page's ETag/Last-Modified and its body are kept under
`<state>/harvest/<source id>/`; a page that answers 304 is read from that
copy. The copy is a cache, not a record: without it the page is simply
downloaded, and what was published is decided in the portal alone. The cache
is replaced only after every page was read, so a run that breaks off
half-way never leaves validators that do not match the kept bodies.

Every request goes through `fetch` (host checks, limits, the one retry
layer). JSON-LD that names a remote @context is refused: rdflib would fetch
it itself, past those checks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

from ..errors import SourceError, SourceErrorKind
from ..files import atomic_write
from .base import HttpSettings, SourceValidators
from .dcat_records import BrokenRecord, HarvestRecord, records_from_graph
from .fetch import fetch

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SYNTAXES = {"rdfxml": "xml", "turtle": "turtle", "jsonld": "json-ld"}
CONTENT_TYPES = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
SUFFIXES = {".rdf": "xml", ".xml": "xml", ".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt"}
ACCEPT = "application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.8"
MAX_PAGES = 10_000
CACHE_INDEX = "pages.json"


@dataclass(frozen=True)
class CatalogRead:
    """A whole catalog, read: its records, the datasets that could not be read, and how it went."""

    records: tuple[HarvestRecord, ...]
    broken: tuple[BrokenRecord, ...]
    pages: int
    not_modified: int  # pages answered 304 and read from the kept copy
    requests: int


def syntax_of(content_type: str, declared: str | None, url: str) -> str:
    """rdflib's name of the page's syntax: the Content-Type, else `format`, else the URL's suffix."""
    media = content_type.split(";")[0].strip().lower()
    if media in CONTENT_TYPES:
        return CONTENT_TYPES[media]
    if declared:
        return SYNTAXES[declared]
    suffix = Path(url.split("?")[0]).suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    raise SourceError(SourceErrorKind.WRONG_CONTENT,
                      f"{url}: cannot tell the RDF syntax (Content-Type {content_type or 'missing'}); "
                      "set 'format' (rdfxml, turtle or jsonld) in catalog.yaml", url=url)


def _remote_contexts(node: Any) -> bool:
    """Does a JSON-LD document name a @context by URL anywhere?"""
    if isinstance(node, dict):
        ctx = node.get("@context")
        refs = ctx if isinstance(ctx, list) else [ctx]
        if any(isinstance(r, str) for r in refs):
            return True
        return any(_remote_contexts(v) for v in node.values())
    if isinstance(node, list):
        return any(_remote_contexts(v) for v in node)
    return False


def parse_page(path: Path, syntax: str, url: str, graph: Graph) -> None:
    """Add the page's triples to `graph`; a page that is not valid RDF is a `decode_error`."""
    if syntax == "json-ld":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceError(SourceErrorKind.DECODE_ERROR, f"{url}: not valid JSON-LD ({exc})", url=url) from None
        if _remote_contexts(doc):
            raise SourceError(SourceErrorKind.WRONG_CONTENT,
                              f"{url}: the JSON-LD names a remote @context, which is not fetched; "
                              "ask the publisher for RDF/XML or Turtle, or an inline context", url=url)
    try:
        graph.parse(source=str(path), format=syntax, publicID=url)
    except Exception as exc:  # rdflib raises parser-specific errors (SAX, BadSyntax, JSON)
        text = " ".join(str(exc).split())[:300]
        raise SourceError(SourceErrorKind.DECODE_ERROR, f"{url}: not valid {syntax} RDF ({type(exc).__name__}: {text})",
                          url=url) from None


def next_page(page: Graph, url: str) -> str | None:
    """The page's hydra next link (resolved against the page), or None on the last page."""
    links = {str(o) for p in (HYDRA.next, HYDRA.nextPage) for o in page.objects(None, p) if isinstance(o, URIRef)}
    if len(links) > 1:
        raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{url}: the page names {len(links)} different next pages",
                          url=url)
    return links.pop() if links else None


class PageCache:
    """Validators and bodies of the pages read last time (a cache: losing it costs a download)."""

    def __init__(self, folder: Path):
        self.folder = folder
        try:
            self.index: dict[str, dict[str, str]] = json.loads((folder / CACHE_INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.index = {}

    @staticmethod
    def file_name(url: str) -> str:
        return "page-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]

    def validators(self, url: str) -> SourceValidators | None:
        entry = self.index.get(url)
        if not entry or not (self.folder / entry["file"]).is_file():
            return None
        return SourceValidators(etag=entry.get("etag") or None, last_modified=entry.get("last_modified") or None)

    def body(self, url: str) -> tuple[Path, str]:
        entry = self.index[url]
        return self.folder / entry["file"], entry.get("content_type", "")

    def replace(self, pages: dict[str, dict[str, str]], bodies: dict[str, Path]) -> None:
        """Keep exactly these pages: new bodies moved in, then the index written (atomically)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for url, path in bodies.items():
            shutil.move(str(path), self.folder / pages[url]["file"])
        with atomic_write(self.folder / CACHE_INDEX, "w", encoding="utf-8") as fh:
            json.dump(pages, fh, ensure_ascii=False, indent=1, sort_keys=True)
        keep = {entry["file"] for entry in pages.values()} | {CACHE_INDEX}
        for old in self.folder.iterdir():
            if old.name not in keep and old.name.startswith("page-"):
                old.unlink(missing_ok=True)
        self.index = pages


def read_dcat_catalog(url: str, http: HttpSettings, workdir: Path, cache_dir: Path | None, *,
                 declared_format: str | None = None) -> CatalogRead:
    """Every page of the catalog at `url`, parsed into records; raises SourceError when any page fails."""
    cache = PageCache(cache_dir) if cache_dir is not None else None
    graph = Graph()
    pages: dict[str, dict[str, str]] = {}
    bodies: dict[str, Path] = {}
    not_modified = requests = 0
    download_dir = Path(tempfile.mkdtemp(prefix=".catalog-", dir=workdir))
    try:
        current: str | None = url
        while current is not None:
            if current in pages:
                raise SourceError(SourceErrorKind.WRONG_CONTENT, f"{current}: hydra paging loops back to a page already read",
                                  url=current)
            if len(pages) >= MAX_PAGES:
                raise SourceError(SourceErrorKind.TOO_LARGE, f"{url}: more than {MAX_PAGES} pages", url=url)
            previous = cache.validators(current) if cache else None
            name = PageCache.file_name(current)
            got = fetch(current, download_dir / name, http, previous=previous, headers={"Accept": ACCEPT},
                        expect="DCAT RDF")
            requests += got.requests
            if got.not_modified and cache is not None:
                not_modified += 1
                path, content_type = cache.body(current)
                validators = previous or got.validators
            else:
                path, content_type, validators = got.path, got.content_type, got.validators
                bodies[current] = path
            syntax = syntax_of(content_type, declared_format, current)
            page = Graph()
            parse_page(path, syntax, current, page)
            graph += page
            pages[current] = {"file": name, "etag": validators.etag or "", "content_type": content_type,
                              "last_modified": validators.last_modified or ""}
            current = next_page(page, current)
        records, broken = records_from_graph(graph)
        if cache is not None:
            cache.replace(pages, bodies)
        return CatalogRead(tuple(records), tuple(broken), len(pages), not_modified, requests)
    finally:
        shutil.rmtree(download_dir, ignore_errors=True)
