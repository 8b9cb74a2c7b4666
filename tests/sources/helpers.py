"""Build the typed objects source tests need, without catalog.yaml."""

from __future__ import annotations

import csv
from pathlib import Path

from pipelines.model import Contact, Dataset, Source, frozen_mapping
from pipelines.sources.base import CollectContext, HttpSettings, SourceValidators

BADPLATSER_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "namn", "type": "string"},
        {"name": "kommun", "type": "string"},
        {"name": "lat", "type": "number"},
        {"name": "long", "type": "number"},
        {"name": "vattentemperatur", "type": "number"},
        {"name": "besokare", "type": "integer"},
        {"name": "provtagningsdatum", "type": "date"},
        {"name": "kommentar", "type": "string"},
    ]
}


def dataset(type_: str, dataset_id: str = "testdata", **options) -> Dataset:
    return Dataset(
        id=dataset_id,
        title="Testdata",
        description="Data for tests",
        organization="kalmar",
        source=Source(type=type_, options=frozen_mapping(options)),
        schema=f"schemas/{dataset_id}.json",
        license="http://creativecommons.org/publicdomain/zero/1.0/",
        frequency="ANNUAL",
        themes=("REGI",),
        keywords=("test",),
        contact=Contact(name="Test", email="test@example.org"),
        spatial=("0880",),
        line=12,
    )


def context(root: Path, http: HttpSettings, schema: dict | None = None, *, previous: SourceValidators | None = None,
            env: dict | None = None) -> CollectContext:
    return CollectContext(project_root=root, schema=schema or {"fields": []}, http=http, previous=previous,
                          env=frozen_mapping(env or {}))


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))
