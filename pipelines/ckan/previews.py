"""Preview views on the resources the publisher puts online: a table for the data, a map for GeoJSON.

Why the publisher creates them: CKAN adds its default views when a resource is created, but the table
view (CKAN's own `datatables_view`) can only show a DataStore table, and the publisher loads the DataStore
after the upload, so CKAN never adds it by itself. Each run therefore looks at the views of each
previewable resource (one `resource_view_list`, a read) and creates only a view type that is missing:
an unchanged night still makes zero writes, and a rerun never duplicates a view.

The view types are plugins the portal enables (portal/ckan.ini.template): `datatables_view` from CKAN,
`geojson_map` from ckanext-kalmar.
"""

from __future__ import annotations

from typing import Any, Mapping

from . import resources
from .client import CountingCKAN

# kalmar_role → (view type, the view's title as the portal shows it)
PREVIEWS = {
    "data": ("datatables_view", "Tabell"),
    "geojson": ("geojson_map", "Karta"),
}


def _previewable(role: str, resource: Mapping[str, Any]) -> bool:
    # A table view of a resource whose DataStore load has not completed would show an error;
    # the run that completes the load adds the view.
    return role != "data" or bool(resource.get("datastore_active"))


def ensure(reader: CountingCKAN, writer: Any, package: Mapping[str, Any] | None) -> list[str]:
    """Create the missing preview views of `package`'s resources; returns one line per view created.

    `reader` makes the read calls and `writer` (anything with `call`, e.g. the publisher's write counter)
    the `resource_view_create` calls, so write counts stay exact.
    """
    created = []
    for role, (view_type, title) in PREVIEWS.items():
        resource = resources.find(package, role)
        if resource is None or not _previewable(role, resource):
            continue
        views = reader.call("resource_view_list", {"id": resource["id"]})
        if any(view.get("view_type") == view_type for view in views):
            continue
        writer.call("resource_view_create", {"resource_id": resource["id"], "view_type": view_type, "title": title})
        created.append(f"{view_type} view created")
    return created
