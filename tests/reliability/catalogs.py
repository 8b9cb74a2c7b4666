"""catalog.yaml documents for the security and bad-input scenarios: a valid base, written to a project root.

Why build from a dict: each scenario changes one thing (an id, a path, a
schema reference) in an otherwise valid catalog, so the refusal it expects can
only come from that one change.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from ruamel.yaml import YAML

from .project import SCHEMA

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"

BASE = {
    "catalog": {
        "title": "Öppna data Kalmar län (test)",
        "description": "Testkatalog för tillförlitlighetssviten.",
        "publisher": "rel-kommun",
        "homepage": "https://www.regionkalmar.se",
        "language": "sv",
        "license": CC0,
        "contact": {"name": "Öppna data", "email": "oppnadata@regionkalmar.se"},
    },
    "organizations": [{
        "id": "rel-kommun", "title": "Kalmar kommun (test)", "description": "Testorganisation.",
        "code": "0880", "website": "https://kalmar.se", "email": "kommun@kalmar.se",
    }],
    "datasets": [{
        "id": "badplatser-test",
        "title": "Badplatser",
        "description": "Kommunala badplatser, för test av katalogkontrollerna.",
        "organization": "rel-kommun",
        "source": {"type": "file", "path": "data.csv"},
        "schema": "schemas/badplatser-test.json",
        "license": CC0,
        "frequency": "DAILY",
        "themes": ["ENVI"],
        "keywords": ["badplatser"],
        "spatial": ["0880"],
    }],
}


def base() -> dict:
    return copy.deepcopy(BASE)


def write_project(root: Path, doc: dict | str | bytes, data: str = "kommunkod,kommun,antal\n0880,Kalmar,1\n") -> Path:
    """Write catalog.yaml (a dict as YAML, or raw text/bytes), the schema and datasets/badplatser-test/data.csv."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "schemas").mkdir(exist_ok=True)
    (root / "schemas" / "badplatser-test.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (root / "datasets" / "badplatser-test").mkdir(parents=True, exist_ok=True)
    (root / "datasets" / "badplatser-test" / "data.csv").write_text(data, encoding="utf-8")
    path = root / "catalog.yaml"
    if isinstance(doc, dict):
        with path.open("w", encoding="utf-8") as fh:
            YAML().dump(doc, fh)
    elif isinstance(doc, str):
        path.write_text(doc, encoding="utf-8")
    else:
        path.write_bytes(doc)
    return path
