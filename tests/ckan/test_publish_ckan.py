"""Publishing against the real local CKAN: first publish, no-change run, content change,
invalid data, withdrawal, interruption between upload and DataStore load, and permissions."""

from __future__ import annotations

import ckanapi
import pytest

from pipelines.ckan import datastore, resources
from pipelines.ckan.publisher import Publisher
from pipelines.outcome import Status
from pipelines.run import process_dataset

from .conftest import CSV_V1

pytestmark = pytest.mark.ckan


def _search_rows(api, resource_id):
    return api.action.datastore_search(resource_id=resource_id, sort="kommunkod")


def test_first_publish_creates_everything_with_swedish_text_intact(project, ckan_portal):
    outcome, client = project.run()
    assert outcome.status == Status.PUBLISHED, outcome.message
    assert outcome.rows == 3

    anon = ckan_portal.anonymous()
    org = anon.action.organization_show(id=project.dataset.organization)
    assert org["title"] == "Kalmar kommun (test)"
    pkg = anon.action.package_show(id=project.dataset.id)
    assert pkg["title"] == "Badplatser i Kalmar län"
    assert pkg["notes"].endswith("Åäö.")
    assert pkg["private"] is False
    assert sorted(r["kalmar_role"] for r in pkg["resources"]) == ["data", "report", "schema"]
    data = resources.find(pkg, "data")
    assert data["sha256"] == data["datastore_sha256"]
    assert data["url"].startswith(ckan_portal.url)

    result = _search_rows(anon, data["id"])
    types = {f["id"]: f["type"] for f in result["fields"]}
    assert types["kommunkod"] == "text" and types["antal"] in ("int", "int8", "bigint")
    assert types["andel"] == "numeric" and types["provdatum"] == "date"
    records = result["records"]
    assert [r["kommunkod"] for r in records] == ["0840", "0880", "0885"]
    assert records[0]["kommun"] == "Mörbylånga"
    assert records[1]["antal"] == 12 and float(records[1]["andel"]) == 0.75
    assert records[1]["provdatum"].startswith("2024-06-01")
    info = {f["id"]: f.get("info", {}) for f in result["fields"]}
    assert info["kommunkod"]["label"] == "Kommunkod"

    # The MQA score is measured as a harvester sees it (URLs checked, SHACL run) and recorded.
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert int(extras["kalmar_mqa_score"]) >= 351, outcome.message
    assert f"MQA {extras['kalmar_mqa_score']}/405 Excellent" in outcome.message


def test_second_identical_run_makes_zero_write_calls(project):
    first, _ = project.run()
    assert first.status == Status.PUBLISHED
    second, client = project.run()
    assert second.status == Status.UNCHANGED, second.message
    assert client.write_calls == 0, client.calls
    assert second.write_calls == 0


def test_content_change_updates_file_and_datastore(project, ckan_portal):
    project.run()
    project.write_data(CSV_V1 + "0881,Nybro,9,0.5,2024-06-04\n")
    outcome, client = project.run()
    assert outcome.status == Status.PUBLISHED and "data uploaded" in outcome.message
    # one portal-side COPY load; the rows are not sent again as JSON
    assert client.calls.get("kalmar_datastore_load") == 1
    assert not {a for a in client.calls if a.startswith("datastore_") and a != "datastore_search"}, client.calls
    pkg = ckan_portal.anonymous().action.package_show(id=project.dataset.id)
    assert len([r for r in pkg["resources"] if r["kalmar_role"] == "data"]) == 1
    data = resources.find(pkg, "data")
    assert data["rows"] == "4"
    records = _search_rows(ckan_portal.anonymous(), data["id"])["records"]
    assert [r["kommunkod"] for r in records] == ["0840", "0880", "0881", "0885"]


