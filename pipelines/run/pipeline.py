"""One dataset, start to finish, as plain functions: collect → validate → publish.

This is where policy lives ("decide"): only a valid resource whose content or
metadata changed is written; an invalid or unreachable source keeps the last
good version online and is recorded as such; a withdrawn dataset is made
private or deleted. `process_dataset` never raises for a data, source or
publishing problem: it returns the outcome, so one dataset can never take down
the others. The Prefect flows make the same decisions through `run_dataset`,
passing their tasks as the `Stages`, so the two can never drift apart.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable, Mapping

from ..catalog import load_schema
from ..ckan import PublishError, Publisher, describe_error
from ..config import Settings
from ..errors import SourceError, SourceErrorKind
from ..model import Dataset
from ..outcome import DatasetOutcome, Status
from ..sources import Collected, CollectContext, HttpSettings, SourceValidators, collect
from ..validation import ValidationReport, render_markdown, validate_table


class Stage(StrEnum):
    """Where a dataset is in `run_dataset`: the flow names it when a dataset times out or dies."""

    START = "start"  # asking CKAN what is published
    COLLECT = "collect"
    VALIDATE = "validate"
    PUBLISH = "publish"

    @property
    def failure_status(self) -> Status:
        """What a dataset that dies in this stage is recorded as."""
        return {Stage.COLLECT: Status.SOURCE_ERROR, Stage.VALIDATE: Status.INVALID}.get(self, Status.PUBLISH_ERROR)


@dataclass(frozen=True)
class OrganizationSync:
    """How bringing the catalog's organizations to CKAN went."""

    problem: str | None = None  # one line, None when every organization is in place
    reached_ckan: bool = True  # False: CKAN could not be reached at all


def sync_organizations(publisher: Publisher) -> OrganizationSync:
    """Create or update the catalog's organizations before any dataset; never raises.

    Shared by the `publish` command and the nightly flow (`run`, `serve`): a
    refused organization is reported and the datasets of the others still
    publish; an unreachable CKAN is said as such.
    """
    try:
        publisher.sync_organizations()
    except PublishError as exc:
        return OrganizationSync(problem=str(exc))
    except Exception as exc:  # CKAN down, connection refused
        return OrganizationSync(problem=describe_error(exc), reached_ckan=False)
    return OrganizationSync()


def http_settings(settings: Settings, *, retries: int | None = None, retry_delay: float | None = None) -> HttpSettings:
    """The sources' HTTP limits: hosts from the settings; retries (the only ones) and their longest wait if given."""
    http = HttpSettings(allow_private_hosts=settings.allow_private_hosts)
    if retries is not None:
        http = replace(http, max_attempts=retries + 1)
    if retry_delay is not None:
        http = replace(http, backoff_max=retry_delay)
    return http


def collect_context(
    settings: Settings, schema: Mapping[str, Any], previous: SourceValidators | None, http: HttpSettings | None = None
) -> CollectContext:
    return CollectContext(
        project_root=settings.project_root,
        schema=schema,
        http=http or http_settings(settings),
        previous=previous,
        env={name: key.reveal() for name, key in settings.source_keys.items()},  # the source keys, nothing else
        portal_url=settings.ckan_url,
    )


def collect_step(
    dataset: Dataset,
    settings: Settings,
    workdir: Path,
    previous: SourceValidators | None = None,
    http: HttpSettings | None = None,
) -> tuple[Collected, dict]:
    """Collect and normalize; raises SourceError (typed) when the source fails.

    `previous` are the validators of the published version (from
    `Publisher.previous_validators`), for a conditional GET; `http` the HTTP
    limits (default: `http_settings(settings)`). Nothing here retries: the
    HTTP layer has already retried each request.
    """
    try:
        schema = load_schema(settings.project_root, dataset)
    except Exception as exc:  # a broken schema is a catalog problem, reported like a source error
        raise SourceError(SourceErrorKind.CONFIG, f"cannot read the Table Schema {dataset.schema}: {exc}") from None
    workdir.mkdir(parents=True, exist_ok=True)
    return collect(dataset, workdir, collect_context(settings, schema, previous, http)), schema


def validate_step(collected: Collected, schema: Mapping[str, Any], workdir: Path) -> ValidationReport | None:
    """Validate the canonical CSV; None when the source was not modified (nothing new to check)."""
    if collected.not_modified or collected.data is None:
        return None
    report = validate_table(collected.data.path, schema)
    (workdir / "validation-report.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (workdir / "validation-report.md").write_text(render_markdown(report, collected.dataset_id), encoding="utf-8")
    return report


def report_summary(report: ValidationReport) -> str:
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.error_counts.items()))
    return f"invalid: {counts or 'errors'} in {report.rows} rows"


