"""A throwaway project (catalog objects, schema, steward file) publishing into the real portal."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from pipelines.ckan.client import CountingCKAN
from pipelines.ckan.publisher import Publisher
from pipelines.config import Secret, Settings
from pipelines.model import Catalog, Dataset
from pipelines.outcome import DatasetOutcome
from pipelines.run import process_dataset

from .builders import catalog, dataset, organization

SCHEMA = {
    "fields": [
        {"name": "kommunkod", "type": "string", "title": "Kommunkod", "description": "SCB:s fyrsiffriga kommunkod",
         "constraints": {"required": True, "pattern": "^\\d{4}$"}},
        {"name": "kommun", "type": "string", "title": "Kommun", "description": "Kommunens namn"},
        {"name": "antal", "type": "integer", "title": "Antal", "description": "Antal badplatser"},
        {"name": "andel", "type": "number", "title": "Andel", "description": "Andel med god kvalitet"},
        {"name": "provdatum", "type": "date", "title": "Provdatum", "description": "Senaste provtagning"},
    ],
    "primaryKey": ["kommunkod"],
}

CSV_V1 = (
    "kommunkod,kommun,antal,andel,provdatum\n"
    "0880,Kalmar,12,0.75,2024-06-01\n"
    "0885,Borgholm,20,0.9,2024-06-03\n"
    "0840,Mörbylånga,17,0.82,2024-06-02\n"
)


@dataclass
class Project:
    root: Path
    settings: Settings
    catalog: Catalog
    dataset: Dataset
    token: str

    def write_data(self, text: str) -> None:
        folder = self.root / "datasets" / self.dataset.id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "data.csv").write_text(text, encoding="utf-8")

    def with_dataset(self, **changes) -> None:
        self.dataset = replace(self.dataset, **changes)
        self.catalog = replace(self.catalog, datasets=(self.dataset,))

    def client(self, token: str | None = None) -> CountingCKAN:
        return CountingCKAN(self.settings.ckan_url, token or self.token)

    def run(self, client: CountingCKAN | None = None) -> tuple[DatasetOutcome, CountingCKAN]:
        """One nightly run for this dataset with a fresh client (no cache carried over)."""
        client = client or self.client()
        publisher = Publisher(client, self.catalog, self.settings)
        publisher.sync_organizations()
        return process_dataset(self.dataset, self.settings, publisher), client


@pytest.fixture
def project(tmp_path, ckan_portal, unique_name) -> Project:
    org = organization(unique_name("org"), title="Kalmar kommun (test)")
    ds = dataset(unique_name("bad"), org.id)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / f"{ds.id}.json").write_text(json.dumps(SCHEMA, ensure_ascii=False), encoding="utf-8")
    settings = Settings(
        project_root=tmp_path,
        state_dir=tmp_path / ".state",
        ckan_url=ckan_portal.url,
        ckan_api_token=Secret(ckan_portal.token),
    )
    proj = Project(tmp_path, settings, catalog((ds,), (org,)), ds, ckan_portal.token)
    proj.write_data(CSV_V1)
    return proj
