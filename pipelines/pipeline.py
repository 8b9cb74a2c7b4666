"""One dataset, start to finish, as plain functions: collect → validate → publish.

This is where policy lives ("decide"): only a valid resource whose content or
metadata changed is written; an invalid or unreachable source keeps the last
good version online and is recorded as such; a withdrawn dataset is made
private or deleted. `process_dataset` never raises for a data, source or
publishing problem: it returns the outcome, so one dataset can never take down
the others. The Prefect flows call the same steps as separate tasks.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from .catalog import load_schema
from .config import Settings
from .ckan.client import describe_error
from .ckan.publisher import PublishError, Publisher
from .model import Catalog, Dataset
from .outcome import INVALID, PUBLISH_ERROR, SOURCE_ERROR, DatasetOutcome
from .sources import collect
from .sources.base import Collected, CollectContext, HttpSettings, SourceError, SourceValidators
from .validate import ValidationReport, validate_table


def collect_context(settings: Settings, schema: Mapping[str, Any], previous: SourceValidators | None) -> CollectContext:
    return CollectContext(
        project_root=settings.project_root,
        schema=schema,
        http=HttpSettings(allow_private_hosts=settings.allow_private_hosts),
        previous=previous,
        env=dict(os.environ),
    )


def collect_step(
    dataset: Dataset, settings: Settings, workdir: Path, previous: SourceValidators | None = None
) -> tuple[Collected, dict]:
    """Collect and normalize; raises SourceError (typed) when the source fails.

    `previous` are the validators of the published version (from
    `Publisher.previous_validators`), for a conditional GET.
    """
    try:
        schema = load_schema(settings.project_root, dataset)
    except Exception as exc:  # a broken schema is a catalog problem, reported like a source error
        raise SourceError("config", f"cannot read the Table Schema {dataset.schema}: {exc}") from None
    workdir.mkdir(parents=True, exist_ok=True)
    return collect(dataset, workdir, collect_context(settings, schema, previous)), schema


def validate_step(collected: Collected, schema: Mapping[str, Any], workdir: Path) -> ValidationReport | None:
    """Validate the canonical CSV; None when the source was not modified (nothing new to check)."""
    if collected.not_modified or collected.data is None:
        return None
    report = validate_table(collected.data.path, schema)
    (workdir / "validation-report.json").write_text(_json(report.to_dict()), encoding="utf-8")
    (workdir / "validation-report.md").write_text(report.to_markdown(collected.dataset_id), encoding="utf-8")
    return report


def report_summary(report: ValidationReport) -> str:
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.error_counts.items()))
    return f"invalid: {counts or 'errors'} in {report.rows} rows"


def publish_step(
    dataset: Dataset, publisher: Publisher, collected: Collected, report: ValidationReport | None, schema: Mapping[str, Any]
) -> DatasetOutcome:
    """Publish a valid collection, or record why not. Never raises for CKAN problems."""
    if report is not None and not report.valid:
        return publisher.record_failure(dataset, INVALID, report_summary(report), report)
    try:
        return publisher.publish(dataset, collected, report, schema)
    except PublishError as exc:
        return publisher.record_failure(dataset, PUBLISH_ERROR, str(exc))
    except Exception as exc:  # CKAN down, connection reset mid-upload
        return publisher.record_failure(dataset, PUBLISH_ERROR, describe_error(exc))


def process_dataset(dataset: Dataset, catalog: Catalog, settings: Settings, publisher: Publisher, *, run_id: str = "manual") -> DatasetOutcome:
    started = time.monotonic()
    if dataset.withdrawn:
        return publisher.withdraw(dataset.id, dataset.organization, "marked withdrawn in catalog.yaml")
    workdir = settings.work_dir / run_id / dataset.id
    try:
        previous = publisher.previous_validators(dataset)
    except Exception as exc:  # CKAN unreachable: nothing can be decided or recorded
        outcome = publisher.record_failure(dataset, PUBLISH_ERROR, describe_error(exc))
        return replace(outcome, seconds=round(time.monotonic() - started, 3))
    try:
        collected, schema = collect_step(dataset, settings, workdir, previous)
    except SourceError as exc:
        outcome = publisher.record_failure(dataset, SOURCE_ERROR, f"{exc.kind}: {exc}")
    except OSError as exc:
        outcome = publisher.record_failure(dataset, SOURCE_ERROR, f"disk: {exc.strerror or exc}")
    else:
        try:
            report = validate_step(collected, schema, workdir)
        except OSError as exc:  # the reports could not be written (full disk): nothing is published
            outcome = publisher.record_failure(dataset, SOURCE_ERROR, f"disk: {exc.strerror or exc}")
        else:
            outcome = publish_step(dataset, publisher, collected, report, schema)
    return replace(outcome, seconds=round(time.monotonic() - started, 3))


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