def test_metadata_only_change_patches_metadata_only(project, ckan_portal):
    project.run()
    project.with_dataset(title="Badplatser i Kalmar län (reviderad)")
    outcome, client = project.run()
    assert outcome.status == Status.PUBLISHED and outcome.message.startswith("metadata updated")
    assert {a for a, n in client.calls.items() if n and a.endswith(("_create", "_update", "_patch", "_upsert", "_delete"))} == {"package_patch"}
    assert ckan_portal.anonymous().action.package_show(id=project.dataset.id)["title"].endswith("(reviderad)")


def test_invalid_data_keeps_the_last_good_version_and_records_the_failure(project, ckan_portal):
    project.run()
    before = ckan_portal.anonymous().action.package_show(id=project.dataset.id)
    good = resources.find(before, "data")
    project.write_data(CSV_V1 + "880,Nybro,inte-ett-tal,0.5,2024-06-04\n")
    outcome, _ = project.run()
    assert outcome.status == Status.INVALID
    assert "type-error" in outcome.message and "last good version kept" in outcome.message

    after = ckan_portal.anonymous().action.package_show(id=project.dataset.id)
    data = resources.find(after, "data")
    assert (data["sha256"], data["url"]) == (good["sha256"], good["url"])
    assert len(_search_rows(ckan_portal.anonymous(), data["id"])["records"]) == 3
    extras = {e["key"]: e["value"] for e in after["extras"]}
    assert extras["kalmar_last_status"] == Status.INVALID
    assert "type-error" in extras["kalmar_last_error"]
    assert extras["kalmar_last_checked"]
    report = resources.find(after, "report")
    assert report["valid"] == "false"

    # Fixing the data publishes again and clears the failure.
    project.write_data(CSV_V1)
    outcome, _ = project.run()
    assert outcome.status == Status.PUBLISHED
    extras = {e["key"]: e["value"] for e in ckan_portal.anonymous().action.package_show(id=project.dataset.id)["extras"]}
    assert extras["kalmar_last_status"] == Status.PUBLISHED and extras["kalmar_last_error"] == ""


def test_missing_source_is_a_source_error_and_keeps_the_data(project, ckan_portal):
    project.run()
    (project.root / "datasets" / project.dataset.id / "data.csv").unlink()
    outcome, _ = project.run()
    assert outcome.status == Status.SOURCE_ERROR and "not_found" in outcome.message
    pkg = ckan_portal.anonymous().action.package_show(id=project.dataset.id)
    assert resources.find(pkg, "data") is not None


def test_withdrawal_makes_the_dataset_private_and_invisible_to_anonymous_search(project, ckan_portal):
    project.run()
    project.with_dataset(withdrawn=True)
    outcome, _ = project.run()
    assert outcome.status == Status.WITHDRAWN and "private" in outcome.message
    anon = ckan_portal.anonymous()
    found = anon.action.package_search(q=project.dataset.id, fq=f"organization:{project.dataset.organization}")
    assert found["count"] == 0
    with pytest.raises((ckanapi.NotAuthorized, ckanapi.NotFound)):
        anon.action.package_show(id=project.dataset.id)
    assert ckan_portal.api().action.package_show(id=project.dataset.id)["state"] == "active"


def test_removed_from_catalog_is_withdrawn_and_hand_made_datasets_are_left_alone(project, ckan_portal, unique_name):
    from dataclasses import replace

    project.run()
    by_hand = ckan_portal.api().action.package_create(
        name=unique_name("handgjord"), title="Gjord för hand i portalen", owner_org=project.dataset.organization
    )
    publisher = Publisher(project.client(), replace(project.catalog, datasets=()), project.settings)
    outcomes = publisher.withdraw_removed()
    assert [(o.dataset_id, o.status) for o in outcomes] == [(project.dataset.id, Status.WITHDRAWN)]
    assert ckan_portal.api().action.package_show(id=project.dataset.id)["private"] is True
    assert ckan_portal.api().action.package_show(id=by_hand["id"])["private"] is False


class _Killed(BaseException):
    """Stands for the process dying: not an Exception, so no handler in the pipeline catches it."""


def _die(*args, **kwargs):
    raise _Killed()


