"""Source type `pxweb` against the fixture server: v1 POST and v2 GET, json-stat2 → tidy CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.sources import collect
from pipelines.errors import SourceError
from pipelines.sources.jsonstat import tidy_rows
from pipelines.sources.ratelimit import RateLimiter
from tests.plugins.fixture_server import Reply
from tests.sources.helpers import context, dataset, read_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http" / "pxweb"
V1_QUERY = [
    {"code": "Region", "selection": {"filter": "vs:RegionKommun07", "values": ["0880", "0881"]}},
    {"code": "Kon", "selection": {"filter": "item", "values": ["1", "2"]}},
    {"code": "ContentsCode", "selection": {"filter": "item", "values": ["BE0101N1"]}},
    {"code": "Tid", "selection": {"filter": "item", "values": ["2022", "2023"]}},
]


def test_v1_post_json_stat2_to_tidy_csv(fixture_server, tmp_path, loopback_http):
    body = (FIXTURES / "v1" / "BE0101N1.json").read_bytes()
    path = "/OV0104/v1/doris/sv/ssd/BE/BE0101/BE0101A/BefolkningNy"
    fixture_server.handle(path, lambda req: Reply(body=body, content_type="application/json; charset=utf-8")
                          if req.method == "POST" else Reply(status=405))
    ds = dataset("pxweb", "folkmangd", url=fixture_server.url(path), query=V1_QUERY)
    got = collect(ds, tmp_path / "w", context(tmp_path, loopback_http, {"fields": [{"name": "varde", "type": "integer"}]}))
    rows = read_csv(got.data.path)
    assert rows[0] == ["region_kod", "region", "kon_kod", "kon", "contentscode_kod", "contentscode", "tid_kod", "tid", "varde"]
    assert rows[1] == ["0880", "Kalmar", "1", "män", "BE0101N1", "Folkmängd", "2022", "2022", "1001"]
    assert rows[2] == ["0880", "Kalmar", "1", "män", "BE0101N1", "Folkmängd", "2023", "2023", "1002"]
    assert rows[5] == ["0881", "Nybro", "1", "män", "BE0101N1", "Folkmängd", "2022", "2022", "2001"]
    assert rows[7] == ["0881", "Nybro", "2", "kvinnor", "BE0101N1", "Folkmängd", "2022", "2022", ""]  # SCB ".."
    assert got.data.rows == 8
    sent = fixture_server.requests(path)
    assert len(sent) == 1 and sent[0].method == "POST"
    assert json.loads(sent[0].body) == {"query": V1_QUERY, "response": {"format": "json-stat2"}}


def test_v2_get_with_value_codes(fixture_server, tmp_path, loopback_http):
    fixture_server.set("/OV0104/v2beta/api/v2/tables/TAB638/data", (FIXTURES / "v2" / "TAB638.json").read_bytes(),
                       content_type="application/json")
    ds = dataset("pxweb", "folkmangd2", url=fixture_server.url("/OV0104/v2beta/api/v2"), api_version=2, table="TAB638",
                 value_codes={"Region": ["0880", "0882", "0883"], "ContentsCode": ["BE0101N1"], "Tid": ["2023"]})
    got = collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert read_csv(got.data.path) == [
        ["region_kod", "region", "contentscode_kod", "contentscode", "tid_kod", "tid", "varde"],
        ["0880", "Kalmar", "BE0101N1", "Folkmängd", "2023", "2023", "3101"],
        ["0882", "Oskarshamn", "BE0101N1", "Folkmängd", "2023", "2023", "3102"],
        ["0883", "Västervik", "BE0101N1", "Folkmängd", "2023", "2023", "3103"],
    ]
    sent = fixture_server.requests("/OV0104/v2beta/api/v2/tables/TAB638/data")
    assert len(sent) == 1 and sent[0].method == "GET"
    assert sent[0].query == {"lang": ["sv"], "outputFormat": ["json-stat2"], "valueCodes[Region]": ["0880,0882,0883"],
                             "valueCodes[ContentsCode]": ["BE0101N1"], "valueCodes[Tid]": ["2023"]}


def test_scb_400_for_a_bad_query_is_not_retried(fixture_server, tmp_path, loopback_http):
    fixture_server.script("/OV0104/v1/doris/sv/ssd/bad", [Reply(status=400, body='{"error":"Bad request"}')])
    ds = dataset("pxweb", "x", url=fixture_server.url("/OV0104/v1/doris/sv/ssd/bad"), query=V1_QUERY)
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert (err.value.kind, err.value.status) == ("http_status", 400)
    assert fixture_server.count("/OV0104/v1/doris/sv/ssd/bad") == 1


def test_v2_without_table_is_a_config_error(tmp_path, loopback_http):
    with pytest.raises(SourceError) as err:
        collect(dataset("pxweb", "x", url="https://api.scb.se/OV0104/v2beta/api/v2", api_version=2), tmp_path, context(tmp_path, loopback_http))
    assert err.value.kind == "config" and "table" in str(err.value)


def test_sparse_values_and_inconsistent_cubes():
    doc = json.loads((FIXTURES / "v2" / "TAB638.json").read_text(encoding="utf-8"))
    doc["value"] = {"1": 7}
    assert [r[-1] for r in list(tidy_rows(doc, "t"))[1:]] == [None, 7, None]
    doc["value"] = [1, 2]
    with pytest.raises(SourceError, match="2 values for 3 cells"):
        list(tidy_rows(doc, "t"))


def test_rate_limiter_allows_ten_calls_per_ten_seconds():
    now = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(10, 10.0, clock=lambda: now[0], sleep=sleep)
    for i in range(10):
        now[0] = i * 0.1
        assert limiter.acquire() == 0.0
    now[0] = 1.0
    waited = limiter.acquire()  # the 11th call in the window waits until the first leaves it
    assert waited == pytest.approx(9.0) and slept == [pytest.approx(9.0)]
    assert now[0] == pytest.approx(10.0)
