"""In which order a run processes its datasets: members before the county-wide unions that read them.

Why a function of its own: a union reads what the portal serves for each
member, so it must run after every member has been published (or has failed
and kept its last good version) in the same run. However the datasets are
spread over threads or workers, the batches returned here run one after the
other; the datasets within a batch may run in any order, all at once.
"""

from __future__ import annotations

from typing import Iterable

from ..model import Dataset

UNION = "union"


def processing_batches(datasets: Iterable[Dataset]) -> list[list[Dataset]]:
    """[every dataset that is not a union, then the unions], leaving out an empty batch."""
    chosen = list(datasets)
    members = [d for d in chosen if d.source.type != UNION]
    unions = [d for d in chosen if d.source.type == UNION]
    return [batch for batch in (members, unions) if batch]
