"""PostgreSQL full-text search for CKAN, replacing Solr.

table (the search document table: DDL, row-level security), index (CKAN's SearchIndex writing it in
the dataset's own transaction), syntax (Solr query text -> tree), fields (Solr field -> document
columns), compile (tree -> SQL), sorting, facets, and query (the SearchQuery class package_search runs).
"""
