"""A throwaway project (schema, catalog objects, steward files or HTTP sources) publishing into a real portal.

Same pattern as tests/ckan/conftest.py, for several datasets at once, so a
scenario can fail one dataset and check that the others and the last good
version survive. Runs go through `process_dataset` with a fresh client each
time (no cache carried over), as a new nightly run would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipelines.ckan.client import CountingCKAN
from pipelines.ckan.publisher import Publisher
from pipelines.config import Secret, Settings
from pipelines.model import Catalog, Dataset, Source
from pipelines.outcome import DatasetOutcome
from pipelines.run import process_dataset
from tests.ckan.builders import catalog, dataset, organization

SCHEMA = {
    "fields": [
        {"name": "kommunkod", "type": "string", "title": "Kommunkod", "description": "SCB:s kommunkod",
         "constraints": {"required": True, "pattern": "^\\d{4}$"}},
        {"name": "kommun", "type": "string", "title": "Kommun", "description": "Kommunens namn"},
        {"name": "antal", "type": "integer", "title": "Antal", "description": "Antal badplatser"},
    ],
    "primaryKey": ["kommunkod"],
}
KOMMUNER = ["0821", "0834", "0840", "0860", "0861", "0862", "0880", "0881", "0882", "0883", "0884", "0885"]


def csv_version(version: int, rows: int = 3) -> str:
    """A canonical CSV (what normalize writes for it, byte for byte): `version` changes the counts."""
    lines = ["kommunkod,kommun,antal"] + [f"{k},Kommun {k},{version * 10 + i}" for i, k in enumerate(KOMMUNER[:rows])]
    return "\n".join(lines) + "\n"


@dataclass
class Project:
    root: Path
    settings: Settings
    org: str
    datasets: dict[str, Dataset] = field(default_factory=dict)

    @property
    def catalog(self) -> Catalog:
        return catalog(tuple(self.datasets.values()), (organization(self.org, title="Reliability (test)"),))

    def add_file(self, dataset_id: str, text: str | bytes, **source_options) -> Dataset:
        self._schema(dataset_id)
        self.write_file(dataset_id, text)
        ds = dataset(dataset_id, self.org, source=Source(type="file", options={"path": "data.csv", **source_options}))
        self.datasets[dataset_id] = ds
        return ds

    def add_http(self, dataset_id: str, url: str, fmt: str = "csv") -> Dataset:
        self._schema(dataset_id)
        ds = dataset(dataset_id, self.org, source=Source(type="http", options={"url": url, "format": fmt}))
        self.datasets[dataset_id] = ds
        return ds

    def write_file(self, dataset_id: str, text: str | bytes) -> None:
        folder = self.root / "datasets" / dataset_id
        folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8") if isinstance(text, str) else text
        (folder / "data.csv").write_bytes(data)

    def _schema(self, dataset_id: str, schema: dict | None = None) -> None:
        (self.root / "schemas").mkdir(parents=True, exist_ok=True)
        (self.root / "schemas" / f"{dataset_id}.json").write_text(json.dumps(schema or SCHEMA), encoding="utf-8")

    def set_schema(self, dataset_id: str, schema: dict) -> None:
        self._schema(dataset_id, schema)

    def client(self) -> CountingCKAN:
        return CountingCKAN(self.settings.ckan_url, self.settings.ckan_api_token.reveal())

    def run(self, *ids: str, settings: Settings | None = None, run_id: str = "run") -> dict[str, DatasetOutcome]:
        """One run over `ids` (default: all) with a fresh client; never catches what process_dataset raises."""
        settings = settings or self.settings
        cat = self.catalog
        publisher = Publisher(CountingCKAN(settings.ckan_url, settings.ckan_api_token.reveal()), cat, settings)
        publisher.sync_organizations()
        chosen = [self.datasets[i] for i in (ids or self.datasets)]
        return {d.id: process_dataset(d, settings, publisher, run_id=run_id) for d in chosen}

    def with_settings(self, **changes) -> Settings:
        return replace(self.settings, **changes)


def make_project(root: Path, url: str, token: str, org: str) -> Project:
    settings = Settings(project_root=root, state_dir=root / ".state", ckan_url=url, ckan_api_token=Secret(token),
                        allow_private_hosts=True)
    root.mkdir(parents=True, exist_ok=True)
    return Project(root, settings, org)
