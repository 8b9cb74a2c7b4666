"""`oppnadata download` against the real portal: verification, resume, data package."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import requests

from pipelines.download import DownloadError, PublicPortal, download_all, download_dataset
from tests.dcat.portal_data import CSV, GEOJSON, published_catalog, sha256, upload

pytestmark = pytest.mark.ckan
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def published(ckan_portal, tmp_path_factory):
    with published_catalog(ckan_portal, tmp_path_factory.mktemp("dl"), "dl") as (catalog, packages, token):
        yield ckan_portal, catalog, packages, token


def test_csv_download_is_verified(published, tmp_path):
    portal, catalog, _, _ = published
    got = download_dataset(PublicPortal(portal.url), catalog.datasets[0].id, tmp_path, "csv")
    assert got.path.read_bytes() == CSV.encode() and got.verified == "sha256"


def test_geojson_and_json_formats(published, tmp_path):
    portal, catalog, _, _ = published
    reader = PublicPortal(portal.url)
    geo = download_dataset(reader, catalog.datasets[1].id, tmp_path, "geojson")
    assert geo.path.read_bytes() == GEOJSON.encode()
    dump = download_dataset(reader, catalog.datasets[0].id, tmp_path, "json")
    assert dump.verified == "rows=3"
    assert len(json.loads(dump.path.read_text())["records"]) == 3


def test_clear_errors_for_unknown_id_missing_format_and_unreachable_portal(published, tmp_path):
    portal, catalog, _, _ = published
    reader = PublicPortal(portal.url)
    with pytest.raises(DownloadError, match="no public dataset 'no-such-dataset-x'"):
        download_dataset(reader, "no-such-dataset-x", tmp_path)
    with pytest.raises(DownloadError, match=r"has no geojson download \(available: csv\)"):
        download_dataset(reader, catalog.datasets[2].id, tmp_path, "geojson")
    with pytest.raises(DownloadError, match="no such format 'xlsx'"):
        download_dataset(reader, catalog.datasets[2].id, tmp_path, "xlsx")
    with pytest.raises(DownloadError, match="cannot reach the portal at http://127.0.0.1:9"):
        download_dataset(PublicPortal("http://127.0.0.1:9"), "x", tmp_path)


def test_corrupted_file_on_the_server_is_detected(published, tmp_path):
    """A resource whose recorded sha256 differs from the file the server sends."""
    portal, catalog, packages, _ = published
    name = catalog.datasets[2].id
    data = next(r for r in packages[name]["resources"] if r["kalmar_role"] == "data")
    api = portal.api()
    api.action.resource_patch(id=data["id"], sha256=sha256(b"what the publisher meant to upload"))
    try:
        result = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "oppnadata"), "download", name, "--to", str(tmp_path)],
            capture_output=True, text=True, cwd=ROOT, env={"CKAN_URL": portal.url, "PATH": "/usr/bin"},
        )
    finally:
        api.action.resource_patch(id=data["id"], sha256=data["sha256"])
    assert result.returncode == 1, result.stderr
    assert "SHA-256" in result.stderr and "portal records" in result.stderr
    assert not (tmp_path / f"{name}.csv").exists()
    assert (tmp_path / f"{name}.csv.sha256-mismatch").read_bytes() == CSV.encode()


def test_resume_against_the_portal_file_store(published, tmp_path):
    """Resume a partial download from CKAN; whether the file store honours Range or not,
    the result is the whole verified file (and we record which it did)."""
    portal, catalog, packages, token = published
    body = ("id,namn\n" + "".join(f"{i},plats {i}\n" for i in range(40_000))).encode()
    pkg = packages[catalog.datasets[2].id]
    res = upload(portal.api(), pkg["id"], "stor.csv", "big", body, tmp_path)
    probe = requests.get(res["url"], headers={"Range": "bytes=10-"}, timeout=30)
    honours_range = probe.status_code == 206
    part = tmp_path / "out" / "stor.csv.part"
    part.parent.mkdir()
    part.write_bytes(body[: len(body) // 2])
    from pipelines.download.transfer import fetch

    got = fetch(res["url"], tmp_path / "out" / "stor.csv", sha256(body), session=PublicPortal(portal.url).session)
    assert (tmp_path / "out" / "stor.csv").read_bytes() == body
    if honours_range:
        assert got.resumed_from == len(body) // 2 and not got.restarted
    else:
        assert got.restarted and got.resumed_from == 0
    print(f"portal file store honours Range: {honours_range}")


def test_all_writes_a_data_package_that_frictionless_accepts(published, tmp_path):
    portal, catalog, packages, token = published
    result = download_all(PublicPortal(portal.url), tmp_path)
    ours = {d.id for d in catalog.datasets}
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    names = {r["name"] for r in descriptor["resources"]}
    assert ours <= names and f"{catalog.datasets[1].id}-geojson" in names
    for res in descriptor["resources"]:
        if res["name"] in ours:
            assert res["schema"]["fields"][0]["name"] == "id"
            assert res["licenses"][0]["path"].startswith("http://creativecommons.org/")
    ours_failed = [f for f in result.failures if token in f]
    assert not ours_failed
    check = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "frictionless"), "validate", "--json",
         str(tmp_path / "datapackage.json")], capture_output=True, text=True)
    report = json.loads(check.stdout)
    # The portal is shared: judge the resources this module published (4 of them).
    mine = [t for t in report["tasks"] if t["name"] in ours or t["name"] == f"{catalog.datasets[1].id}-geojson"]
    assert len(mine) == 4
    assert all(t["valid"] for t in mine), [t["errors"][:2] for t in mine if not t["valid"]]
