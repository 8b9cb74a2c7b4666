"""MQA points for one dataset and for the whole catalog.

WHY shares: data.europa.eu scores a catalog by the share of datasets (for
dataset properties) or of distributions (for distribution properties) that meet
each indicator, times its weight. A single dataset is scored the same way over
its own distributions, so a dataset with one CSV lacking a byte size out of two
distributions earns half the byte-size points, and the catalog score is not an
average of dataset scores but the same rule applied to everything at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from pipelines.model import Catalog, Dataset, Organization
from pipelines.mqa.facts import PublishFacts
from pipelines.mqa.indicators import DIMENSIONS, INDICATORS, MAX_POINTS, DatasetContext

RATINGS = ((351, "Excellent"), (221, "Good"), (121, "Sufficient"), (0, "Bad"))


def rating_for(points: float) -> str:
    """The MQA rating band: Excellent ≥ 351, Good ≥ 221, Sufficient ≥ 121, else Bad."""
    for threshold, name in RATINGS:
        if points >= threshold:
            return name
    return "Bad"


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    dimension: str
    label: str
    property: str
    max_points: int
    points: float
    passed: int  # entities (datasets or distributions) that meet the indicator
    total: int  # entities inspected
    reasons: tuple[str, ...] = ()  # why points were not earned ("" entries never)

    @property
    def full(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class QualityScore:
    """The MQA result for a dataset or a catalog."""

    subject: str  # dataset id, or "catalog"
    indicators: tuple[IndicatorScore, ...]
    unscored: tuple[str, ...] = ()  # catalog only: datasets left out, with the reason

    @property
    def total(self) -> float:
        return round(sum(i.points for i in self.indicators), 2)

    @property
    def points(self) -> int:
        """The total as an integer (half up), as recorded in `kalmar_mqa_score`."""
        return int(self.total + 0.5)

    @property
    def max_points(self) -> int:
        return MAX_POINTS

    @property
    def rating(self) -> str:
        return rating_for(self.total)

    def dimension_points(self) -> dict[str, tuple[float, int]]:
        """{dimension: (points, max points)} in the methodology's order."""
        out: dict[str, tuple[float, int]] = {}
        for dim in DIMENSIONS:
            rows = [i for i in self.indicators if i.dimension == dim]
            out[dim] = (round(sum(i.points for i in rows), 2), sum(i.max_points for i in rows))
        return out

    def indicator(self, key: str) -> IndicatorScore:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def to_dict(self) -> dict:
        return {
            "subject": self.subject,
            "points": self.points,
            "total": self.total,
            "max_points": self.max_points,
            "rating": self.rating,
            "dimensions": {d: {"points": p, "max": m} for d, (p, m) in self.dimension_points().items()},
            "indicators": [
                {"key": i.key, "dimension": i.dimension, "label": i.label,
                 "property": i.property, "points": i.points, "max": i.max_points,
                 "passed": i.passed, "of": i.total, "reasons": list(i.reasons)}
                for i in self.indicators
            ],
            "unscored": list(self.unscored),
        }


def _share(points: int, passed: int, total: int) -> float:
    return round(points * passed / total, 2) if total else 0.0


def _score(
    subject: str,
    contexts: Sequence[DatasetContext],
    unscored: tuple[str, ...] = (),
) -> QualityScore:
    many = len(contexts) > 1
    results: list[IndicatorScore] = []
    for ind in INDICATORS:
        reasons: Counter[str] = Counter()
        passed = total = 0
        for ctx in contexts:
            prefix = f"{ctx.dataset.id}: " if many else ""
            if ind.level == "dataset":
                total += 1
                reason = ind.check(ctx)
                if reason is None:
                    passed += 1
                else:
                    reasons[prefix + reason] += 1
            else:
                if not ctx.facts.distributions:
                    reasons[prefix + "no distributions"] += 1
                for dist in ctx.facts.distributions:
                    total += 1
                    reason = ind.check(dist)
                    if reason is None:
                        passed += 1
                    else:
                        reasons[f"{prefix}distribution {dist.title!r}: {reason}"] += 1
        results.append(
            IndicatorScore(
                key=ind.key, dimension=ind.dimension, label=ind.label,
                property=ind.property, max_points=ind.points,
                points=_share(ind.points, passed, total), passed=passed, total=total,
                reasons=tuple(reasons),
            )
        )
    return QualityScore(subject=subject, indicators=tuple(results), unscored=unscored)


def score_dataset(
    dataset: Dataset, organization: Organization | None, facts: PublishFacts
) -> QualityScore:
    """MQA points of one dataset from its catalog entry and its publish-time facts."""
    return _score(dataset.id, [DatasetContext(dataset, organization, facts)])


def score_catalog(catalog: Catalog, facts: Mapping[str, PublishFacts]) -> QualityScore:
    """MQA points of the catalog: every published dataset (one with facts) at once.

    Withdrawn datasets and datasets without facts (not published) are left out
    and listed in `unscored` with the reason, never silently dropped.
    """
    contexts: list[DatasetContext] = []
    unscored: list[str] = []
    for ds in catalog.datasets:
        if ds.withdrawn:
            unscored.append(f"{ds.id}: withdrawn")
            continue
        if ds.id not in facts:
            unscored.append(f"{ds.id}: not published (no publish-time facts)")
            continue
        try:
            org = catalog.organization(ds.organization)
        except KeyError:
            org = None
        contexts.append(DatasetContext(ds, org, facts[ds.id]))
    unknown = sorted(set(facts) - {d.id for d in catalog.datasets})
    unscored.extend(f"{name}: facts given but not in the catalog" for name in unknown)
    return _score("catalog", contexts, tuple(unscored))