def test_interrupted_between_upload_and_datastore_load_converges(project, ckan_portal, monkeypatch):
    project.run()
    project.write_data(CSV_V1 + "0881,Nybro,9,0.5,2024-06-04\n")
    monkeypatch.setattr(datastore, "load", _die)
    with pytest.raises(_Killed):
        project.run()
    monkeypatch.undo()

    half = ckan_portal.api().action.package_show(id=project.dataset.id)
    data = resources.find(half, "data")
    assert data["sha256"] != data["datastore_sha256"]  # the mismatch the next run must see

    outcome, _ = project.run()
    assert outcome.status == Status.PUBLISHED
    pkg = ckan_portal.api().action.package_show(id=project.dataset.id)
    datas = [r for r in pkg["resources"] if r["kalmar_role"] == "data"]
    assert len(datas) == 1 and datas[0]["sha256"] == datas[0]["datastore_sha256"]
    assert len(_search_rows(ckan_portal.api(), datas[0]["id"])["records"]) == 4
    assert len(pkg["resources"]) == 3
    again, client = project.run()
    assert again.status == Status.UNCHANGED and client.write_calls == 0


def test_new_dataset_is_private_until_its_data_is_in_place(project, ckan_portal, monkeypatch):
    monkeypatch.setattr(datastore, "load", _die)
    with pytest.raises(_Killed):
        project.run()
    monkeypatch.undo()
    assert ckan_portal.anonymous().action.package_search(fq=f"organization:{project.dataset.organization}")["count"] == 0
    outcome, _ = project.run()
    assert outcome.status == Status.PUBLISHED
    assert ckan_portal.anonymous().action.package_show(id=project.dataset.id)["private"] is False


def test_editor_of_one_organization_cannot_change_another(project, ckan_portal, unique_name):
    project.run()  # the dataset exists in the project's organization
    other_org = unique_name("org")
    ckan_portal.create_organization(other_org)
    user = ckan_portal.create_user(unique_name("editor"))
    ckan_portal.add_member(other_org, user.name, "editor")

    project.with_dataset(title="Ändrad av fel redaktör")
    client = project.client(user.token)
    publisher = Publisher(client, project.catalog, project.settings)
    outcome = process_dataset(project.dataset, project.settings, publisher)
    assert outcome.status == Status.PUBLISH_ERROR
    assert project.dataset.organization in outcome.message
    assert "not an editor" in outcome.message
    assert user.token not in outcome.message
    pkg = ckan_portal.anonymous().action.package_show(id=project.dataset.id)
    assert pkg["title"] == "Badplatser i Kalmar län"


def test_new_etag_with_identical_content_is_unchanged_with_one_honest_write(project, ckan_portal, fixture_server, unique_name):
    """A server that changes its ETag without changing the content: we store the new validators (one write,
    so the next night can ask "not modified?"), report the dataset unchanged, and say why there was a write."""
    from dataclasses import replace as dc_replace

    from pipelines.model import Source

    path = f"/publish/{unique_name.token}/bad.csv"
    fixture_server.set(path, CSV_V1, content_type="text/csv", headers={"ETag": '"version-1"'})
    project.settings = dc_replace(project.settings, allow_private_hosts=True)
    project.with_dataset(source=Source(type="http", options={"url": fixture_server.url(path), "format": "csv"}))
    first, _ = project.run()
    assert first.status == Status.PUBLISHED
    fixture_server.set(path, CSV_V1, content_type="text/csv", headers={"ETag": '"version-2"'})
    second, client = project.run()
    assert second.status == Status.UNCHANGED, second.message
    assert second.message == "source validators refreshed (content identical)"
    assert client.write_calls == 1 and client.calls.get("resource_patch") == 1, client.calls
    data = resources.find(ckan_portal.api().action.package_show(id=project.dataset.id), "data")
    assert data["source_etag"] == '"version-2"'
    third, client = project.run()  # the server now answers 304 to If-None-Match: "version-2"
    assert third.status == Status.UNCHANGED and client.write_calls == 0
    assert fixture_server.requests(path)[-1].headers.get("If-None-Match") == '"version-2"'
