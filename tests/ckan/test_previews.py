"""The publisher puts CKAN's own table preview (datatables_view) on the DataStore resource it publishes:
once, on the run that completes the load; never twice; and an unchanged night still writes nothing."""

from __future__ import annotations

import pytest

from pipelines.outcome import Status

pytestmark = pytest.mark.ckan


def data_views(ckan_portal, dataset_id: str) -> list[dict]:
    pkg = ckan_portal.anonymous().action.package_show(id=dataset_id)
    data = next(r for r in pkg["resources"] if r.get("kalmar_role") == "data")
    assert data["datastore_active"] is True
    return ckan_portal.anonymous().action.resource_view_list(id=data["id"])


def test_table_preview_is_created_once_and_repaired_when_removed(project, ckan_portal):
    first, _ = project.run()
    views = data_views(ckan_portal, project.dataset.id)
    second, quiet = project.run()

    assert first.status == Status.PUBLISHED and "datatables_view view created" in first.message
    assert [(v["view_type"], v["title"]) for v in views] == [("datatables_view", "Tabell")]
    assert second.status == Status.UNCHANGED and quiet.write_calls == 0, quiet.calls
    assert len(data_views(ckan_portal, project.dataset.id)) == 1

    # An editor removed the preview: the next run puts it back with one write, and only that.
    ckan_portal.api().action.resource_view_delete(id=views[0]["id"])
    third, client = project.run()

    assert third.status == Status.PUBLISHED and third.message == "datatables_view view created", third.message
    assert client.write_calls == 1 and client.calls.get("resource_view_create") == 1, client.calls
    assert [v["view_type"] for v in data_views(ckan_portal, project.dataset.id)] == ["datatables_view"]
