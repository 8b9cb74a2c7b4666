"""Source type `wfs` against the fixture server: GeoServer-style GeoJSON in EPSG:3006."""

from __future__ import annotations

import json

import pytest

from pipelines.sources import collect
from pipelines.errors import SourceError
from tests.sources.helpers import context, dataset, read_csv

OWS = "/geoserver/kalmar/ows"


@pytest.fixture
def wfs(fixture_server):
    fixture_server.set(OWS, fixture_server.fixture_text("wfs/badplatser_3006.geojson"), content_type="application/json;charset=UTF-8")
    fixture_server.reset_counts()
    return fixture_server


def test_epsg3006_is_reprojected_and_tabulated(wfs, tmp_path, loopback_http):
    ds = dataset("wfs", "badplatser-wfs", url=wfs.url(OWS), type_name="kalmar:badplatser", source_crs="EPSG:3006")
    got = collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    roles = {f.role: f for f in got.files}
    assert set(roles) == {"data", "geojson"} and roles["geojson"].media_type == "application/geo+json"
    geo = json.loads(roles["geojson"].path.read_text(encoding="utf-8"))
    assert "crs" not in geo and len(geo["features"]) == 3
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert lon == pytest.approx(16.356, abs=1e-6) and lat == pytest.approx(56.654, abs=1e-6)
    ring = geo["features"][2]["geometry"]["coordinates"][0]
    assert ring[1] == pytest.approx([16.372, 56.67], abs=1e-6)
    rows = read_csv(roles["data"].path)
    assert rows[0] == ["id", "namn", "kommun", "handikappanpassad", "vattentemperatur", "lat", "lon"]
    assert rows[1][:5] == ["1", "Kalmarsundsbadet", "Kalmar", "true", "18.5"]
    assert float(rows[1][5]) == pytest.approx(56.654, abs=1e-6) and float(rows[1][6]) == pytest.approx(16.356, abs=1e-6)
    assert rows[2][4] == "" and rows[3][5:] == ["", ""]  # null property; polygon has no lat/lon
    assert roles["data"].rows == 3
    sent = wfs.requests(OWS)
    assert len(sent) == 1
    assert sent[0].query == {"service": ["WFS"], "version": ["2.0.0"], "request": ["GetFeature"],
                             "typeNames": ["kalmar:badplatser"], "outputFormat": ["application/json"], "srsName": ["EPSG:3006"]}


def test_unchanged_layer_gives_304(wfs, tmp_path, loopback_http):
    ds = dataset("wfs", "badplatser-wfs", url=wfs.url(OWS), type_name="kalmar:badplatser", source_crs="EPSG:3006",
                 cql_filter="kommun='Kalmar'", max_features=100)
    first = collect(ds, tmp_path / "a", context(tmp_path, loopback_http))
    again = collect(ds, tmp_path / "b", context(tmp_path, loopback_http, previous=first.validators))
    assert again.not_modified and again.files == ()
    assert wfs.count(OWS) == 2
    assert wfs.requests(OWS)[1].query["CQL_FILTER"] == ["kommun='Kalmar'"] and wfs.requests(OWS)[1].query["count"] == ["100"]


def test_projected_data_declared_as_wgs84_is_caught(wfs, tmp_path, loopback_http):
    body = json.loads(wfs.fixture_text("wfs/badplatser_3006.geojson"))
    del body["crs"]
    wfs.set(OWS, json.dumps(body), content_type="application/json")
    ds = dataset("wfs", "x", url=wfs.url(OWS), type_name="kalmar:badplatser")
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert err.value.kind == "wrong_content" and "source_crs" in str(err.value) and "feature 1" in str(err.value)
    assert list((tmp_path / "w").iterdir()) == []


def test_exception_report_is_wrong_content_with_the_server_text(wfs, tmp_path, loopback_http):
    wfs.set(OWS, wfs.fixture_text("wfs/exception.xml"), content_type="application/xml")
    ds = dataset("wfs", "x", url=wfs.url(OWS), type_name="kalmar:badplats")
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert err.value.kind == "wrong_content" and "Feature type kalmar:badplats unknown" in str(err.value)
    assert wfs.count(OWS) == 1


def test_server_side_truncation_is_not_published_silently(wfs, tmp_path, loopback_http):
    body = json.loads(wfs.fixture_text("wfs/badplatser_3006.geojson"))
    body["numberMatched"] = 5000
    wfs.set(OWS, json.dumps(body), content_type="application/json")
    ds = dataset("wfs", "x", url=wfs.url(OWS), type_name="kalmar:badplatser", source_crs="EPSG:3006")
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert err.value.kind == "wrong_content" and "3 of 5000" in str(err.value)


def test_crs_mismatch_between_option_and_data(wfs, tmp_path, loopback_http):
    ds = dataset("wfs", "x", url=wfs.url(OWS), type_name="kalmar:badplatser", source_crs="EPSG:3008")
    with pytest.raises(SourceError) as err:
        collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert err.value.kind == "config" and "EPSG:3006" in str(err.value) and "EPSG:3008" in str(err.value)


def test_geojson_over_plain_http(wfs, tmp_path, loopback_http):
    wfs.set("/plain.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [16.36, 56.66]}, "properties": {"namn": "A"}}]}),
        content_type="application/geo+json")
    ds = dataset("http", "x", url=wfs.url("/plain.geojson"), format="geojson")
    got = collect(ds, tmp_path / "w", context(tmp_path, loopback_http))
    assert read_csv(got.data.path) == [["namn", "lat", "lon"], ["A", "56.66", "16.36"]]
    assert {f.role for f in got.files} == {"data", "geojson"}


@pytest.mark.parametrize("feature", [
    "not a feature",
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": "16.3,56.6"}, "properties": {}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [16.3]}, "properties": {}},
    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [16.3, 56.6]}, "properties": ["a"]},
    {"type": "Feature", "geometry": {"type": "GeometryCollection", "geometries": [7]}, "properties": {}},
])
def test_malformed_feature_is_wrong_content_naming_it(feature):
    from pipelines.sources.geojson import check_collection

    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {}}, feature]}
    with pytest.raises(SourceError) as err:
        check_collection(doc, "src")
    assert err.value.kind == "wrong_content" and "feature 2" in str(err.value)
