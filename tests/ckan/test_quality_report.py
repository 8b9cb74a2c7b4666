"""`oppnadata check --quality`: published datasets are scored from what the portal serves."""

from __future__ import annotations

import pytest

from pipelines.ckan import quality_report
from pipelines.config import Settings

from .builders import dataset

pytestmark = pytest.mark.ckan


def test_published_dataset_scores_excellent_and_unpublished_is_scored_from_the_catalog(project):
    outcome, _ = project.run()
    assert outcome.status == "published"
    unpublished = dataset(project.dataset.id + "-x", project.dataset.organization)
    catalog = project.catalog.__class__(
        meta=project.catalog.meta, organizations=project.catalog.organizations, datasets=(project.dataset, unpublished)
    )
    text, summary = quality_report(catalog, project.settings)
    published = summary["datasets"][project.dataset.id]
    assert published["published"] is True and published["rating"] == "Excellent", text
    assert published["points"] >= 351
    assert summary["datasets"][unpublished.id]["published"] is False
    assert any(unpublished.id in note and "not published" in note for note in summary["notes"])
    assert f"MQA {project.dataset.id}:" in text and "MQA catalog:" in text


def test_unreachable_portal_is_said_not_hidden(project):
    settings = Settings(project_root=project.root, state_dir=project.settings.state_dir, ckan_url="http://127.0.0.1:9")
    text, summary = quality_report(project.catalog, settings)
    assert any("not reachable" in note for note in summary["notes"])
    assert summary["datasets"][project.dataset.id]["published"] is False
