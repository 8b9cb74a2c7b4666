"""What one search may cost, and hostile query text: a clear 400 Search Query Error, never a 500.

Each finding of the security review has a test that failed before (a 500 from RecursionError or
OverflowError, an unbounded query, a package_show per hit for a non-column `fl`), and a generated
set of q/fq/sort strings (tests/portal/solr_fuzz.py) runs through the compiler in the portal's own
Python (10,000 strings) and over HTTP (300 strings) with no 500 and a bounded p99.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.plugins.portal import ROOT
from tests.portal.solr_fuzz import cases

pytestmark = pytest.mark.ckan


def _search(portal, **params) -> requests.Response:
    """POST, as API clients may: a GET line longer than ~4 KB is refused by gunicorn before CKAN sees it."""
    return requests.post(f"{portal.url}/api/3/action/package_search", json=params, timeout=60)


def _query_error(response: requests.Response) -> str:
    assert response.status_code == 400, (response.status_code, response.text[:500])
    error = response.json()["error"]
    assert error["__type"] == "Search Query Error", error
    return json.dumps(error, ensure_ascii=False)


@pytest.mark.parametrize("params, says", [
    ({"q": "(" * 250 + "bad" + ")" * 250}, "levels of parentheses"),
    ({"fq": "tags:" + "(" * 250 + "bad" + ")" * 250}, "levels of parentheses"),
    ({"fq": "metadata_modified:[NOW-10000YEARS TO NOW]"}, "outside the years"),
    ({"fq": "metadata_modified:[NOW-99999999999999DAYS TO NOW]"}, "outside the years"),
    ({"fq": "metadata_modified:[NOW+" + "9" * 1500 + "DAYS TO *]"}, "outside the years"),
    ({"fq": "metadata_modified:[0001-01-01T00:00:00+01:00 TO NOW]"}, "outside the years"),
    ({"fq": "metadata_created:[* TO 9999-12-31T23:59:59-01:00]"}, "outside the years"),
    ({"q": "skola " * 200}, "characters; at most 1000"),
    ({"q": " ".join(["bad"] * 65)}, "more than 64 terms"),
    ({"q": "a" * 150}, "longer than 100 characters"),
    ({"q": "bad\x00plats"}, "NUL character"),
    ({"fl": "name notes_rendered"}, "is not a stored field"),
    ({"fl": "*"}, "is not a stored field"),
    ({"sort": "name asc, " * 40}, "at most 200"),
    ({"facet.field": '["tags"' + ', "tags"' * 30 + "]"}, "at most 20"),
], ids=["q-250-parens", "fq-250-parens", "now-minus-10000-years", "huge-day-count", "1500-digit-days",
        "year-0001-plus-offset", "year-9999-minus-offset", "q-too-long", "q-too-many-terms", "q-long-word",
        "q-nul", "fl-not-stored", "fl-star", "sort-too-long", "too-many-facets"])
def test_hostile_search_is_a_400_search_query_error(ckan_portal, params, says):
    text = _query_error(_search(ckan_portal, **params))
    assert says in text


def test_fl_reads_stored_columns_and_extras(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    name = api.action.package_create(name=unique_name("fl"), title="Lekplatser", owner_org=org,
                                     tags=[{"name": "lek"}], extras=[{"key": "kalmar_source_type", "value": "file"}],
                                     resources=[{"url": "http://example.invalid/a.csv", "format": "CSV"}])["name"]

    found = ckan_portal.anonymous().action.package_search(
        fq=f"name:{name}", fl="name,title,tags,res_format,num_resources,extras_kalmar_source_type,metadata_modified")

    [hit] = found["results"]
    assert hit["name"] == name and hit["title"] == "Lekplatser" and hit["tags"] == ["lek"]
    assert hit["res_format"] == ["CSV"] and hit["num_resources"] == 1 and hit["kalmar_source_type"] == "file"
    assert hit["metadata_modified"].startswith("20")


def test_ten_thousand_generated_queries_compile_or_are_refused_as_query_errors():
    """The parser and compiler themselves (no HTTP): every outcome is SQL or a SearchQueryError."""
    state = Path(os.environ.get("PORTAL_STATE_DIR", ROOT / ".portal"))
    python = Path(os.environ.get("PORTAL_VENV", state / "venv")) / "bin" / "python"
    proc = subprocess.run([str(python), str(ROOT / "tests" / "portal" / "compile_fuzz.py"), "20240601", "10000"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert report["crashes"] == [], json.dumps(report["crashes"][:5], ensure_ascii=False, indent=1)
    assert report["compiled"] + report["refused"] == 10000
    assert report["compiled"] >= 1000, report  # the grammar yields real queries, not only garbage


def test_generated_queries_over_http_never_give_a_500(ckan_portal, unique_name):
    api = ckan_portal.api()
    org = ckan_portal.create_organization(unique_name("org"))["name"]
    for title in ("Badplatser i Kalmar", "Skolor och förskolor", "Vägar i länet"):
        api.action.package_create(name=unique_name("fz"), title=title, owner_org=org, tags=[{"name": "Kalmar"}])
    session = requests.Session()
    statuses, times = {}, []
    for case in cases(seed=7, count=300):
        t = time.perf_counter()
        r = session.post(f"{ckan_portal.url}/api/3/action/package_search", json=case, timeout=60)
        times.append(time.perf_counter() - t)
        statuses.setdefault(r.status_code, []).append(case)
        if r.status_code == 400:
            assert r.json()["error"]["__type"] in ("Search Query Error", "Validation Error"), r.text[:300]
    assert 500 not in statuses, statuses[500][:3]
    assert set(statuses) <= {200, 400, 409}, {k: v[:2] for k, v in statuses.items()}
    assert len(statuses.get(200, [])) >= 30  # enough queries actually ran
    assert sorted(times)[int(len(times) * 0.99) - 1] <= 1.0
