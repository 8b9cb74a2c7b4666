"""A throw-away project root (catalog.yaml + schemas/) for flow tests, with HTTP sources on the fixture server.

Why a real catalog file: the flows load settings and catalog.yaml exactly as
`oppnadata run` does, so the tests go through the same door as production.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"

BATH_SCHEMA = {
    "fields": [
        {"name": "id", "type": "string", "title": "Id", "description": "Badplatsens id.",
         "constraints": {"required": True, "unique": True}},
        {"name": "namn", "type": "string", "title": "Namn", "description": "Badplatsens namn.",
         "constraints": {"required": True}},
        {"name": "temperatur", "type": "number", "title": "Temperatur", "description": "Vattentemperatur i °C."},
    ],
    "primaryKey": ["id"],
}

VALID_CSV = "id,namn,temperatur\nb1,Stensö,18.5\nb2,Kalmarsundsbadet,19.0\nb3,Tjärdalen,17.25\n"
INVALID_CSV = "id,namn,temperatur\nb1,Stensö,varm\nb1,,19.0\n"


@dataclass
class FlowProject:
    root: Path
    organization: str
    datasets: dict[str, dict] = field(default_factory=dict)

    def add_http(self, dataset_id: str, url: str, title: str | None = None) -> None:
        self.datasets[dataset_id] = {
            "id": dataset_id,
            "title": title or f"Badplatser {dataset_id}",
            "description": "Kommunala badplatser med vattentemperatur, för test av nattkörningen.",
            "organization": self.organization,
            "source": {"type": "http", "url": url, "format": "csv"},
            "schema": "schemas/badplatser.json",
            "license": CC0,
            "frequency": "DAILY",
            "themes": ["ENVI"],
            "keywords": ["badplatser"],
            "spatial": ["0880"],
        }

    def retitle(self, dataset_id: str, title: str) -> None:
        self.datasets[dataset_id]["title"] = title

    def write(self) -> Path:
        (self.root / "schemas").mkdir(parents=True, exist_ok=True)
        (self.root / "schemas" / "badplatser.json").write_text(json.dumps(BATH_SCHEMA), encoding="utf-8")
        doc = {
            "catalog": {
                "title": "Öppna data Kalmar län (test)",
                "description": "Testkatalog för flödena.",
                "publisher": self.organization,
                "homepage": "https://www.regionkalmar.se",
                "language": "sv",
                "license": CC0,
                "contact": {"name": "Öppna data", "email": "oppnadata@regionkalmar.se"},
            },
            "organizations": [
                {
                    "id": self.organization,
                    "title": "Kalmar kommun (test)",
                    "description": "Testorganisation.",
                    "code": "0880",
                    "website": "https://kalmar.se",
                    "email": "kommun@kalmar.se",
                }
            ],
            "datasets": list(self.datasets.values()),
        }
        path = self.root / "catalog.yaml"
        with path.open("w", encoding="utf-8") as fh:
            YAML().dump(doc, fh)
        return path
