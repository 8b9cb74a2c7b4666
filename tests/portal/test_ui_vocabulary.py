"""The portal's words for the catalog's closed lists, and the freshness rule, checked without a portal.

Every value catalog.schema.json allows must have a Swedish label on the portal (else a page would show
an IRI), and every frequency must be either a promise with an interval or explicitly no promise.
The freshness rule is checked by its properties over generated ages, not by re-computing it.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from tests.plugins.portal import ROOT

sys.path.insert(0, str(ROOT / "portal" / "ckanext-kalmar"))
from ckanext.kalmar import dcat_vocab  # noqa: E402
from ckanext.kalmar.ui import freshness  # noqa: E402

SCHEMA = json.loads((ROOT / "pipelines" / "catalog" / "catalog.schema.json").read_text(encoding="utf-8"))
LABELS = json.loads((ROOT / "portal" / "ckanext-kalmar" / "ckanext" / "kalmar" / "ui" / "vocabulary_sv.json").read_text(encoding="utf-8"))
FREQUENCIES = SCHEMA["$defs"]["frequency"]["enum"]
PROMISES = sorted(freshness.FREQUENCY_DAYS)
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


def test_every_allowed_value_has_a_swedish_label():
    assert [c for c in FREQUENCIES if c not in LABELS["frequency"]] == []
    assert [c for c in SCHEMA["$defs"]["accessRights"]["enum"] if c not in LABELS["access_rights"]] == []
    assert [c for c in SCHEMA["$defs"]["theme"]["enum"] if c not in dcat_vocab.THEME_LABELS] == []
    catalog_languages = SCHEMA["properties"]["catalog"]["properties"]["language"]["enum"]
    assert [c for c in catalog_languages if dcat_vocab.LANGUAGE_CODES[c] not in LABELS["language"]] == []
    assert LABELS["frequency"]["ANNUAL"] == "Årligen" and LABELS["language"]["SWE"] == "Svenska"


def test_every_frequency_is_either_a_promise_or_explicitly_none():
    assert sorted(set(FREQUENCIES) - set(PROMISES)) == sorted(freshness.NO_PROMISE)
    assert set(PROMISES) <= set(FREQUENCIES)


@given(code=st.sampled_from(sorted(freshness.NO_PROMISE)), days=st.integers(0, 5000))
def test_no_promise_is_never_late(code, days):
    assert freshness.verdict(code, NOW - timedelta(days=days), NOW)["state"] == "no_promise"


@given(code=st.sampled_from(PROMISES), age=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4000)),
       more=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_lateness_only_grows_with_age(code, age, more):
    first = freshness.verdict(code, NOW - age, NOW)
    later = freshness.verdict(code, NOW - age - more, NOW)
    assert first["state"] in ("current", "stale")
    if first["state"] == "stale":
        assert later["state"] == "stale" and later["days"] >= first["days"]


@pytest.mark.parametrize("code", PROMISES)
def test_a_change_within_the_interval_is_current_and_twice_the_interval_is_late(code):
    interval = timedelta(days=freshness.FREQUENCY_DAYS[code])
    assert freshness.verdict(code, NOW - interval, NOW)["state"] == "current"
    assert freshness.verdict(code, NOW - 2 * interval - timedelta(days=1), NOW)["text"].startswith("Försenad: oförändrad i")
    assert freshness.verdict(code, None, NOW)["state"] == "unknown"
