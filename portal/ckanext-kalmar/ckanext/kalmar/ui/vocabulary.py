"""Swedish labels for the EU vocabularies the publisher stores as IRIs.

Why: package extras hold authority IRIs (`.../frequency/ANNUAL`, `.../language/SWE`) because DCAT-AP-SE
needs them; a person needs "Årligen" and "Svenska". The labels for frequency, language and access rights
are DIGG's own Swedish labels of the EU tables (vocabulary_sv.json names its source); theme and HVD labels
are the ones the DCAT profile already writes as skos:prefLabel (dcat_vocab), so page and feed agree.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .. import dcat_vocab

# The NUTS region the publisher stores as spatial_uri for the county (pipelines/ckan/mapping.py).
NUTS_LABELS = {"http://data.europa.eu/nuts/code/SE213": "Kalmar län"}


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, str]]:
    return json.loads((Path(__file__).with_name("vocabulary_sv.json")).read_text(encoding="utf-8"))


def code_of(iri: str) -> str:
    """The last path segment of an authority IRI: `.../frequency/ANNUAL` → `ANNUAL`."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _label(table: str, iri: str) -> str | None:
    return _tables()[table].get(code_of(iri)) if iri else None


def frequency(iri: str) -> str | None:
    return _label("frequency", iri)


def access_rights(iri: str) -> str | None:
    return _label("access_rights", iri)


def language(iri: str) -> str | None:
    return _label("language", iri)


def theme(iri: str) -> str | None:
    labels = dcat_vocab.THEME_LABELS.get(code_of(iri))
    return labels[0] if labels else None


def hvd_category(iri: str) -> str | None:
    labels = dcat_vocab.HVD_LABELS.get(iri)
    return labels[0] if labels else None


def nuts(iri: str) -> str | None:
    return NUTS_LABELS.get(iri)
