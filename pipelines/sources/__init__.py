"""The sources stage: `collect(dataset, workdir, context)` dispatches on `dataset.source.type`.

Why a registry of import paths: built-in types register exactly like an
extension would (one `register` line), and a type's module (and its heavy
imports: openpyxl, pyproj) is only loaded when a dataset uses it.
Adding a type = one module with `collect(dataset, workdir, context) -> Collected`
plus one `register(...)` line below.

Every remote request goes through `fetch` (timeouts, the one retry layer,
redirects checked hop by hop, size limits, redaction); `base` holds the
contract the later stages read (`Collected`, `CollectContext`, `HttpSettings`).
"""

from __future__ import annotations

import importlib
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, Union

from ..errors import SourceError, SourceErrorKind
from ..model import Dataset, frozen_mapping
from .base import Collected, CollectContext, CollectedFile, HttpSettings, SourceValidators
from .fetch import Fetched, fetch

# Loaded on first use: rdflib and the normalizer are only needed by a harvest.
_LAZY = {
    "BrokenRecord": "dcat_records",
    "CatalogRead": "dcat_catalog",
    "Distribution": "dcat_records",
    "HarvestRecord": "dcat_records",
    "collect_linked_csv": "linked_csv",
    "read_dcat_catalog": "dcat_catalog",
}

__all__ = [
    "Collected",
    "CollectContext",
    "CollectedFile",
    "Collector",
    "Fetched",
    "HttpSettings",
    "SourceValidators",
    "collect",
    "collector",
    "fetch",
    "is_remote",
    "register",
    "source_types",
    "union_schema",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

Collector = Callable[[Dataset, Path, CollectContext], Collected]
_REGISTRY: dict[str, Union[str, Collector]] = {}
_LOCAL: set[str] = set()  # types that never leave this machine (steward files, the own portal)


def register(type_name: str, target: Union[str, Collector], *, remote: bool = True) -> None:
    """Register a source type: `target` is a collect function or "module:function".

    `remote=False` for a type that reads nothing over the internet, so a run
    without network can tell its failures apart from a missing connection.
    """
    if not type_name or not type_name.replace("_", "").isalnum():
        raise ValueError(f"source type names are short identifiers, not {type_name!r}")
    _REGISTRY[type_name] = target
    (_LOCAL.discard if remote else _LOCAL.add)(type_name)


def is_remote(type_name: str) -> bool:
    """Does a source of this type fetch over the internet (every type but the local ones)?"""
    return type_name not in _LOCAL


def union_schema(specification: Mapping[str, Any]) -> dict[str, Any]:
    """A union's Table Schema: the specification's plus the municipality and provenance columns."""
    from .union import union_schema as build

    return build(specification)


def source_types() -> list[str]:
    """The registered type names, sorted (the closed list catalog.yaml may use)."""
    return sorted(_REGISTRY)


def collector(type_name: str) -> Collector:
    target = _REGISTRY.get(type_name)
    if target is None:
        raise SourceError(SourceErrorKind.CONFIG, f"unknown source type {type_name!r}; known types: {', '.join(source_types())}")
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        target = getattr(importlib.import_module(module), attr or "collect")
        _REGISTRY[type_name] = target
    return target


def collect(dataset: Dataset, workdir: Path, context: CollectContext) -> Collected:
    """Collect one dataset into `workdir`: canonical CSV (+ GeoJSON) or a SourceError."""
    fn = collector(dataset.source.type)
    started = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    result = fn(dataset, workdir, context)
    timings = dict(result.timings)
    timings["total"] = time.monotonic() - started
    return replace(result, timings=frozen_mapping(timings))


register("file", "pipelines.sources.file:collect", remote=False)
register("http", "pipelines.sources.http:collect")
register("pxweb", "pipelines.sources.pxweb:collect")
register("kolada", "pipelines.sources.kolada:collect")
register("wfs", "pipelines.sources.wfs:collect")
register("union", "pipelines.sources.union:collect", remote=False)
