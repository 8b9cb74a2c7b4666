"""Talking to CKAN: a counting client, pure mapping from the catalog, and the publisher."""
