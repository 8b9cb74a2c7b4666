"""Metadata quality (data.europa.eu MQA) of our datasets, from our own metadata.

`oppnadata check --quality` and the publisher call these. The score is computed
before harvest, so a steward sees what Sveriges dataportal and data.europa.eu
will report — and why points are missing — before they do.

Split by job: `vocabularies` (the closed lists the indicators compare against),
`facts` (what is known about a dataset at publish time), `indicators` (the 23
indicators and their points), `scoring` (dataset and catalog scores), `render`
(a text report) and `shacl` (DCAT-AP SHACL shapes run on a published graph).
"""

from __future__ import annotations

from .facts import DistributionFacts, PublishFacts, facts_from_package
from .indicators import DIMENSIONS, INDICATORS, MAX_POINTS
from .render import render_text
from .scoring import IndicatorScore, QualityScore, rating_for, score_catalog, score_dataset
from .shacl import validate_turtle

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
    "validate_turtle",
]
