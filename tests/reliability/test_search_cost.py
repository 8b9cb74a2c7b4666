"""Search cost for anonymous callers: a per-statement timeout stops an expensive search with a 400.

On the second stack (fault_stack.py), CKAN restarted with a 1 ms statement timeout for searches by
callers with permission labels (anonymous and other non-sysadmin users): a search that needs more
must end as a clear Search Query Error, not hang a worker or answer 500; the sysadmin (no labels,
no timeout) still gets the answer, so the timeout is what stopped it.
"""

from __future__ import annotations

import ckanapi
import pytest
import requests

pytestmark = [pytest.mark.reliability, pytest.mark.ckan]

WORDS = ["badplatser", "skolor", "vägar", "lekplatser", "bibliotek", "cykel", "laddstolpar", "avfall"]


@pytest.fixture
def one_ms_searches(healthy_stack):
    healthy_stack.start_ckan_with("ckanext.kalmar.search.statement_timeout_ms", "1")
    yield healthy_stack
    healthy_stack.kill_ckan()
    healthy_stack.up()  # back to the rendered configuration


def test_anonymous_search_over_its_statement_timeout_is_a_400(one_ms_searches, unique_name, scenario):
    stack = one_ms_searches
    scenario.portal(stack.url, stack.token)
    admin = ckanapi.RemoteCKAN(stack.url, apikey=stack.token)
    org = admin.action.organization_create(name=unique_name("rel-org"))["name"]
    for i, word in enumerate(WORDS * 3):
        admin.action.package_create(name=unique_name("kost"), title=f"{word.title()} {i}", owner_org=org,
                                    notes=" ".join(WORDS), tags=[{"name": w} for w in WORDS[:4]])
    costly = {"q": " OR ".join(f"{w[:i + 3]}* {w}" for i in range(3) for w in WORDS),
              "facet.field": ["organization", "tags", "res_format", "license_id", "groups"], "rows": 100,
              "sort": "score desc, title_string asc",
              "fq": f"organization:{org}"}  # the shared portal holds other tests' datasets too

    anonymous = requests.post(f"{stack.url}/api/3/action/package_search", json=costly, timeout=60)
    sysadmin = requests.post(f"{stack.url}/api/3/action/package_search", json=costly, timeout=60,
                             headers={"Authorization": stack.token})
    scenario.text("anonymous answer", anonymous.text[:500])

    assert anonymous.status_code == 400, anonymous.text[:300]
    assert anonymous.json()["error"]["__type"] == "Search Query Error"
    assert "took too long" in anonymous.json()["error"]["message"]
    assert sysadmin.status_code == 200 and sysadmin.json()["result"]["count"] == len(WORDS) * 3
    after = requests.post(f"{stack.url}/api/3/action/package_search", json={"rows": 1}, timeout=60,
                          headers={"Authorization": stack.token})
    assert after.status_code == 200  # the worker recovered: its next request runs normally
