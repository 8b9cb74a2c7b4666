"""A throw-away project with two municipalities, a harvest source, a specification dataset and a union.

Why its own builder (and not FlowProject): it needs several organizations
with their real SCB codes, a `harvest:` section and the committed national
specification, which the flow tests of single HTTP datasets do not.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
CATALOG_FIXTURES = ROOT / "tests" / "fixtures" / "http" / "dcat" / "kommun"
SPEC = "offentliga-toaletter-utkast-1"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def catalog_text(name: str, base_url: str) -> str:
    """A fixture catalog page as served at `base_url`."""
    return (CATALOG_FIXTURES / name).read_text(encoding="utf-8").replace("{{BASE_URL}}", base_url)


@dataclass
class CountyProject:
    root: Path
    kalmar: str  # organization ids (unique per test)
    nybro: str
    datasets: list[dict] = field(default_factory=list)
    harvest: list[dict] = field(default_factory=list)

    def add_specification_dataset(self, dataset_id: str, organization: str, url: str) -> None:
        self.datasets.append({
            "id": dataset_id, "title": "Offentliga toaletter i Nybro",
            "description": "Kommunens offentliga toaletter enligt specifikationen för offentliga toaletter.",
            "organization": organization, "source": {"type": "http", "url": url, "format": "csv"},
            "conforms_to": SPEC, "license": CC0, "frequency": "MONTHLY", "themes": ["SOCI"],
            "keywords": ["toaletter"],
        })

    def add_union(self, dataset_id: str) -> None:
        self.datasets.append({
            "id": dataset_id, "title": "Offentliga toaletter i Kalmar län",
            "description": "Alla kommuners offentliga toaletter i länet, med kommunkod och källa per rad.",
            "organization": self.kalmar, "source": {"type": "union", "specification": SPEC},
            "license": CC0, "frequency": "MONTHLY", "themes": ["SOCI"], "keywords": ["toaletter"],
            "spatial": ["0880", "0881"],
        })

    def add_harvest(self, harvest_id: str, organization: str, url: str, collect: list[str]) -> None:
        self.harvest.append({"id": harvest_id, "organization": organization,
                             "source": {"type": "dcat", "url": url, "collect": collect}})

    def write(self) -> Path:
        (self.root / "schemas" / "specifications").mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "schemas" / "specifications" / f"{SPEC}.json", self.root / "schemas" / "specifications")
        org = {"description": "Testorganisation.", "email": "kommun@example.se"}
        doc = {
            "catalog": {
                "title": "Öppna data Kalmar län (test)", "description": "Testkatalog för skördning och länsdatamängder.",
                "publisher": self.kalmar, "homepage": "https://www.regionkalmar.se", "language": "sv", "license": CC0,
                "contact": {"name": "Öppna data", "email": "oppnadata@regionkalmar.se"},
            },
            "organizations": [
                {"id": self.kalmar, "title": "Kalmar kommun (test)", "code": "0880", "website": "https://kalmar.se",
                 "orgnr": "2120000746", **org},
                {"id": self.nybro, "title": "Nybro kommun (test)", "code": "0881", "website": "https://nybro.se", **org},
            ],
            "datasets": self.datasets,
            "harvest": self.harvest,
        }
        path = self.root / "catalog.yaml"
        with path.open("w", encoding="utf-8") as fh:
            YAML().dump(doc, fh)
        return path
