"""Shared pytest plugins: the local CKAN portal and the fixture HTTP server.

Each lives in its own module under tests/plugins/ so that areas of the suite
can grow their own fixtures without editing this file.
"""

pytest_plugins = [
    "tests.plugins.portal",
    "tests.plugins.fixture_server",
    "tests.plugins.smtp_server",
]
