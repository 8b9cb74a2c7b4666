"""The `kalmar` CKAN plugin: wires our PostgreSQL search into CKAN.

Why here and in update_config: CKAN looks up its search backends in ckan.lib.search (`index_for`,
`query_for`) on every call, and IConfigurer.update_config runs while CKAN loads its environment, before
the first request, in every process (gunicorn workers and `ckan` CLI commands alike).
Dataset writes maintain the search document table (PostgresSearchIndex, in the write's own
transaction) and searches read it (PostgresPackageSearchQuery).
The plugin also registers the `kalmar_datastore_load` action and its `ckan kalmar` command (datastore_load/).
"""

from __future__ import annotations

import ckan.plugins as p
from ckan.lib import search

from . import datastore_load
from .search import api_results
from .search.index import PostgresSearchIndex
from .search.query import PostgresPackageSearchQuery


def _no_solr_schema(schema_file=None) -> bool:
    return False


def install_postgres_search() -> None:
    """Swap CKAN's Solr index and dataset query for the PostgreSQL ones (idempotent)."""
    search._INDICES["package"] = PostgresSearchIndex
    search._QUERIES["package"] = PostgresPackageSearchQuery
    # Group and tag dictization (organization_show, group_list, ...) instantiate the class by this name.
    search.PackageSearchQuery = PostgresPackageSearchQuery
    # CKAN's start-up check asks the (absent) Solr server for its schema version and logs a
    # connection traceback; there is no Solr schema to check, so report "not applicable" directly.
    search.check_solr_schema_version = _no_solr_schema


class KalmarPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    # Search documents and DCAT fragments copy organization and group names and titles: an edit of
    # one re-indexes its datasets in the same transaction (search/reindex.py).
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IGroupController, inherit=True)
    # The whole DCAT catalog is served from its cache (dcat_cache.py) instead of ckanext-dcat's view.
    p.implements(p.IMiddleware, inherit=True)

    def update_config(self, config):
        install_postgres_search()

    def edit(self, group):
        from .search.reindex import reindex_group_datasets

        reindex_group_datasets(group)

    def make_middleware(self, app, config):
        from .dcat_cache import catalog_view

        views = getattr(app, "view_functions", None)
        if views is not None and "dcat.read_catalog" in views:
            views["dcat.read_catalog"] = catalog_view(views["dcat.read_catalog"])
        return app


    # The DataStore loader (datastore_load/): COPY from the file store, typed by the Table Schema.
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    def get_actions(self):
        # package_search over the Action API writes the stored dataset JSON as it is (search/api_results.py).
        return {**datastore_load.actions(), "package_search": api_results.package_search}

    def get_auth_functions(self):
        return datastore_load.auth_functions()

    # `ckan kalmar requeue-fulltext-indexes` (datastore_load/cli.py), run by portal/stack.
    p.implements(p.IClick)

    def get_commands(self):
        from .datastore_load.cli import commands

        return commands()
