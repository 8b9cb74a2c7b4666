"""National specifications: shared Table Schemas under schemas/specifications/<name>-<version>.json.

Why a file per specification version: twelve municipalities that publish the
same kind of data (public toilets, bathing sites) validate against one schema,
and a dataset that declares `conforms_to: <name>-<version>` is published with
the specification's URI as dct:conformsTo. The file is a Frictionless Table
Schema plus a `specification` object: its URI, version, status and licence,
and where each fact in it comes from (a specification is only written from
public material, never guessed).

A `union` dataset names a specification too; its schema is the
specification's with the provenance columns added (`sources.union_schema`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

SPECIFICATIONS_DIR = "schemas/specifications"
# RFC 3987 leaves these out of an IRI; one of them would break the DCAT feed's RDF
NOT_IN_AN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


@dataclass(frozen=True)
class Specification:
    key: str  # "<name>-<version>": the file name and what catalog.yaml writes
    name: str
    version: str
    title: str
    uri: str  # dct:conformsTo
    status: str

    @property
    def relpath(self) -> str:
        return specification_relpath(self.key)


def specification_relpath(key: str) -> str:
    """Where the specification `key` lives, relative to the project root."""
    return f"{SPECIFICATIONS_DIR}/{key}.json"


def specification_problem(descriptor: Any, key: str) -> str | None:
    """What is wrong with a specification file's `specification` object, or None."""
    meta = descriptor.get("specification") if isinstance(descriptor, dict) else None
    if not isinstance(meta, dict):
        return "has no 'specification' object (name, version, uri, status, license and the facts' sources)"
    missing = [k for k in ("name", "version", "title", "uri", "status", "facts") if not meta.get(k)]
    if missing:
        return f"its 'specification' object lacks {', '.join(missing)}"
    if not str(meta["uri"]).startswith(("http://", "https://")):
        return f"its uri {meta['uri']!r} is not an absolute http(s) URI"
    if NOT_IN_AN_IRI.search(str(meta["uri"])):
        return f"its uri {meta['uri']!r} is not a valid IRI (dct:conformsTo): percent-encode spaces and <>\"{{}}|\\^`"
    if f"{meta['name']}-{meta['version']}" != key:
        return f"its name and version say {meta['name']}-{meta['version']}, but the file is named {key}.json"
    if "license" not in meta:
        return "its 'specification' object must say 'license' (null when no licence is stated)"
    return None


def read_specification(root: Path, key: str) -> Specification | None:
    """The specification `key`, or None when its file is missing or not a specification."""
    try:
        descriptor = json.loads((Path(root) / specification_relpath(key)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if specification_problem(descriptor, key) is not None:
        return None
    return specification_from(descriptor, key)


def specification_from(descriptor: Mapping[str, Any], key: str) -> Specification:
    meta = descriptor["specification"]
    return Specification(key=key, name=meta["name"], version=meta["version"], title=meta["title"],
                         uri=meta["uri"], status=meta["status"])


def known_specifications(root: Path) -> dict[str, Specification]:
    """Every readable specification under schemas/specifications/, by key."""
    folder = Path(root) / SPECIFICATIONS_DIR
    found = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        spec = read_specification(root, path.stem)
        if spec is not None:
            found[spec.key] = spec
    return found
