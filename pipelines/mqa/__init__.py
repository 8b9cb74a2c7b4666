"""Metadata quality (data.europa.eu MQA) of our datasets, from our own metadata.

The lead's `oppnadata check --quality` and the publisher call these; the work is
done in `pipelines.mqa` (vocabularies, facts, indicators, scoring, render). The
score is computed before harvest, so a steward sees what Sveriges dataportal and
data.europa.eu will report — and why points are missing — before they do.
"""

from __future__ import annotations

from pipelines.mqa.facts import DistributionFacts, PublishFacts, facts_from_package
from pipelines.mqa.indicators import DIMENSIONS, INDICATORS, MAX_POINTS
from pipelines.mqa.render import render_text
from pipelines.mqa.scoring import (
    IndicatorScore,
    QualityScore,
    rating_for,
    score_catalog,
    score_dataset,
)

__all__ = [
    "DIMENSIONS",
    "INDICATORS",
    "MAX_POINTS",
    "DistributionFacts",
    "IndicatorScore",
    "PublishFacts",
    "QualityScore",
    "facts_from_package",
    "rating_for",
    "render_text",
    "score_catalog",
    "score_dataset",
]
