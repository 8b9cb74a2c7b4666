"""`oppnadata list` against no portal and against the real local CKAN portal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main


def invoke(root: Path, ckan_url: str, *args: str, token: str = ""):
    env = {"OPPNADATA_ROOT": str(root), "CKAN_URL": ckan_url, "CKAN_API_TOKEN": token}
    result = CliRunner().invoke(main, ["list", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_lists_the_catalog_and_says_when_the_portal_is_unreachable(project: Path):
    result = invoke(project, "http://127.0.0.1:9")  # nothing listens on the discard port
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "ORGANIZATION", "SOURCE", "SCHEMA", "FREQUENCY", "STATUS", "LAST", "CHECKED"]
    assert lines[1].split() == ["kommuner", "region-kalmar-lan", "file", "schemas/kommuner.json", "IRREG"]
    assert lines[2].split() == ["befolkning", "kalmar-kommun", "http", "schemas/kommuner.json", "ANNUAL"]
    assert lines[3].startswith("portal not reachable at http://127.0.0.1:9")


def test_a_broken_catalog_is_reported_located(project: Path):
    path = project / "catalog.yaml"
    path.write_text(path.read_text().replace("frequency: ANNUAL", "frequency: YEARLY"))
    result = invoke(project, "http://127.0.0.1:9")
    assert result.exit_code == 1
    assert "catalog.yaml:47:16:" in result.output


@pytest.mark.ckan
def test_shows_the_last_status_from_the_portal(project: Path, ckan_portal, unique_name):
    published, missing = unique_name("liststatus"), unique_name("listmissing")
    org = unique_name("listorg")
    path = project / "catalog.yaml"
    text = path.read_text().replace("  - id: kommuner\n", f"  - id: {published}\n").replace("  - id: befolkning\n", f"  - id: {missing}\n")
    path.write_text(text)
    (project / "datasets/kommuner").rename(project / f"datasets/{published}")
    (project / "schemas/kommuner.json").rename(project / f"schemas/{published}.json")
    path.write_text(path.read_text().replace("schema: schemas/kommuner.json", f"schema: schemas/{published}.json"))
    api = ckan_portal.api()
    api.action.organization_create(name=org)
    api.action.package_create(name=published, owner_org=org, extras=[
        {"key": "kalmar_last_status", "value": "invalid"},
        {"key": "kalmar_last_checked", "value": "2026-11-27T01:02:03Z"},
    ])
    result = invoke(project, ckan_portal.url, "--format", "json", token=ckan_portal.token)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["note"] is None
    by_id = {d["id"]: d for d in report["datasets"]}
    assert by_id[published]["status"] == "invalid"
    assert by_id[published]["last checked"] == "2026-11-27T01:02:03Z"
    assert by_id[missing]["status"] == "not published"
    assert ckan_portal.token not in result.output
