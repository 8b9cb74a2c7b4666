"""The portal as people see it: branding, readable metadata, previews, publication status, validation reports.

Kept apart from search/ and the DCAT profile: everything here only reads what the publisher stored
(docs/ckan-mapping.md) and renders it; nothing here writes to CKAN.
"""
