"""The `geojson_map` resource view: a GeoJSON file on a Leaflet map, with each feature's properties.

Why a CKAN resource view: CKAN already lists a resource's views, lets editors add or remove them and
renders the chosen one on the resource page; the publisher creates this view on every GeoJSON resource
(pipelines/ckan/previews.py). Not iframed: the map and its table of properties are part of the
resource page itself, so they are read by screen readers and found by the browser's search.

Leaflet is vendored at build time (portal/stack fetches the pinned npm tarball and checks its integrity)
into public/vendor/leaflet; no script or tile is loaded from another site.
"""

from __future__ import annotations

import ckan.plugins as p
from ckan.plugins import toolkit

FORMATS = frozenset({"geojson"})
TILES_KEY = "ckanext.kalmar.map_tiles_url"
ATTRIBUTION_KEY = "ckanext.kalmar.map_tiles_attribution"


class GeoJSONMapView(p.SingletonPlugin):
    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IResourceView, inherit=True)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        toolkit.add_public_directory(config, "public")

    def info(self):
        return {
            "name": "geojson_map",
            "title": "Karta",
            "default_title": "Karta",
            "icon": "map",
            "iframed": False,
            "always_available": False,
        }

    def can_view(self, data_dict):
        return (data_dict["resource"].get("format") or "").lower() in FORMATS

    def setup_template_variables(self, context, data_dict):
        # Background tiles only when the site configures a tile server of its own choosing;
        # without one the map shows the features on a plain background.
        return {
            "tiles_url": toolkit.config.get(TILES_KEY) or "",
            "tiles_attribution": toolkit.config.get(ATTRIBUTION_KEY) or "",
        }

    def view_template(self, context, data_dict):
        return "geojson_map/view.html"

    def form_template(self, context, data_dict):
        return "geojson_map/form.html"
