"""The `kalmar_ui` CKAN plugin: templates, assets, template helpers and the two pages of this package.

A plugin of its own (not part of `kalmar`, which swaps the search backend) so the look can be switched
off or on independently, and so neither grows into the other.
"""

from __future__ import annotations

import ckan.plugins as p
from ckan.plugins import toolkit

from . import about, dates, list_items, metadata, publication, template_cache
from .pages import pages


def helpers() -> dict:
    """Template helpers, all prefixed so they never shadow CKAN's own."""
    return {
        "kalmar_metadata_rows": metadata.rows,
        "kalmar_publication": publication.publication,
        "kalmar_validation": publication.validation,
        "kalmar_about": about.catalog,
        "kalmar_date_time": dates.date_time,
        "kalmar_package_items": list_items.package_items,
    }


class KalmarUIPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IMiddleware, inherit=True)

    def update_config(self, config):
        toolkit.add_template_directory(config, "templates")
        toolkit.add_public_directory(config, "public")
        toolkit.add_resource("assets", "kalmar-ui")

    def get_helpers(self):
        return helpers()

    def get_blueprint(self):
        return [pages]

    def make_middleware(self, app, config):
        """Compiled templates are kept on disk for every CKAN process (template_cache.py)."""
        if getattr(app, "jinja_env", None) is not None:
            template_cache.install(app.jinja_env, config)
        return app
