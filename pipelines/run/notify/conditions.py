"""Which datasets the stewards must hear about tonight: a change of condition since the last mail.

A dataset is `failing` when its last attempt failed (the last good version
stays online), `stale` when its content has not changed for longer than its
frequency promises (the portal's rule), else `ok`. The condition last mailed
is kept in CKAN; a mail goes out only when tonight's condition differs from it,
so a condition that persists is mailed once. A dataset the portal does not hold
(never published) has nowhere to keep that state and is not mailed about: its
failure is in the run report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Iterable

from ...model import Catalog, Dataset
from ...outcome import DatasetOutcome, Status
from . import portal_rules


class Condition(StrEnum):
    """What a dataset's stewards were told, stored as `kalmar_notified_state`."""

    OK = "ok"
    FAILING = "failing"
    STALE = "stale"


class NoticeKind(StrEnum):
    FAILING = "failing"  # was ok or stale, now fails
    STALE = "stale"  # was ok or failing, now older than its frequency allows
    RECOVERED = "recovered"  # was failing or stale, now ok


@dataclass(frozen=True)
class Notice:
    dataset: Dataset
    outcome: DatasetOutcome
    kind: NoticeKind
    condition: Condition  # tonight's, stored once the mail is sent
    previous: Condition
    days_unchanged: int | None = None  # for a stale dataset


def _condition(dataset: Dataset, outcome: DatasetOutcome, now: datetime) -> tuple[Condition, int | None]:
    if not outcome.ok:
        return Condition.FAILING, None
    changed = datetime.fromisoformat(outcome.content_changed) if outcome.content_changed else None
    verdict = portal_rules.freshness(dataset.frequency, changed, now)
    if verdict["state"] == "stale":
        return Condition.STALE, verdict["days"]
    return Condition.OK, None


def notices(catalog: Catalog, outcomes: Iterable[DatasetOutcome], now: datetime) -> list[Notice]:
    """Tonight's changes of condition, in the order of the outcomes (a withdrawn dataset is never mailed about)."""
    found = []
    known = {d.id: d for d in catalog.datasets}
    for outcome in outcomes:
        dataset = known.get(outcome.dataset_id)
        if dataset is None or outcome.notified is None or outcome.status == Status.WITHDRAWN:
            continue
        try:
            previous = Condition(outcome.notified)
        except ValueError:  # an unknown value written by hand: treat as never told
            previous = Condition.OK
        condition, days = _condition(dataset, outcome, now)
        if condition == previous:
            continue
        kind = NoticeKind.RECOVERED if condition == Condition.OK else NoticeKind(condition.value)
        found.append(Notice(dataset, outcome, kind, condition, previous, days))
    return found
