"""Source type `kolada` against the fixture server: Kolada v3 in three pages, following next_page."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.sources import collect
from pipelines.errors import SourceError
from tests.plugins.fixture_server import Reply
from tests.sources.helpers import context, dataset, read_csv

DATA = "/kolada/v3/data/kpi/N00945,N01951/municipality/0880,0881/year/2022,2023"
OPTIONS = dict(kpis=["N00945", "N01951"], municipalities=["0880", "0881"], years=[2022, 2023])


@pytest.fixture
def kolada(fixture_server):
    fixture_server.set("/kolada/v3/municipality", fixture_server.fixture_text("kolada/v3/municipality.json"),
                       content_type="application/json")

    def pages(req):
        page = req.query.get("page", ["1"])[0]
        return Reply(body=fixture_server.fixture_text(f"kolada/v3/data_page{page}.json"), content_type="application/json")

    fixture_server.handle(DATA, pages)
    fixture_server.reset_counts()
    return fixture_server


def test_three_pages_become_one_tidy_csv(kolada, tmp_path, loopback_http):
    ds = dataset("kolada", "kolada-test", base_url=kolada.url("/kolada/v3"), **OPTIONS)
    got = collect(ds, tmp_path / "w", context(tmp_path, loopback_http, {"fields": [{"name": "varde", "type": "number"}]}))
    rows = read_csv(got.data.path)
    assert rows[0] == ["kpi", "kommunkod", "kommun", "period", "kon", "varde", "status"]
    assert rows[1:4] == [["N00945", "0880", "Kalmar", "2022", "T", "20.1", ""],
                         ["N00945", "0880", "Kalmar", "2022", "K", "20.5", ""],
                         ["N00945", "0880", "Kalmar", "2022", "M", "19.8", ""]]
    assert ["N00945", "0881", "Nybro", "2023", "K", "", "Saknas"] in rows
    assert not any(r[:5] == ["N00945", "0881", "Nybro", "2023", "M"] for r in rows)  # isdeleted value left out
    assert rows[-2:] == [["N01951", "0880", "Kalmar", "2022", "T", "1.75", ""], ["N01951", "0881", "Nybro", "2023", "T", "", "Saknas"]]
    assert got.data.rows == 13  # 6 + 5 (one deleted value left out) + 2
    assert kolada.count("/kolada/v3/municipality") == 1
    assert kolada.count(DATA) == 3
    assert [r.query.get("page") for r in kolada.requests(DATA)] == [None, ["2"], ["3"]]
    assert kolada.requests(DATA)[0].query["per_page"] == ["5000"]


def test_a_failing_middle_page_fails_the_whole_collect(kolada, tmp_path, loopback_http):
    kolada.handle(DATA, lambda req: Reply(status=404) if req.query.get("page") == ["2"] else
                  Reply(body=kolada.fixture_text("kolada/v3/data_page1.json"), content_type="application/json"))
    ds = dataset("kolada", "kolada-test", base_url=kolada.url("/kolada/v3"), **OPTIONS)
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert (err.value.kind, err.value.status) == ("http_status", 404)
    assert kolada.count(DATA) == 2
    assert not (tmp_path / "w" / "kolada-test.csv").exists()
    assert [p.name for p in (tmp_path / "w").iterdir()] == []


def test_next_page_loop_is_detected(kolada, tmp_path, loopback_http):
    loop = kolada.fixture_text("kolada/v3/data_page1.json").replace("page=2", "page=1")
    kolada.handle(DATA, lambda req: Reply(body=loop, content_type="application/json"))
    ds = dataset("kolada", "kolada-test", base_url=kolada.url("/kolada/v3"), **OPTIONS)
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert err.value.kind == "wrong_content" and "points back" in str(err.value)
    assert kolada.count(DATA) == 3  # page 1, page=1 (new URL), page=1 again → stop


@pytest.mark.parametrize("bad", [dict(kpis="N00945"), dict(municipalities=["880"]), dict(years=["2023"])])
def test_bad_options(tmp_path, loopback_http, bad):
    with pytest.raises(SourceError) as err:
        collect(dataset("kolada", "k", **{**OPTIONS, **bad}), tmp_path, context(tmp_path, loopback_http))
    assert err.value.kind == "config" and "line 12" in str(err.value)
