"""Published datasets and one browser for the page tests (module scope: published once, shown many times).

The datasets go through the real publisher (collect → validate → publish into the local CKAN):
- `table`: the committed steward file datasets/kommuner-kalmar-lan (SCB's municipality codes), declared
  yearly with a period and two municipalities, so the metadata has words to show;
- `map`: the WFS fixture (GeoServer GeoJSON in EPSG:3006) → a GeoJSON resource with its map view;
- `broken`: the same steward file, published, then a version as a spreadsheet round-trip leaves it
  (leading zeros lost, the last row pasted twice) → status invalid, the last good version kept.
Screenshots and page sources go to test-output/ui/ (git-ignored), or $OPPNADATA_TEST_OUTPUT/ui.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from pipelines.catalog import load_catalog
from pipelines.ckan.client import CountingCKAN
from pipelines.ckan.publisher import Publisher
from pipelines.config import Secret, Settings
from pipelines.model import Source, Temporal
from pipelines.run import process_dataset
from tests.plugins.portal import ROOT, UniqueNames
from tests.ckan.builders import catalog, organization

from .browser import APT_LINE, Browser, missing_binaries

STEWARD_ID = "kommuner-kalmar-lan"
OWS = "/geoserver/kalmar/ows"
STALE_DAYS = 14
MAP_SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "title": "Id"},
        {"name": "namn", "type": "string", "title": "Namn"},
        {"name": "kommun", "type": "string", "title": "Kommun"},
        {"name": "handikappanpassad", "type": "boolean", "title": "Handikappanpassad"},
        {"name": "vattentemperatur", "type": "number", "title": "Vattentemperatur"},
        {"name": "lat", "type": "number", "title": "Latitud"},
        {"name": "lon", "type": "number", "title": "Longitud"},
    ],
    "primaryKey": ["id"],
}


def spreadsheet_round_trip(csv_text: str) -> str:
    """What opening the file in a spreadsheet and saving it again often does: codes lose their leading
    zero ("0821" → "821", "08" → "8"), and the last row is pasted a second time."""
    lines = csv_text.rstrip("\n").split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[0], cells[2] = cells[0].lstrip("0"), cells[2].lstrip("0")
        out.append(",".join(cells))
    out.append(out[-1])
    return "\n".join(out) + "\n"


@dataclass
class Published:
    organization: str
    organization_title: str
    table: str
    map: str
    broken: str
    steward_csv: str
    broken_report: dict


def output_dir() -> Path:
    base = Path(os.environ.get("OPPNADATA_TEST_OUTPUT") or ROOT / "test-output")
    folder = base / "ui"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def shots() -> Path:
    return output_dir()


@pytest.fixture(scope="module")
def published(ckan_portal, fixture_server, tmp_path_factory):
    names = UniqueNames()
    root = tmp_path_factory.mktemp("ui-project")
    real = next(d for d in load_catalog(ROOT / "catalog.yaml").datasets if d.id == STEWARD_ID)
    steward_csv = (ROOT / "datasets" / STEWARD_ID / "kommuner.csv").read_text(encoding="utf-8")
    steward_schema = (ROOT / "schemas" / f"{STEWARD_ID}.json").read_text(encoding="utf-8")
    org = organization(names("org"), title="Testkommunen i Kalmar län")

    table = replace(real, id=names("kommuner"), organization=org.id, schema="", frequency="ANNUAL",
                    spatial=("0880", "0885"), temporal=Temporal(start="2024-01-01", end="2024-12-31"))
    broken = replace(real, id=names("trasig"), title="Kommuner i Kalmar län (trasig export)", organization=org.id,
                     schema="", frequency="DAILY")
    fixture_server.set(OWS, fixture_server.fixture_text("wfs/badplatser_3006.geojson"),
                       content_type="application/json;charset=UTF-8")
    geo = replace(real, id=names("badplatser"), title="Badplatser (karta)", organization=org.id, schema="",
                  description="Badplatser som punkter och ytor, från en WFS-tjänst.", frequency="MONTHLY",
                  source=Source(type="wfs", options={"url": fixture_server.url(OWS), "type_name": "kalmar:badplatser",
                                                     "source_crs": "EPSG:3006"}))
    (root / "schemas").mkdir()
    for ds in (table, broken, geo):
        ds_schema = f"schemas/{ds.id}.json"
        (root / ds_schema).write_text(json.dumps(MAP_SCHEMA) if ds is geo else steward_schema, encoding="utf-8")
        (root / "datasets" / ds.id).mkdir(parents=True)
        (root / "datasets" / ds.id / "kommuner.csv").write_text(steward_csv, encoding="utf-8")
    table, broken, geo = (replace(d, schema=f"schemas/{d.id}.json") for d in (table, broken, geo))
    cat = catalog((table, broken, geo), (org,))
    settings = Settings(project_root=root, state_dir=root / ".state", ckan_url=ckan_portal.url,
                        ckan_api_token=Secret(ckan_portal.token), allow_private_hosts=True)

    def publish(ds, run_id):
        publisher = Publisher(CountingCKAN(ckan_portal.url, ckan_portal.token), cat, settings)
        publisher.sync_organizations()
        return process_dataset(ds, settings, publisher, run_id=run_id)

    for ds in (table, broken, geo):
        outcome = publish(ds, "first")
        assert outcome.status == "published", outcome
    (root / "datasets" / broken.id / "kommuner.csv").write_text(spreadsheet_round_trip(steward_csv), encoding="utf-8")
    outcome = publish(broken, "second")
    assert outcome.status == "invalid", outcome

    api = ckan_portal.api()
    pkg = api.action.package_show(id=broken.id)
    data = next(r for r in pkg["resources"] if r.get("kalmar_role") == "data")
    # The stale case: the broken dataset promises daily data, and its last good file is two weeks old.
    two_weeks_ago = datetime.now(timezone.utc) - timedelta(days=STALE_DAYS)
    api.action.resource_patch(id=data["id"], last_modified=two_weeks_ago.replace(tzinfo=None).isoformat())
    report = next(r for r in pkg["resources"] if r.get("kalmar_role") == "report")
    broken_report = requests.get(report["url"], timeout=30).json()
    yield Published(organization=org.id, organization_title=org.title, table=table.id, map=geo.id,
                    broken=broken.id, steward_csv=steward_csv, broken_report=broken_report)
    ckan_portal.purge_matching(names.token)


@pytest.fixture(scope="module")
def browser(ckan_portal, shots):
    missing = missing_binaries()
    if missing:
        pytest.fail(f"the page tests need Debian's Chromium and its driver ({', '.join(missing)} missing): {APT_LINE}"
                    " (make test installs them through portal/stack with PORTAL_TEST_TOOLS=1)", pytrace=False)
    session = Browser(ckan_portal.url, shots)
    yield session
    session.close()
