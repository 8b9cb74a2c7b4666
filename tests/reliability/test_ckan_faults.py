"""CKAN and PostgreSQL failing in the middle of a run, on the second stack (fault_stack.py) behind a fault proxy.

- CKAN's web server killed between two datasets (nightly Prefect flow), then
  restarted: the next run converges;
- CKAN killed between a resource upload and its DataStore load, for a new
  dataset (stays private) and a changed one (the pending load is repaired);
- PostgreSQL restarted during a run: CKAN is *not* restarted, the next run
  converges.
Each scenario ends with the consistency check of conftest.py.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import ckanapi
import pytest
from ruamel.yaml import YAML

from pipelines.run import read_summary

from .catalogs import base
from .consistency import Expectation, check_dataset, sha256_text
from .project import SCHEMA, csv_version, make_project
from .proxy import action_is

pytestmark = [pytest.mark.reliability, pytest.mark.ckan]


def _write_http_catalog(root: Path, org: str, sources: dict[str, str]) -> None:
    import json

    doc = base()
    doc["catalog"]["publisher"] = org
    doc["organizations"][0]["id"] = org
    template = doc["datasets"][0]
    doc["datasets"] = []
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    for dataset_id, url in sources.items():
        (root / "schemas" / f"{dataset_id}.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
        doc["datasets"].append({**copy.deepcopy(template), "id": dataset_id, "organization": org, "schema": f"schemas/{dataset_id}.json",
                                "title": f"Badplatser {dataset_id}", "source": {"type": "http", "url": url, "format": "csv"}})
    with (root / "catalog.yaml").open("w", encoding="utf-8") as fh:
        YAML().dump(doc, fh)


def _nightly(state: Path):
    from pipelines.run import nightly

    nightly(collect_retries=0, retry_delay_seconds=0, return_state=True)
    return read_summary(sorted((state / "reports").glob("*.json"))[-1])


def test_ckan_killed_between_two_datasets_then_restarted(
    fault_stack, fault_proxy, fixture_server, unique_name, tmp_path, monkeypatch, reliability_prefect, scenario
):
    stack = fault_stack
    scenario.portal(stack.url, stack.token)
    org = unique_name("rel-kill")
    ids = [unique_name(n) for n in ("forsta", "andra", "tredje")]
    sources = {}
    for i, dataset_id in enumerate(ids):
        path = f"/rel/{unique_name.token}/{i}.csv"
        fixture_server.set(path, csv_version(i + 1), content_type="text/csv")
        sources[dataset_id] = fixture_server.url(path)
        scenario.expect(dataset_id, csv_version(i + 1), rows=3)
    root, state = tmp_path / "project", tmp_path / "state"
    _write_http_catalog(root, org, sources)
    for key, value in {"OPPNADATA_ROOT": str(root), "OPPNADATA_STATE_DIR": str(state), "CKAN_URL": fault_proxy.url,
                       "CKAN_API_TOKEN": stack.token, "OPPNADATA_ALLOW_PRIVATE_HOSTS": "true",
                       "OPPNADATA_CONCURRENCY": "1"}.items():
        monkeypatch.setenv(key, value)
    scenario.directory(state)

    killed = fault_proxy.arm(action_is("package_show", ids[1]), stack.kill_ckan)  # dataset 1 done, dataset 2 starting
    first = _nightly(state)
    assert killed.fired.is_set() and not stack.ckan_answers()
    statuses = {o.dataset_id: o.status for o in first.outcomes}
    assert statuses == {ids[0]: "published", ids[1]: "publish_error", ids[2]: "publish_error"}, first.outcomes
    assert all("CKAN unreachable" in o.message for o in first.outcomes if o.dataset_id != ids[0])

    stack.up()  # restarted
    assert check_dataset(stack.url, stack.token, Expectation(ids[0], sha256_text(csv_version(1)), 3)) == []
    second = _nightly(state)
    statuses = {o.dataset_id: o.status for o in second.outcomes}
    assert statuses == {ids[0]: "unchanged", ids[1]: "published", ids[2]: "published"}, second.outcomes
    third = _nightly(state)
    assert third.write_calls == 0 and all(o.status == "unchanged" for o in third.outcomes)


def test_ckan_killed_between_upload_and_datastore_load(fault_stack, fault_proxy, unique_name, tmp_path, scenario):
    stack = fault_stack
    scenario.portal(stack.url, stack.token)
    proj = make_project(tmp_path / "p", fault_proxy.url, stack.token, unique_name("rel-load"))
    scenario.directory(proj.root)
    changed = proj.add_file(unique_name("andrad"), csv_version(1))
    assert proj.run()[changed.id].status == "published"
    scenario.expect(changed.id, csv_version(2), rows=3)

    # A changed dataset: the new file is uploaded, CKAN dies before the DataStore is replaced.
    proj.write_file(changed.id, csv_version(2))
    trigger = fault_proxy.arm(action_is("kalmar_datastore_load"), stack.kill_ckan)
    out = proj.run(changed.id)[changed.id]
    scenario.text("outcome", out)
    assert trigger.fired.is_set() and out.status == "publish_error"
    stack.up()
    admin = ckanapi.RemoteCKAN(stack.url, apikey=stack.token)
    data = next(r for r in admin.action.package_show(id=changed.id)["resources"] if r["kalmar_role"] == "data")
    assert data["sha256"] == sha256_text(csv_version(2))  # the upload happened ...
    assert data["datastore_sha256"] == sha256_text(csv_version(1))  # ... and the load is recorded as pending

    # A new dataset: CKAN dies before its first DataStore load; it must stay invisible to the public.
    new = proj.add_file(unique_name("ny"), csv_version(7))
    scenario.expect(new.id, csv_version(7), rows=3)
    trigger = fault_proxy.arm(action_is("kalmar_datastore_load"), stack.kill_ckan)
    out = proj.run(new.id)[new.id]
    assert trigger.fired.is_set() and out.status == "publish_error"
    stack.up()
    with pytest.raises((ckanapi.NotAuthorized, ckanapi.NotFound)):
        ckanapi.RemoteCKAN(stack.url).action.package_show(id=new.id)

    # The next run converges both: no duplicates, hashes match, DataStore complete (checked by the scenario).
    outcomes = proj.run()
    assert {k: o.status for k, o in outcomes.items()} == {changed.id: "published", new.id: "published"}
    assert "DataStore reloaded" in outcomes[changed.id].message


def test_postgresql_restarted_during_a_run(fault_stack, fault_proxy, unique_name, tmp_path, scenario):
    stack = fault_stack
    scenario.portal(stack.url, stack.token)
    proj = make_project(tmp_path / "p", fault_proxy.url, stack.token, unique_name("rel-pg"))
    scenario.directory(proj.root)
    ids = [proj.add_file(unique_name(f"pg{i}"), csv_version(i, rows=12)).id for i in range(4)]
    for i, dataset_id in enumerate(ids):
        scenario.expect(dataset_id, csv_version(i, rows=12), rows=12)
    loads = itertools.count(1)
    trigger = fault_proxy.arm(lambda path, body: action_is("kalmar_datastore_load")(path, body) and next(loads) == 2,
                              stack.restart_postgres)
    pid_before = stack.ckan_pids()[0]
    postmaster = lambda: (stack.state / "pg" / "postmaster.pid").read_text().split()[0]  # noqa: E731
    pg_before = postmaster()
    first = proj.run()
    assert trigger.fired.is_set() and postmaster() != pg_before, "PostgreSQL was not restarted"
    for out in first.values():
        scenario.text("outcome", out)
        assert out.status in ("published", "publish_error"), out
    assert stack.ckan_pids()[0] == pid_before, "CKAN itself must not have been restarted"
    second = proj.run()
    assert all(o.status in ("published", "unchanged") for o in second.values()), second
    third = proj.run()
    assert all(o.status == "unchanged" and o.write_calls == 0 for o in third.values()), third