def publish_step(
    dataset: Dataset, publisher: Publisher, collected: Collected, report: ValidationReport | None, schema: Mapping[str, Any]
) -> DatasetOutcome:
    """Publish a valid collection, or record why not. Never raises for CKAN problems."""
    if report is not None and not report.valid:
        return publisher.record_failure(dataset, Status.INVALID, report_summary(report), report)
    try:
        return publisher.publish(dataset, collected, report, schema)
    except PublishError as exc:
        return publisher.record_failure(dataset, Status.PUBLISH_ERROR, str(exc))
    except Exception as exc:  # CKAN down, connection reset mid-upload
        return publisher.record_failure(dataset, Status.PUBLISH_ERROR, describe_error(exc))


def _no_stage(stage: Stage) -> None:
    pass


@dataclass(frozen=True)
class Stages:
    """What `run_dataset` calls for each stage: the plain functions, or the flow's Prefect tasks.

    `record_failure` is called as `record_failure(publisher, dataset, status,
    message)`, the order of `Publisher.record_failure` itself. `enter(stage)`
    is told which stage starts, so the flow can name the stage a timed-out
    dataset died in.
    """

    collect: Callable[..., tuple[Collected, dict]] = collect_step
    validate: Callable[..., ValidationReport | None] = validate_step
    publish: Callable[..., DatasetOutcome] = publish_step
    record_failure: Callable[[Publisher, Dataset, Status, str], DatasetOutcome] = Publisher.record_failure
    enter: Callable[[Stage], None] = _no_stage


def run_dataset(
    dataset: Dataset,
    settings: Settings,
    publisher: Publisher,
    workdir: Path,
    stages: Stages = Stages(),
    http: HttpSettings | None = None,
) -> DatasetOutcome:
    """One dataset, collect → validate → publish, with every failure decided and recorded here.

    Never raises for a source, disk or CKAN problem: a source that cannot be
    collected or a disk that fills up is a source error, invalid data is
    invalid, and in both cases the last good version stays online.
    """
    started = time.monotonic()
    if dataset.withdrawn:
        stages.enter(Stage.PUBLISH)
        return publisher.withdraw(dataset.id, dataset.organization, "marked withdrawn in catalog.yaml")
    stages.enter(Stage.START)
    try:
        previous = publisher.previous_validators(dataset)
    except Exception as exc:  # CKAN unreachable: nothing can be decided
        outcome = stages.record_failure(publisher, dataset, Status.PUBLISH_ERROR, describe_error(exc))
        return replace(outcome, seconds=round(time.monotonic() - started, 3))
    stages.enter(Stage.COLLECT)
    try:
        collected, schema = stages.collect(dataset, settings, workdir, previous, http)
    except SourceError as exc:
        outcome = stages.record_failure(publisher, dataset, Status.SOURCE_ERROR, f"{exc.kind}: {exc}")
        outcome = replace(outcome, error_kind=exc.kind.value)
    except OSError as exc:
        outcome = stages.record_failure(publisher, dataset, Status.SOURCE_ERROR, f"{SourceErrorKind.DISK}: {exc.strerror or exc}")
    else:
        stages.enter(Stage.VALIDATE)
        try:
            report = stages.validate(collected, schema, workdir)
        except OSError as exc:  # the work directory is full: the data was never judged, so not "invalid"
            outcome = stages.record_failure(publisher, dataset, Status.SOURCE_ERROR, f"{SourceErrorKind.DISK}: {exc.strerror or exc}")
        else:
            stages.enter(Stage.PUBLISH)
            outcome = stages.publish(dataset, publisher, collected, report, schema)
        if collected.notes:  # e.g. a union's members, and which of them failed
            outcome = replace(outcome, message="; ".join((outcome.message, *collected.notes)))
    return replace(outcome, seconds=round(time.monotonic() - started, 3))


def process_dataset(dataset: Dataset, settings: Settings, publisher: Publisher, *, run_id: str = "manual") -> DatasetOutcome:
    """One dataset without Prefect (the `publish` command, tests, the benchmark's bare loop)."""
    return run_dataset(dataset, settings, publisher, settings.work_dir / run_id / dataset.id)
