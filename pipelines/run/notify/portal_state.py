"""Attach to a dataset's outcome what CKAN holds after its attempt: the condition last mailed and the content's age.

Why on the outcome: the dataset's attempt runs wherever its worker is, and the
package it just read or wrote is at hand there (the publisher's cache, no
extra call); the night's notifications are decided where every outcome meets.
"""

from __future__ import annotations

from dataclasses import replace

from ...ckan import Publisher, content_changed, last_notified
from ...outcome import DatasetOutcome, Status


def with_portal_state(outcome: DatasetOutcome, publisher: Publisher) -> DatasetOutcome:
    """The outcome with `notified` and `content_changed` filled in; unchanged when CKAN cannot say."""
    if outcome.status == Status.WITHDRAWN:  # never mailed about; its package was just let go of
        return outcome
    try:
        package = publisher.package(outcome.dataset_id)
    except Exception:  # CKAN unreachable: the failure itself is in the outcome already
        return outcome
    if package is None:
        return outcome
    return replace(outcome, notified=last_notified(package), content_changed=content_changed(package))
