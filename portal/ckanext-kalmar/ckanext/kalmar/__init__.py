"""ckanext-kalmar: the CKAN side of Öppna data Kalmar län.

`plugin` wires CKAN to `search` (PostgreSQL full-text search replacing Solr) and ckanext-dcat to
`dcat_profile` (the DCAT-AP-SE profile).
"""
