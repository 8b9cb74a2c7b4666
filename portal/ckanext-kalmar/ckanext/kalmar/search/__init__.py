"""PostgreSQL full-text search for CKAN, replacing Solr.

syntax (Solr query text -> tree), fields (Solr field -> CKAN tables), compile (tree -> SQL),
sorting, facets, and query (the SearchQuery class CKAN's package_search runs).
"""
